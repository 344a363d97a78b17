// Bench: times one loss-and-gradient pass of the baseline's logistic regression on the real training
// matrix (built once from data/processed/train.jsonl and cached in /tmp), and optionally a whole fit.
//
//   tsx bench/logreg-kernel.ts [--passes 3] [--threads N] [--fit ITERS] [--C 10] [--max-features 100000] [--rebuild]
//
// Pass 0 includes the workers' start. --rebuild after changing the TF-IDF code: the cache knows only max_features.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { byFrequency, fitLogReg } from "#baseline/logreg.js";
import { makeEvaluator } from "#baseline/logreg-objective.js";
import { paperText } from "#model-contract/paper.js";
import type { Csr } from "#model-contract/csr.js";
import { fitTfidf } from "#baseline/tfidf-fit.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(args[i + 1]);
};
const passes = opt("passes", 3);
const fitIters = opt("fit", 0);
const threads = opt("threads", 0) || undefined;
const C = opt("C", 10);
const maxFeatures = opt("max-features", 100000);
const cache = `/tmp/logreg-kernel-${maxFeatures}.bin`;
const rebuild = args.includes("--rebuild");

/** The training matrix and labels, from the cache when it exists. */
function load(): { x: Csr; y: Int32Array; k: number } {
  if (existsSync(cache) && !rebuild) {
    const buf = readFileSync(cache);
    const head = new Int32Array(buf.buffer, buf.byteOffset, 4);
    const [nRows, nCols, nnz, k] = Array.from(head) as [number, number, number, number];
    let at = buf.byteOffset + 16;
    const take = <T>(Ctor: new (b: ArrayBuffer, o: number, n: number) => T, n: number, bytes: number): T => {
      const out = new Ctor(buf.buffer.slice(at, at + n * bytes), 0, n);
      at += n * bytes;
      return out;
    };
    const indptr = take(Int32Array, nRows + 1, 4);
    const indices = take(Int32Array, nnz, 4);
    const data = take(Float32Array, nnz, 4);
    const y = take(Int32Array, nRows, 4);
    return { x: { nRows, nCols, indptr, indices, data }, y, k };
  }
  const dir = "data/processed";
  const labels = JSON.parse(readFileSync(join(dir, "labels.json"), "utf8")) as string[];
  const index = new Map(labels.map((l, i) => [l, i]));
  const rows = readFileSync(join(dir, "train.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as { title: string; summary: string; label: string });
  const { matrix: x } = fitTfidf(rows.map(paperText), { ngramMax: 2, minDf: 2, maxFeatures, sublinearTf: true });
  const y = Int32Array.from(rows, (r) => index.get(r.label) ?? -1);
  const head = Int32Array.of(x.nRows, x.nCols, x.indices.length, labels.length);
  writeFileSync(cache, Buffer.concat([head, x.indptr, x.indices, x.data, y].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
  return { x, y, k: labels.length };
}

const { x: raw, y, k } = load();
console.log(`rows ${raw.nRows}, features ${raw.nCols}, non-zeros ${raw.indices.length}, classes ${k}`);
if (passes > 0) {
  let t = performance.now();
  const { x, xt } = byFrequency(raw);
  console.log(`byFrequency: ${((performance.now() - t) / 1000).toFixed(3)} s`);
  t = performance.now();
  const ev = makeEvaluator(x, y, k, C, threads, xt);
  console.log(`evaluator (${threads ?? "default"} threads): ${((performance.now() - t) / 1000).toFixed(3)} s`);
  const params = new Float64Array(x.nCols * k + k);
  // Realistic weights: small values of both signs, as after a few iterations.
  for (let q = 0; q < params.length; q++) params[q] = Math.sin(q * 12.9898) * 0.3;
  const grad = new Float64Array(params.length);
  for (let r = 0; r < passes; r++) {
    t = performance.now();
    const f = ev.fg(params, grad);
    let h = 0;
    for (let q = 0; q < grad.length; q++) h = (h * 31 + (grad[q] as number) * 1e9) % 1e15;
    console.log(`pass ${r}: ${((performance.now() - t) / 1000).toFixed(3)} s, loss ${f.toPrecision(17)}, gradient checksum ${h}`);
  }
  ev.close();
}
if (fitIters > 0) {
  const t = performance.now();
  const fit = fitLogReg(raw, y, k, { C, maxIter: fitIters, tol: 1e-4, ...(threads === undefined ? {} : { threads }) });
  console.log(`fit: ${fit.iters} iterations, ${fit.evals} evaluations, loss ${fit.loss}, stop ${fit.reason}, ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
