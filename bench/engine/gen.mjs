// Generates one layered pipeline twice: as pipeline.yaml (pipe, dvc.yaml schema) and as a Snakefile
// with one explicit rule per stage (same commands, same inputs and outputs), plus its raw files.
//
//   node bench/engine/gen.mjs <dir> [--stages 1000] [--files 10000] [--layers 10]
//
// Shape: `stages` stages in `layers` layers; each stage writes 3 outputs and reads 10 files: 7 raw
// files of its own plus, in layer 0, 3 raw files of other stages, or, in later layers, 3 outputs of
// earlier stages (at least one from the layer just before). Raw files = files - 3 * stages, so the
// whole workflow spans exactly `files` files. Deterministic (fixed-seed PRNG).
import { mkdirSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    stages: { type: "string", default: "1000" },
    files: { type: "string", default: "10000" },
    layers: { type: "string", default: "10" },
  },
});
const dir = positionals[0];
if (!dir) throw new Error("usage: gen.mjs <dir> [--stages N] [--files N] [--layers N]");
const S = Number(values.stages);
const N = Number(values.files);
const L = Number(values.layers);
const OUTS = 3;
const OWN_RAW = 7;
const UP = 3;
const R = N - OUTS * S;
if (R < OWN_RAW * S) throw new Error(`need at least ${OWN_RAW * S} raw files, have ${R}`);

let seed = 0x9e3779b9;
const rand = (n) => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
};

const pad = (n, w) => String(n).padStart(w, "0");
const stageName = (i) => `s${pad(i, 4)}`;
const rawPath = (j) => `raw/${pad(Math.floor(j / 100), 3)}/r${pad(j, 5)}.txt`;
const outPath = (i, k) => `out/${stageName(i)}.${"abc"[k]}`;
const perLayer = Math.ceil(S / L);
const layerOf = (i) => Math.floor(i / perLayer);

const stages = [];
for (let i = 0; i < S; i++) {
  const deps = [];
  // Own raw files; leftover raw files (R > 7*S) go to the first stages, one each.
  for (let r = 0; r < OWN_RAW; r++) deps.push(rawPath(i * OWN_RAW + r));
  if (i < R - OWN_RAW * S) deps.push(rawPath(OWN_RAW * S + i));
  const layer = layerOf(i);
  const picked = new Set();
  while (picked.size < UP) {
    if (layer === 0) {
      const j = rand(OWN_RAW * S);
      if (Math.floor(j / OWN_RAW) !== i) picked.add(rawPath(j));
    } else {
      // First pick from the previous layer, the rest from any earlier layer.
      const lo = picked.size === 0 ? (layer - 1) * perLayer : 0;
      const up = lo + rand(layer * perLayer - lo);
      picked.add(outPath(up, rand(OUTS)));
    }
  }
  deps.push(...picked);
  const outs = Array.from({ length: OUTS }, (_, k) => outPath(i, k));
  const cmd = `cksum ${deps.join(" ")} | tee ${outs[1]} ${outs[2]} > ${outs[0]}`;
  stages.push({ name: stageName(i), deps, outs, cmd });
}

rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, "out"), { recursive: true });
for (let j = 0; j < R; j++) {
  const p = join(dir, rawPath(j));
  if (j % 100 === 0) mkdirSync(join(p, ".."), { recursive: true });
  writeFileSync(p, `raw file ${j}\n`);
}

const yaml = ["stages:"];
for (const s of stages) {
  yaml.push(`  ${s.name}:`, `    cmd: ${s.cmd}`, "    deps:");
  for (const d of s.deps) yaml.push(`      - ${d}`);
  yaml.push("    outs:");
  for (const o of s.outs) yaml.push(`      - ${o}`);
}
writeFileSync(join(dir, "pipeline.yaml"), `${yaml.join("\n")}\n`);

const q = (p) => JSON.stringify(p);
const smk = ["rule all:", "    input:"];
for (const s of stages) for (const o of s.outs) smk.push(`        ${q(o)},`);
for (const s of stages) {
  smk.push("", `rule ${s.name}:`, "    input:");
  for (const d of s.deps) smk.push(`        ${q(d)},`);
  smk.push("    output:");
  for (const o of s.outs) smk.push(`        ${q(o)},`);
  smk.push("    shell:", `        ${q(s.cmd)}`);
}
writeFileSync(join(dir, "Snakefile"), `${smk.join("\n")}\n`);

const distinct = new Set();
for (const s of stages) for (const p of [...s.deps, ...s.outs]) distinct.add(p);
process.stdout.write(JSON.stringify({ dir, stages: S, layers: L, rawFiles: R, outputs: OUTS * S, files: distinct.size }) + "\n");
