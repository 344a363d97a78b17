// The export stage on a tiny random backbone and head: the card is complete, export.both adds the
// other model, and the ONNX export's probabilities match the pipeline's (embeddings + head) to 1e-4.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithMirror } from "./helpers/needs-mirror.js";
import { writeRandomBackbone } from "#transformer/distilbert-random.js";
import { loadEmbedder } from "#transformer/embedder.js";
import { predictProba, type HeadJson } from "#model-contract/head-model.js";
import { EXPORT_FORMAT, parseCard, type ExportCard } from "#model-contract/export-card.js";
import { mirrorModelDir } from "#common/mirror.js";
import { gaussian, mulberry32 } from "#common/random.js";

const headForward = (head: HeadJson, x: Float32Array, _n: number): Float32Array => predictProba(head, x, head.input_dim);

const REPO = resolve(import.meta.dirname, "../..");
const TSX = join(REPO, "node_modules/tsx/dist/cli.mjs");
const TOKENIZER_DIR = mirrorModelDir("distilbert-base-uncased", process.env, REPO);
const LABELS = ["cs.AI", "cs.CL", "cs.CV", "cs.LG"];
const DIM = 32;
const MAX_LENGTH = 24;

function randomHead(seed: number): HeadJson {
  const g = gaussian(mulberry32(seed));
  const layer = (i: number, o: number, activation: "relu" | "none") => ({
    weight: Array.from({ length: i * o }, () => g() * 0.5),
    bias: Array.from({ length: o }, () => g() * 0.1),
    activation,
  });
  return {
    arch: "mlp",
    input_dim: DIM,
    n_classes: LABELS.length,
    labels: LABELS,
    layers: [layer(DIM, 16, "relu"), layer(16, LABELS.length, "none")],
    pretrained: false,
  };
}

describeWithMirror("export stage", TOKENIZER_DIR !== null, "models/distilbert-base-uncased", () => {
  let root = "";
  const head = randomHead(7);
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "pipe-export-"));
    writeRandomBackbone(
      join(root, "artifacts/backbone"),
      TOKENIZER_DIR as string,
      "distilbert-base-uncased",
      { dim: DIM, n_layers: 2, n_heads: 2, hidden_dim: 64 },
      3,
    );
    const put = (rel: string, data: string | Uint8Array) => {
      mkdirSync(join(root, rel, ".."), { recursive: true });
      writeFileSync(join(root, rel), data);
    };
    put("artifacts/head/head.json", JSON.stringify(head));
    put("artifacts/baseline/model.json", JSON.stringify({ kind: "fake-baseline" }));
    put("artifacts/baseline/weights.bin", new Uint8Array([1, 2, 3, 4]));
    put("data/embeddings/meta.json", JSON.stringify({ dim: DIM, max_length: MAX_LENGTH, pretrained: false }));
    put("data/processed/labels.json", JSON.stringify(LABELS));
    put("data/raw/arxiv-papers.csv.gz", "not really gzip");
    const scores = { val: { accuracy: 0.5, macro_f1: 0.4 }, test: { accuracy: 0.45, macro_f1: 0.35 } };
    put(
      "metrics/eval.json",
      JSON.stringify({ champion: "distilbert", pretrained: false, floor: { val: 0.3, test: 0.3 }, models: { baseline: scores, distilbert: scores } }),
    );
    put("params.yaml", "export:\n  both: true\nsplit:\n  min_per_class: 5\n");
    const r = spawnSync(process.execPath, [TSX, join(REPO, "stages/export.ts")], { cwd: root, env: { ...process.env, PIPE_ROOT: root }, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`export failed:\n${r.stderr}`);
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("writes a complete card, and the other model under its own folder with export.both", () => {
    const card = JSON.parse(readFileSync(join(root, "artifacts/export/card.json"), "utf8")) as ExportCard;
    expect(card).toMatchObject({
      format: "pipe-export/1",
      kind: "transformer",
      name: "distilbert",
      labels: LABELS,
      pretrained: false,
      max_length: MAX_LENGTH,
      lock_digest: null,
    });
    expect(Object.keys(card.files).sort()).toEqual(["config.json", "model.onnx", "tokenizer.json", "tokenizer_config.json", "vocab.txt"]);
    expect(card.data_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(card.params).toEqual({ split: { min_per_class: 5 } });
    expect(Number.isNaN(Date.parse(card.created))).toBe(false);
    const other = JSON.parse(readFileSync(join(root, "artifacts/export/baseline/card.json"), "utf8")) as ExportCard;
    expect(other).toMatchObject({ format: "pipe-export/1", kind: "baseline", name: "baseline" });
    expect(Object.keys(other.files).sort()).toEqual(["model.json", "weights.bin"]);
    // What export writes is what serving reads: the model contract's parse accepts both cards.
    const parsed = parseCard(readFileSync(join(root, "artifacts/export/card.json"), "utf8"), "card.json");
    expect(parsed).toMatchObject({ format: EXPORT_FORMAT, kind: "transformer", labels: LABELS, maxLength: MAX_LENGTH, pretrained: false, lockDigest: null });
    expect([...parsed.files].sort()).toEqual(Object.keys(card.files).sort());
    expect(parseCard(readFileSync(join(root, "artifacts/export/baseline/card.json"), "utf8"), "card.json")).toMatchObject({ kind: "baseline", labels: LABELS });
    expect(existsSync(join(root, "artifacts/export.tmp-"))).toBe(false);
  });

  it("gives the pipeline's probabilities (embeddings + head) to 1e-4", async () => {
    const embedder = await loadEmbedder(join(root, "artifacts/backbone"), { maxLength: MAX_LENGTH, batchSize: 8 });
    const texts = [
      "Attention is all you need",
      "A survey of graph neural networks for molecules and proteins, with a very long title that is truncated",
      "Speech",
    ];
    const ids = embedder.tokenize(texts);
    const pipeline = headForward(head, await embedder.embedTokens(ids), ids.length);
    await embedder.dispose();

    const seq = Math.max(...ids.map((r) => r.length));
    const inputIds = new BigInt64Array(ids.length * seq);
    const mask = new BigInt64Array(ids.length * seq);
    ids.forEach((row, r) =>
      row.forEach((id, t) => {
        inputIds[r * seq + t] = BigInt(id);
        mask[r * seq + t] = 1n;
      }),
    );
    const session = await ort.InferenceSession.create(join(root, "artifacts/export/model.onnx"));
    const out = await session.run({
      input_ids: new ort.Tensor("int64", inputIds, [ids.length, seq]),
      attention_mask: new ort.Tensor("int64", mask, [ids.length, seq]),
    });
    const probs = out.probabilities?.data as Float32Array;
    expect(out.probabilities?.dims).toEqual([ids.length, LABELS.length]);
    for (let i = 0; i < pipeline.length; i++) expect(Math.abs((probs[i] as number) - (pipeline[i] as number))).toBeLessThan(1e-4);
    for (let r = 0; r < ids.length; r++) {
      const sum = Array.from(probs.subarray(r * LABELS.length, (r + 1) * LABELS.length)).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 5);
    }
  }, 60_000);
});
