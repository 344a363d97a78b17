// Bench helper: fits pipe's TF-IDF + logistic-regression baseline on a split folder and prints one
// JSON line of timings and scores (called by baseline-vs-sklearn.py with the same params as sklearn).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fitLogReg, predictProbaCsr } from "#baseline/logreg.js";
import { argmaxRows, summarize } from "#common/metrics.js";
import { paperText } from "#model-contract/paper.js";
import { fitTfidf } from "#baseline/tfidf-fit.js";
import { transformTfidf } from "#model-contract/tfidf.js";

interface Row {
  readonly title: string;
  readonly summary: string;
  readonly label: string;
}

const [dir, paramsJson] = process.argv.slice(2);
if (dir === undefined || paramsJson === undefined) throw new Error("usage: baseline-ours.ts <split-dir> <params-json>");
const p = JSON.parse(paramsJson) as { ngram_max: number; min_df: number; max_features: number | null; C: number; max_iter: number; tol: number };
const read = (s: string): Row[] =>
  readFileSync(join(dir, `${s}.jsonl`), "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Row);
const labels = JSON.parse(readFileSync(join(dir, "labels.json"), "utf8")) as string[];
const index = new Map(labels.map((l, i) => [l, i]));
const ids = (rows: Row[]): Int32Array => Int32Array.from(rows, (r) => index.get(r.label) ?? -1);
const [train, val, test] = [read("train"), read("val"), read("test")];

const t0 = performance.now();
const { vocab, matrix } = fitTfidf(train.map(paperText), { ngramMax: p.ngram_max, minDf: p.min_df, maxFeatures: p.max_features, sublinearTf: true });
const tVec = (performance.now() - t0) / 1000;
const fit = fitLogReg(matrix, ids(train), labels.length, { C: p.C, maxIter: p.max_iter, tol: p.tol });
const tFit = (performance.now() - t0) / 1000;
const score = (rows: Row[]) => {
  const s = summarize(ids(rows), argmaxRows(predictProbaCsr(fit.model, transformTfidf(vocab, rows.map(paperText))), labels.length), labels.length);
  return { accuracy: s.accuracy, f1_macro: s.f1Macro };
};
const t1 = performance.now();
const result = {
  vectorize_s: tVec,
  fit_s: tFit,
  n_features: vocab.terms.length,
  iterations: fit.iters,
  evals: fit.evals,
  stop: fit.reason,
  val: score(val),
  test: score(test),
  predict_s: (performance.now() - t1) / 1000,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
