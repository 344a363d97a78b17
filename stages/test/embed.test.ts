// The embedder and the model/embed stages end to end on a tiny random backbone with the real
// tokenizer from the mirror: truncation, order and padding invariance, pooling, stage files.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeWithMirror } from "./helpers/needs-mirror.js";
import ort from "onnxruntime-node";
import { writeRandomBackbone } from "#transformer/distilbert-random.js";
import { loadEmbedder, meanPoolInto, type Embedder } from "#transformer/embedder.js";
import { mirrorModelDir } from "#common/mirror.js";
import { checkEmbedParams, sampleRows } from "../embed.js";

const exec = promisify(execFile);
const REPO = resolve(import.meta.dirname, "../..");
const TSX = join(REPO, "node_modules", ".bin", "tsx");
const TINY = { dim: 32, n_layers: 1, n_heads: 4, hidden_dim: 64 };
const TEXTS = [
  "Attention is all you need. We propose the Transformer, based solely on attention mechanisms.",
  "Short.",
  "Graph neural networks for molecules " + "with message passing ".repeat(40),
  "A study of speech enhancement with diffusion models.",
  "",
];

describe("embedder helpers", () => {
  it("mean-pools over the first len positions of each row", () => {
    const hidden = Float32Array.from([1, 2, 3, 4, 100, 100, 5, 6, 7, 8, 9, 10]); // [2, 3, 2]
    const out = new Float32Array(4);
    meanPoolInto(hidden, [2, 3], 3, 2, out, [1, 0]);
    expect(Array.from(out)).toEqual([7, 8, 2, 3]);
  });

  it("samples rows deterministically, in file order", () => {
    const a = sampleRows(100, 10, 5);
    expect(a).toEqual(sampleRows(100, 10, 5));
    expect(a).toEqual([...a].sort((x, y) => x - y));
    expect(new Set(a).size).toBe(10);
    expect(sampleRows(5, 0, 1)).toEqual([0, 1, 2, 3, 4]);
    expect(sampleRows(5, 10, 1)).toEqual([0, 1, 2, 3, 4]);
  });

  it("rejects bad params in one message", () => {
    expect(() => checkEmbedParams({ max_length: 1000, batch_size: 0 })).toThrow(/max_length.*batch_size/);
  });
});

const mirror = mirrorModelDir("distilbert-base-uncased");

describeWithMirror("embedder on a tiny random backbone", mirror !== null, "models/distilbert-base-uncased", () => {
  const dir = mkdtempSync(join(tmpdir(), "pipe-embed-"));
  let embedder: Embedder;
  beforeAll(async () => {
    writeRandomBackbone(dir, mirror as string, "distilbert-base-uncased", TINY, 11);
    embedder = await loadEmbedder(dir, { maxLength: 24, batchSize: 2 });
  });
  afterAll(async () => {
    await embedder.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("tokenizes with [CLS] ... [SEP] and truncates keeping [SEP]", () => {
    const ids = embedder.tokenize(TEXTS);
    expect(ids[1]).toEqual([101, 2460, 1012, 102]);
    expect(ids[2]).toHaveLength(24);
    expect(ids[2]?.[0]).toBe(101);
    expect(ids[2]?.[23]).toBe(102);
    expect(ids[4]).toEqual([101, 102]);
  });

  it("gives exactly transformers.js's fully tokenized ids, truncated keeping [SEP]", async () => {
    const { AutoTokenizer } = await import("@huggingface/transformers");
    const tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
    const texts = [
      "word ".repeat(200), // prefix is enough
      "internationalization electroencephalography ".repeat(20), // many tokens per word
      "international understanding ".repeat(30) + "end", // ~14 chars a token: prefix too short, redo
      "nospaces".repeat(50),
    ];
    const full = (tokenizer(texts, { padding: false, truncation: false, return_tensor: false }) as unknown as { input_ids: number[][] }).input_ids;
    const expected = full.map((ids) => (ids.length <= 24 ? ids : [...ids.slice(0, 23), ids[ids.length - 1] as number]));
    expect(embedder.tokenize(texts)).toEqual(expected);
  });

  it("gives each text the same vector alone or in any batch, in input order", async () => {
    const all = await embedder.embed(TEXTS);
    expect(all).toHaveLength(TEXTS.length * 32);
    for (const [i, text] of TEXTS.entries()) {
      const alone = await embedder.embed([text]);
      expect(alone).toHaveLength(32);
      alone.forEach((v, d) => expect(all[i * 32 + d]).toBeCloseTo(v, 5));
    }
    expect(embedder.pretrained).toBe(false);
  });

  it("equals raw ONNX Runtime output mean-pooled over the mask", async () => {
    const ids = embedder.tokenize([TEXTS[0] as string]);
    const row = ids[0] as number[];
    const session = await ort.InferenceSession.create(join(dir, "onnx", "model.onnx"));
    const out = await session.run({
      input_ids: new ort.Tensor("int64", BigInt64Array.from(row.map(BigInt)), [1, row.length]),
      attention_mask: new ort.Tensor("int64", new BigInt64Array(row.length).fill(1n), [1, row.length]),
    });
    const hidden = out.last_hidden_state?.data as Float32Array;
    const mine = await embedder.embed([TEXTS[0] as string]);
    for (let d = 0; d < 32; d++) {
      let s = 0;
      for (let t = 0; t < row.length; t++) s += hidden[t * 32 + d] as number;
      expect(mine[d]).toBeCloseTo(s / row.length, 5);
    }
  });
});

describeWithMirror("model + embed stages", mirror !== null, "models/distilbert-base-uncased", () => {
  const root = mkdtempSync(join(tmpdir(), "pipe-stages-"));
  const env = { ...process.env, PIPE_ROOT: root, PIPE_MIRROR: resolve(mirror as string, "../..") };
  const params = (fallback: string): string =>
    `model:\n  name: distilbert-base-uncased\n  fallback: ${fallback}\n  dim: 32\n  n_layers: 1\n  n_heads: 4\n  hidden_dim: 64\n  seed: 0\n  hub_timeout_s: 0\n` +
    `distilbert:\n  max_length: 32\n  batch_size: 4\n  max_train_docs: 7\n  seed: 1\n`;
  beforeAll(() => {
    mkdirSync(join(root, "data", "processed"), { recursive: true });
    const sizes = { train: 12, val: 5, test: 3 };
    for (const [split, n] of Object.entries(sizes)) {
      const lines = Array.from({ length: n }, (_, i) =>
        JSON.stringify({ id: `${split}-${i}`, title: `Paper ${i} on ${split}`, summary: TEXTS[i % TEXTS.length], published: "2020-01-01", label: "cs.CL" }),
      );
      writeFileSync(join(root, "data", "processed", `${split}.jsonl`), lines.join("\n") + "\n");
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("fails in one line without weights when fallback is not random-init", async () => {
    writeFileSync(join(root, "params.yaml"), params("none"));
    const err = await exec(TSX, [join(REPO, "stages/model.ts")], { env, cwd: root }).catch((e: { code: number; stderr: string }) => e);
    expect("code" in err && err.code).toBe(1);
    expect((err as { stderr: string }).stderr.trim().split("\n")).toHaveLength(1);
    expect((err as { stderr: string }).stderr).toMatch(/no weights for 'distilbert-base-uncased'.*fallback is 'none'/);
  });

  it("builds a deterministic random backbone with a loud warning, then embeds", async () => {
    writeFileSync(join(root, "params.yaml"), params("random-init"));
    const first = await exec(TSX, [join(REPO, "stages/model.ts")], { env, cwd: root });
    expect(first.stderr).toMatch(/WARNING.*RANDOM weights/);
    const bytes = readFileSync(join(root, "artifacts/backbone/onnx/model.onnx"));
    await exec(TSX, [join(REPO, "stages/model.ts")], { env, cwd: root });
    expect(readFileSync(join(root, "artifacts/backbone/onnx/model.onnx")).equals(bytes)).toBe(true);
    const card = JSON.parse(readFileSync(join(root, "artifacts/backbone/card.json"), "utf8")) as Record<string, unknown>;
    expect(card).toMatchObject({ name: "distilbert-base-uncased", source: "random-init", pretrained: false, dim: 32 });

    await exec(TSX, [join(REPO, "stages/embed.ts")], { env, cwd: root });
    const meta = JSON.parse(readFileSync(join(root, "data/embeddings/meta.json"), "utf8")) as {
      dim: number;
      counts: Record<string, number>;
      rows: Record<string, number[]>;
      pretrained: boolean;
    };
    expect(meta).toMatchObject({ dim: 32, counts: { train: 7, val: 5, test: 3 }, pretrained: false });
    expect(meta.rows.train).toEqual(sampleRows(12, 7, 1));
    expect(meta.rows.val).toEqual([0, 1, 2, 3, 4]);
    for (const [split, n] of Object.entries(meta.counts)) {
      expect(readFileSync(join(root, `data/embeddings/${split}.f32`)).length).toBe(n * 32 * 4);
    }
    const metrics = JSON.parse(readFileSync(join(root, "metrics/embed.json"), "utf8")) as Record<string, unknown>;
    expect(metrics).toMatchObject({ pretrained: false, counts: meta.counts });
    expect(metrics.docs_per_s).toBeGreaterThan(0);
  });

  it("takes weights from a local folder as they are", async () => {
    // A folder with onnx/model.onnx (here the random build, whose card says pretrained: false).
    cpSync(join(root, "artifacts/backbone"), join(root, "local-model"), { recursive: true });
    const bytes = readFileSync(join(root, "artifacts/backbone/onnx/model.onnx"));
    writeFileSync(join(root, "params.yaml"), params("none").replace("name: distilbert-base-uncased", "name: local-model"));
    const run = await exec(TSX, [join(REPO, "stages/model.ts")], { env, cwd: root });
    expect(run.stderr).not.toMatch(/WARNING/);
    const card = JSON.parse(readFileSync(join(root, "artifacts/backbone/card.json"), "utf8")) as Record<string, unknown>;
    expect(card).toMatchObject({ name: "local-model", source: "local", pretrained: false, dim: 32 });
    expect(readFileSync(join(root, "artifacts/backbone/onnx/model.onnx")).equals(bytes)).toBe(true);
  });
});
