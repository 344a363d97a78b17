import { parseState } from "../engine/src/hashing/state.js";
const entries: Record<string, unknown> = {};
for (let i = 0; i < 10000; i++) entries[`data/d${i % 100}/f${i}.txt`] = { ino: 123456 + i, size: 240, mtimeMs: 1732390000000.123 + i, digest: "0123456789abcdef" };
const text = JSON.stringify({ version: 1, entries });
for (let k = 0; k < 3; k++) { const t = performance.now(); const m = parseState(text); console.log((performance.now() - t).toFixed(1), "ms", m.size); }
