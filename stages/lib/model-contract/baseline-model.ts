// The baseline model on disk (`model.json` + `weights.bin`) and its inference: TF-IDF features,
// then softmax(x·Wᵀ + b). Part of the model contract: the baseline stage saves it, evaluate and
// serving load and run it, all through this file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { csrMatMul } from "./csr.js";
import { BASELINE_FILES } from "./export-card.js";
import { paperText } from "./paper.js";
import { softmaxRows } from "./softmax.js";
import { makeVocab, transformTfidf, type TfidfConfig, type TfidfVocab } from "./tfidf.js";

export const BASELINE_FORMAT = "pipe-baseline/1";

/**
 * model.json. `weights.bin` holds float32 little-endian W `[n_classes × n_features]` (row-major),
 * then the bias `[n_classes]`; a term's position in `vocabulary` is its feature index.
 */
export interface BaselineModelJson {
  readonly format: typeof BASELINE_FORMAT;
  readonly labels: readonly string[];
  readonly n_classes: number;
  readonly n_features: number;
  readonly config: {
    readonly text: "title + ' ' + summary";
    readonly lowercase: true;
    readonly token_pattern: string;
    readonly ngram_max: number;
    readonly min_df: number;
    readonly max_features: number | null;
    readonly sublinear_tf: boolean;
    readonly norm: "l2";
    readonly C: number;
  };
  readonly vocabulary: readonly string[];
  readonly idf: readonly number[];
  readonly weights: { readonly file: "weights.bin"; readonly dtype: "float32"; readonly byte_order: "little" };
}

/** A loaded model, ready for `predictProba`. */
export interface BaselineModel {
  readonly labels: readonly string[];
  readonly vocab: TfidfVocab;
  readonly C: number;
  /** Class-major `[nClasses × nFeatures]`, as in weights.bin. */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  /** Feature-major copy `[nFeatures × nClasses]` for fast sparse products. */
  readonly wt: Float32Array;
}

export interface Paper {
  readonly title: string;
  readonly summary: string;
}

function transpose(weights: Float32Array, k: number, d: number): Float32Array {
  const wt = new Float32Array(k * d);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) wt[j * k + c] = weights[c * d + j] as number;
  return wt;
}

export function makeBaselineModel(labels: readonly string[], vocab: TfidfVocab, C: number, weights: Float32Array, bias: Float32Array): BaselineModel {
  const k = labels.length;
  const d = vocab.terms.length;
  if (weights.length !== k * d || bias.length !== k) {
    throw new RangeError(`weights must be ${k}×${d} and bias ${k}; got ${weights.length} and ${bias.length}`);
  }
  return { labels, vocab, C, weights, bias, wt: transpose(weights, k, d) };
}

/** The model.json record and weights.bin bytes of a model. */
export function serializeBaselineModel(model: BaselineModel): { json: BaselineModelJson; bin: Buffer } {
  const cfg = model.vocab.config;
  const json: BaselineModelJson = {
    format: BASELINE_FORMAT,
    labels: [...model.labels],
    n_classes: model.labels.length,
    n_features: model.vocab.terms.length,
    config: {
      text: "title + ' ' + summary",
      lowercase: true,
      token_pattern: "(?u)\\b\\w\\w+\\b",
      ngram_max: cfg.ngramMax,
      min_df: cfg.minDf,
      max_features: cfg.maxFeatures,
      sublinear_tf: cfg.sublinearTf,
      norm: "l2",
      C: model.C,
    },
    vocabulary: [...model.vocab.terms],
    idf: Array.from(model.vocab.idf),
    weights: { file: "weights.bin", dtype: "float32", byte_order: "little" },
  };
  const bin = Buffer.alloc(4 * (model.weights.length + model.bias.length));
  let off = 0;
  for (const v of model.weights) off = bin.writeFloatLE(v, off);
  for (const v of model.bias) off = bin.writeFloatLE(v, off);
  return { json, bin };
}

/** Rebuilds a model from model.json's record and weights.bin's bytes; throws on a mismatch. */
export function parseBaselineModel(json: unknown, bin: Uint8Array): BaselineModel {
  const j = json as BaselineModelJson;
  if (j === null || typeof j !== "object" || j.format !== BASELINE_FORMAT) {
    throw new Error(`model.json: expected format ${BASELINE_FORMAT}`);
  }
  const k = j.labels.length;
  const d = j.vocabulary.length;
  if (j.n_classes !== k || j.n_features !== d || j.idf.length !== d) throw new Error("model.json: inconsistent sizes");
  if (bin.byteLength !== 4 * (k * d + k)) {
    throw new Error(`weights.bin: expected ${4 * (k * d + k)} bytes, found ${bin.byteLength}`);
  }
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const weights = new Float32Array(k * d);
  for (let i = 0; i < k * d; i++) weights[i] = view.getFloat32(4 * i, true);
  const bias = new Float32Array(k);
  for (let c = 0; c < k; c++) bias[c] = view.getFloat32(4 * (k * d + c), true);
  const config: TfidfConfig = {
    ngramMax: j.config.ngram_max,
    minDf: j.config.min_df,
    maxFeatures: j.config.max_features,
    sublinearTf: j.config.sublinear_tf,
  };
  const vocab = makeVocab(config, j.vocabulary, Float64Array.from(j.idf));
  return makeBaselineModel(j.labels, vocab, j.config.C, weights, bias);
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Writes `dir/model.json` and `dir/weights.bin` (each via a temp file and a rename). */
export function saveBaselineModel(dir: string, model: BaselineModel): void {
  mkdirSync(dir, { recursive: true });
  const { json, bin } = serializeBaselineModel(model);
  const [modelFile, weightsFile] = BASELINE_FILES;
  writeAtomic(join(dir, weightsFile), bin);
  writeAtomic(join(dir, modelFile), `${JSON.stringify(json)}\n`);
}

export function loadBaselineModel(dir: string): BaselineModel {
  const [modelFile, weightsFile] = BASELINE_FILES;
  const json: unknown = JSON.parse(readFileSync(join(dir, modelFile), "utf8"));
  return parseBaselineModel(json, readFileSync(join(dir, weightsFile)));
}

/** Class probabilities of each paper as one flat `[n × nClasses]` array. */
export function predictProbaFlat(model: BaselineModel, papers: readonly Paper[]): Float32Array {
  const k = model.labels.length;
  const x = transformTfidf(model.vocab, papers.map(paperText));
  const z = csrMatMul(x, model.wt, k, model.bias);
  return softmaxRows(z, k);
}

/** Class probabilities of each paper, in `labels` order. */
export function predictProba(model: BaselineModel, papers: readonly Paper[]): Float32Array[] {
  const k = model.labels.length;
  const flat = predictProbaFlat(model, papers);
  return papers.map((_, i) => flat.slice(i * k, (i + 1) * k));
}
