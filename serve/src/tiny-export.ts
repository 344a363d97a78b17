// Builds small, untrained export packages (random weights) for the serve tests and the serving
// bench, through the pipeline's own builders, so they exercise the real formats without a run.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeRandomBackbone, TOKENIZER_FILES } from "../../stages/lib/distilbert-random.js";
import { buildExportGraph, type HeadJson } from "../../stages/lib/export-graph.js";
import { makeBaselineModel, saveBaselineModel } from "../../stages/lib/baseline-model.js";
import { gaussian, mulberry32 } from "../../stages/lib/random.js";
import { makeVocab } from "../../stages/lib/tfidf.js";

export const TINY_LABELS = ["cs.AI", "cs.CL", "cs.CV", "cs.LG", "math.NA"] as const;

export interface TinyTransformerOptions {
  /** A folder with the real tokenizer files (the mirror's distilbert-base-uncased). */
  readonly tokenizerDir: string;
  readonly dim?: number;
  readonly layers?: number;
  readonly heads?: number;
  readonly maxLength?: number;
  readonly seed?: number;
}

/** The mirror's tokenizer folder (`$PIPE_MIRROR`, default `../shared/mirror` from the root). */
export function mirrorTokenizerDir(root: string): string {
  const mirror = process.env.PIPE_MIRROR ?? join(root, "..", "shared", "mirror");
  return join(mirror, "models", "distilbert-base-uncased");
}

function card(extra: Record<string, unknown>): string {
  return `${JSON.stringify(
    {
      format: "pipe-export/1",
      labels: TINY_LABELS,
      pretrained: false,
      metrics: {},
      params: {},
      data_digest: "tiny-data-digest",
      lock_digest: "tiny-lock-digest",
      created: new Date(0).toISOString(),
      ...extra,
    },
    null,
    2,
  )}\n`;
}

/** Words that make each tiny label win in the tiny baseline (tests check answers with them). */
export const TINY_BASELINE_WORDS: Readonly<Record<(typeof TINY_LABELS)[number], readonly string[]>> = {
  "cs.AI": ["agent", "planning", "reasoning"],
  "cs.CL": ["language", "translation", "parsing"],
  "cs.CV": ["image", "vision", "segmentation"],
  "cs.LG": ["learning", "gradient", "training"],
  "math.NA": ["finite", "solver", "numerical"],
};

/** A baseline export written by the pipeline's own `saveBaselineModel` (model.json + weights.bin). `features` pads the
 * vocabulary with unused terms to a realistic size for the bench. */
export function writeTinyBaselineExport(outDir: string, opts: { features?: number; seed?: number } = {}): void {
  const keywords = TINY_LABELS.flatMap((l) => TINY_BASELINE_WORDS[l].map((w) => ({ w, l })));
  const filler = Math.max(0, (opts.features ?? 0) - keywords.length);
  const terms = [...keywords.map((k) => k.w), ...Array.from({ length: filler }, (_, i) => `zzfill${i}`)];
  const idf = terms.map((_, i) => (i < keywords.length ? 2 : 5));
  const k = TINY_LABELS.length;
  const d = terms.length;
  const normal = gaussian(mulberry32(opts.seed ?? 3));
  const weights = new Float32Array(k * d + k);
  for (let j = 0; j < d; j++) for (let c = 0; c < k; c++) weights[c * d + j] = normal() * 0.01;
  keywords.forEach(({ l }, j) => (weights[TINY_LABELS.indexOf(l) * d + j] = 8));
  mkdirSync(outDir, { recursive: true });
  const vocab = makeVocab({ ngramMax: 2, minDf: 1, maxFeatures: null, sublinearTf: true }, terms, Float64Array.from(idf));
  saveBaselineModel(outDir, makeBaselineModel(TINY_LABELS, vocab, 10, weights.subarray(0, k * d), weights.subarray(k * d)));
  writeFileSync(join(outDir, "card.json"), card({ kind: "baseline", files: ["model.json", "weights.bin"] }));
}

/** A transformer export: random-init DistilBERT backbone + random linear head → `probabilities`. */
export function writeTinyTransformerExport(outDir: string, opts: TinyTransformerOptions): void {
  const dim = opts.dim ?? 32;
  const seed = opts.seed ?? 7;
  const backbone = join(outDir, ".backbone");
  writeRandomBackbone(backbone, opts.tokenizerDir, "tiny-random", { dim, n_layers: opts.layers ?? 1, n_heads: opts.heads ?? 2, hidden_dim: dim * 4 }, seed);
  const normal = gaussian(mulberry32(seed + 1));
  const n = TINY_LABELS.length;
  const head: HeadJson = {
    arch: "linear",
    input_dim: dim,
    n_classes: n,
    labels: [...TINY_LABELS],
    layers: [{ weight: Array.from({ length: dim * n }, () => normal() * 5), bias: new Array<number>(n).fill(0), activation: "none" }],
    pretrained: false,
  };
  mkdirSync(outDir, { recursive: true });
  buildExportGraph(join(backbone, "onnx", "model.onnx"), head, join(outDir, "model.onnx"));
  for (const f of TOKENIZER_FILES) copyFileSync(join(backbone, f), join(outDir, f));
  rmSync(backbone, { recursive: true, force: true });
  writeFileSync(
    join(outDir, "card.json"),
    card({ kind: "transformer", max_length: opts.maxLength ?? 128, files: ["model.onnx", ...TOKENIZER_FILES] }),
  );
}
