// Embedder overhead: docs/s of transformer/embedder.ts (tensor building, transformers.js model call, pooling; and with
// tokenization) against raw InferenceSession.run of the same ONNX model on the same, pre-built
// batches. Prints figures; asserts nothing. The tokenizer's word caches are warm in the interleaved
// figures (best of reps); the cold line tokenizes the docs once with a fresh tokenizer.
// Usage: tsx bench/embed-overhead.ts [--docs 1000] [--max-length 256] [--batch-size 32] [--threads N]
//        [--backbone artifacts/backbone] [--reps 5] [--spin]
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import ort from "onnxruntime-node";
import { writeRandomBackbone } from "#transformer/distilbert-random.js";
import { loadEmbedder, planBatches, sessionOptionsFor } from "#transformer/embedder.js";
import { mirrorModelDir } from "#common/mirror.js";
import { loadPaperTokenizer } from "#model-contract/paper-tokenizer.js";

const { values } = parseArgs({
  options: {
    docs: { type: "string", default: "1000" },
    "max-length": { type: "string", default: "256" },
    "batch-size": { type: "string", default: "32" },
    threads: { type: "string" },
    backbone: { type: "string", default: "artifacts/backbone" },
    reps: { type: "string", default: "5" },
    spin: { type: "boolean", default: false },
  },
});
const nDocs = Number(values.docs);
const maxLength = Number(values["max-length"]);
const batchSize = Number(values["batch-size"]);
const reps = Number(values.reps);
const threads = values.threads === undefined ? undefined : Number(values.threads);

function texts(n: number): string[] {
  const val = resolve("data/processed/val.jsonl");
  if (existsSync(val)) {
    return readFileSync(val, "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .slice(0, n)
      .map((l) => {
        const p = JSON.parse(l) as { title: string; summary: string };
        return `${p.title} ${p.summary}`;
      });
  }
  return Array.from({ length: n }, (_, i) => `Paper ${i}: ` + "a study of attention in transformers ".repeat(1 + (i % 20)));
}

let backbone = resolve(values.backbone);
let scratch: string | null = null;
if (!existsSync(join(backbone, "onnx", "model.onnx"))) {
  const mirror = mirrorModelDir("distilbert-base-uncased");
  if (mirror === null) throw new Error(`no backbone at ${backbone} and no mirror to build one`);
  scratch = mkdtempSync(join(tmpdir(), "pipe-bench-"));
  writeRandomBackbone(scratch, mirror, "distilbert-base-uncased", { dim: 128, n_layers: 2, n_heads: 2, hidden_dim: 512 }, 0);
  backbone = scratch;
}

const opts = { maxLength, batchSize, spin: values.spin, ...(threads === undefined ? {} : { threads }) };
const embedder = await loadEmbedder(backbone, opts);
const docs = texts(nDocs);
// Batches are planned with a second tokenizer, so the embedder's caches start cold.
const cold = await loadPaperTokenizer(backbone);
const coldStart = performance.now();
const ids = cold.ids(docs, maxLength);
const coldSeconds = (performance.now() - coldStart) / 1000;
const batches = planBatches(
  ids.map((r) => r.length),
  batchSize,
);
const feeds = batches.map((rows) => {
  const seq = Math.max(...rows.map((r) => (ids[r] as number[]).length));
  const inputIds = new BigInt64Array(rows.length * seq);
  const mask = new BigInt64Array(rows.length * seq);
  rows.forEach((r, i) =>
    (ids[r] as number[]).forEach((id, t) => {
      inputIds[i * seq + t] = BigInt(id);
      mask[i * seq + t] = 1n;
    }),
  );
  return {
    input_ids: new ort.Tensor("int64", inputIds, [rows.length, seq]),
    attention_mask: new ort.Tensor("int64", mask, [rows.length, seq]),
  };
});
const session = await ort.InferenceSession.create(join(backbone, "onnx", "model.onnx"), sessionOptionsFor(opts));

const time = async (fn: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
};
const batchIds = batches.map((rows) => rows.map((r) => ids[r] as number[]));
const batchTexts = batches.map((rows) => rows.map((r) => docs[r] as string));
// Warm-up, then each variant runs all batches in a row, as the embed stage does (a run right after
// another session's shifts by several per cent: CPU caches), the variants' passes taking turns
// in an order rotated each rep so that other load on the machine hits them alike; per batch the
// fastest of `reps` runs counts.
await session.run(feeds[0] as Record<string, ort.Tensor>);
await embedder.embedTokens(batchIds[0] as number[][]);
type Variant = "raw" | "rawAgain" | "ours" | "oursTok" | "tok";
const variants: Record<Variant, (b: number) => Promise<unknown>> = {
  raw: async (b) => (await session.run(feeds[b] as Record<string, ort.Tensor>)).last_hidden_state?.dispose(),
  // The same pass again: how far two identical variants drift apart here (the noise floor).
  rawAgain: async (b) => (await session.run(feeds[b] as Record<string, ort.Tensor>)).last_hidden_state?.dispose(),
  ours: (b) => embedder.embedTokens(batchIds[b] as number[][]),
  oursTok: (b) => embedder.embed(batchTexts[b] as string[]),
  tok: async (b) => embedder.tokenize(batchTexts[b] as string[]),
};
const order = Object.keys(variants) as Variant[];
const fastest = Object.fromEntries(order.map((v) => [v, batches.map(() => Infinity)])) as Record<Variant, number[]>;
for (let i = 0; i < reps; i++) {
  for (let k = 0; k < order.length; k++) {
    const v = order[(i + k) % order.length] as Variant;
    for (let b = 0; b < batches.length; b++) fastest[v][b] = Math.min(fastest[v][b] as number, await time(() => variants[v](b)));
  }
}
const best = Object.fromEntries(order.map((v) => [v, fastest[v].reduce((a, t) => a + t, 0)])) as Record<Variant, number>;
await embedder.dispose();
await session.release();
if (scratch !== null) rmSync(scratch, { recursive: true, force: true });

const rate = (s: number): string => (docs.length / s).toFixed(1);
const overhead = (s: number): string => `${(((s - best.raw) / best.raw) * 100).toFixed(1)} %`;
const meanLen = ids.reduce((a, r) => a + r.length, 0) / ids.length;
process.stdout.write(
  [
    `embed-overhead: ${docs.length} docs, mean ${meanLen.toFixed(0)} tokens, max_length ${maxLength}, batch ${batchSize}, ` +
      `${batches.length} batches, threads ${threads ?? "default"}${values.spin ? " (spinning)" : ""}, best of ${reps}, tokenizer ${embedder.tokenizerEngine}`,
    `  raw InferenceSession.run (pre-built tensors)   ${rate(best.raw)} docs/s`,
    `  the same again (noise floor)                  ${rate(best.rawAgain)} docs/s  overhead ${overhead(best.rawAgain)}`,
    `  embedder.embedTokens (model call + pooling)   ${rate(best.ours)} docs/s  overhead ${overhead(best.ours)}`,
    `  embedder.embed (tokenize + model + pooling)   ${rate(best.oursTok)} docs/s  overhead ${overhead(best.oursTok)}`,
    `  tokenizer alone                               ${rate(best.tok)} docs/s`,
    `  tokenizer alone, cold caches, one pass        ${rate(coldSeconds)} docs/s`,
  ].join("\n") + "\n",
);
