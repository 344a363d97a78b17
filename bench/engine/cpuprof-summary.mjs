// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by area (node internals, each
// package under node_modules, each engine folder under dist/engine/src, GC, ...) and the hottest
// functions. Prints one JSON object.
//
//   node bench/engine/cpuprof-summary.mjs <file.cpuprofile>
import { readFileSync } from "node:fs";

const prof = JSON.parse(readFileSync(process.argv[2], "utf8"));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
// Each sample is charged the time until the next one.
for (let i = 0; i < prof.samples.length; i++) {
  const dt = (prof.timeDeltas[i + 1] ?? 0) / 1000;
  self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
}

function area(cf) {
  const url = cf.url ?? "";
  if (!url) return cf.functionName.startsWith("(") ? cf.functionName : "(native / builtins)";
  if (url.startsWith("node:")) return url.startsWith("node:internal/modules") ? "node: module loader" : "node: internals";
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return `node_modules/${nm[1]}`;
  const eng = url.match(/dist\/engine\/src\/([^/]+)/);
  if (eng) return `engine/${eng[1]}`;
  return url
    .replace(/^file:\/\//, "")
    .split("/")
    .slice(-2)
    .join("/");
}

const areas = new Map();
const fns = new Map();
let total = 0;
for (const [id, ms] of self) {
  const n = byId.get(id);
  const a = area(n.callFrame);
  areas.set(a, (areas.get(a) ?? 0) + ms);
  const short = (n.callFrame.url ?? "").split("/").slice(-2).join("/");
  const f = `${n.callFrame.functionName || "(anonymous)"} ${short}:${n.callFrame.lineNumber + 1}`;
  fns.set(f, (fns.get(f) ?? 0) + ms);
  total += ms;
}
const top = (m, k) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([name, ms]) => [name, Math.round(ms)]);
process.stdout.write(JSON.stringify({ totalMs: Math.round(total), byArea: top(areas, 10), topFunctions: top(fns, 10) }) + "\n");
