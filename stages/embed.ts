// Stage `embed`: mean-pooled backbone embeddings of title + " " + summary for a seeded sample of
// at most `max_train_docs` train papers and all (or at most `max_eval_docs`) val/test papers;
// writes data/embeddings/{train,val,test}.f32 + meta.json and metrics/embed.json.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadEmbedder } from "#transformer/embedder.js";
import { paperText } from "#model-contract/paper.js";
import { StageError, readJsonlAll, runStage, writeFileAtomic, writeJsonAtomic } from "#common/io.js";
import { projectRoot, readParamGroup } from "#common/params.js";
import { createProgress } from "#common/progress.js";
import { mulberry32, shuffleInPlace } from "#common/random.js";

export interface EmbedParams {
  max_length: number;
  batch_size: number;
  /** Train papers embedded (a seeded sample); 0: all. */
  max_train_docs: number;
  /** Val and test papers embedded each (a seeded sample); 0: all. */
  max_eval_docs: number;
  seed: number;
  /** ONNX Runtime intra-op threads; 0: the runtime's default. */
  threads: number;
}

const SPLITS = ["train", "val", "test"] as const;
type Split = (typeof SPLITS)[number];

interface PaperText {
  title: string;
  summary: string;
}

export function checkEmbedParams(raw: Record<string, unknown>): EmbedParams {
  const problems: string[] = [];
  const num = (key: string, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const v = raw[key] ?? dflt;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      problems.push(`distilbert.${key} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
    }
    return Number(v);
  };
  const p: EmbedParams = {
    max_length: num("max_length", 512, 2, 512),
    batch_size: num("batch_size", 32, 1, 4096),
    max_train_docs: num("max_train_docs", 20000, 0),
    max_eval_docs: num("max_eval_docs", 0, 0),
    seed: num("seed", 0, 0),
    threads: num("threads", 0, 0, 256),
  };
  if (problems.length > 0) throw new StageError(problems.join("; "));
  return p;
}

/** Row indices to embed: all rows, or a seeded sample of `cap` kept in file order. */
export function sampleRows(n: number, cap: number, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (cap <= 0 || cap >= n) return all;
  return shuffleInPlace(all, mulberry32(seed))
    .slice(0, cap)
    .sort((a, b) => a - b);
}

export async function main(): Promise<void> {
  const root = projectRoot();
  const params = checkEmbedParams(readParamGroup<Record<string, unknown>>("distilbert"));
  const backbone = resolve(root, "artifacts/backbone");
  if (!existsSync(join(backbone, "onnx", "model.onnx"))) {
    throw new StageError(`no backbone at ${backbone}/onnx/model.onnx; did the model stage run?`);
  }
  const embedder = await loadEmbedder(backbone, {
    maxLength: params.max_length,
    batchSize: params.batch_size,
    ...(params.threads > 0 ? { threads: params.threads } : {}),
  });
  const outDir = resolve(root, "data/embeddings");
  const counts: Record<string, number> = {};
  const rows: Record<string, number[]> = {};
  const texts: Partial<Record<Split, string[]>> = {};
  for (const [i, split] of SPLITS.entries()) {
    const papers = await readJsonlAll<PaperText>(resolve(root, "data/processed", `${split}.jsonl`));
    const cap = split === "train" ? params.max_train_docs : params.max_eval_docs;
    const picked = sampleRows(papers.length, cap, params.seed + i);
    rows[split] = picked;
    counts[split] = picked.length;
    texts[split] = picked.map((r) => paperText(papers[r] as PaperText));
  }
  const total = SPLITS.reduce((a, s) => a + (counts[s] ?? 0), 0);
  const progress = createProgress("embed", { total, unit: "items", intervalS: 10 });
  const start = performance.now();
  let before = 0;
  for (const split of SPLITS) {
    const vectors = await embedder.embed(texts[split] ?? [], ({ done }) => progress.update(before + done));
    before += counts[split] ?? 0;
    await writeFileAtomic(join(outDir, `${split}.f32`), new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength));
  }
  progress.done();
  const seconds = (performance.now() - start) / 1000;
  await embedder.dispose();
  const meta = {
    dim: embedder.dim,
    counts,
    rows,
    pretrained: embedder.pretrained,
    max_length: params.max_length,
    tokenizer: embedder.tokenizerEngine,
    pooling: "mean",
    text: "title + ' ' + summary",
  };
  // Compact: `rows` holds up to one index per paper.
  await writeFileAtomic(join(outDir, "meta.json"), `${JSON.stringify(meta)}\n`);
  const docsPerS = total / Math.max(seconds, 1e-9);
  await writeJsonAtomic(resolve(root, "metrics/embed.json"), {
    pretrained: embedder.pretrained,
    dim: embedder.dim,
    counts,
    docs_per_s: Math.round(docsPerS * 10) / 10,
    seconds: Math.round(seconds * 10) / 10,
    max_length: params.max_length,
    batch_size: params.batch_size,
    tokenizer: embedder.tokenizerEngine,
  });
  const warn = embedder.pretrained ? "" : " (RANDOM-INIT backbone: not pretrained)";
  process.stderr.write(`embed: ${total} docs in ${seconds.toFixed(1)}s, ${docsPerS.toFixed(0)} docs/s, tokenizer ${embedder.tokenizerEngine}${warn}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runStage("embed", main);
}
