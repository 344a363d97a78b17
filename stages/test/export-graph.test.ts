// The exported graph (ids to probabilities) agrees with embedder + a plain-JS head to 1e-4, for the
// random-init backbone and for a foreign backbone (opset 11, token_type_ids input, other names).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeWithMirror } from "./helpers/needs-mirror.js";
import ort from "onnxruntime-node";
import { writeRandomBackbone } from "#transformer/distilbert-random.js";
import { loadEmbedder } from "#transformer/embedder.js";
import { buildExportGraph } from "#transformer/export-graph.js";
import { predictProba, validateHead as headShapes, type HeadJson } from "#model-contract/head-model.js";
import { mirrorModelDir } from "#common/mirror.js";
import { DataType, GraphBuilder, encodeModel, int, toModel } from "#onnx/index.js";
import { gaussian, mulberry32 } from "#common/random.js";

const headForward = (head: HeadJson, x: Float32Array, _n: number): Float32Array => predictProba(head, x, head.input_dim);

function randomHead(inputDim: number, hidden: number, classes: number, seed: number): HeadJson {
  const g = gaussian(mulberry32(seed));
  const layer = (i: number, o: number, activation: "relu" | "none") => ({
    weight: Array.from({ length: i * o }, () => g() * 0.5),
    bias: Array.from({ length: o }, () => g() * 0.1),
    activation,
  });
  return {
    arch: "mlp",
    input_dim: inputDim,
    n_classes: classes,
    labels: Array.from({ length: classes }, (_, i) => `c${i}`),
    layers: [layer(inputDim, hidden, "relu"), layer(hidden, classes, "none")],
    pretrained: false,
  };
}

function padded(batch: number[][]): Record<string, ort.Tensor> {
  const seq = Math.max(...batch.map((r) => r.length));
  const ids = new BigInt64Array(batch.length * seq),
    mask = new BigInt64Array(batch.length * seq);
  batch.forEach((r, i) =>
    r.forEach((id, t) => {
      ids[i * seq + t] = BigInt(id);
      mask[i * seq + t] = 1n;
    }),
  );
  return {
    input_ids: new ort.Tensor("int64", ids, [batch.length, seq]),
    attention_mask: new ort.Tensor("int64", mask, [batch.length, seq]),
  };
}

const tmp = mkdtempSync(join(tmpdir(), "pipe-export-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("head helpers", () => {
  it("rejects a head whose shapes do not chain", () => {
    const head = randomHead(4, 3, 2, 1);
    expect(headShapes(head)).toEqual([
      [4, 3],
      [3, 2],
    ]);
    expect(() => headShapes({ ...head, n_classes: 5 })).toThrow(/n_classes/);
    expect(() => headShapes({ ...head, input_dim: 5 })).toThrow(/layer 0/);
  });
});

const mirror = mirrorModelDir("distilbert-base-uncased");
describeWithMirror("export of the random-init backbone", mirror !== null, "models/distilbert-base-uncased", () => {
  it("matches embedder + head forward to 1e-4", async () => {
    const dir = join(tmp, "backbone");
    writeRandomBackbone(dir, mirror as string, "distilbert-base-uncased", { dim: 32, n_layers: 1, n_heads: 4, hidden_dim: 64 }, 5);
    const head = randomHead(32, 16, 5, 9);
    const out = join(tmp, "export", "model.onnx");
    buildExportGraph(join(dir, "onnx", "model.onnx"), head, out);

    const embedder = await loadEmbedder(dir, { maxLength: 32, batchSize: 8 });
    const texts = ["Deep learning for speech.", "A much longer abstract about graph neural networks and molecules and more.", "x"];
    const ids = embedder.tokenize(texts);
    const expected = headForward(head, await embedder.embed(texts), texts.length);
    await embedder.dispose();

    const session = await ort.InferenceSession.create(out);
    expect(session.inputNames).toEqual(["input_ids", "attention_mask"]);
    expect(session.outputNames).toEqual(["probabilities"]);
    const result = await session.run(padded(ids));
    const probs = result.probabilities;
    expect(probs?.dims).toEqual([3, 5]);
    const data = probs?.data as Float32Array;
    expect(expected).toHaveLength(3 * 5);
    expect(data).toHaveLength(expected.length);
    data.forEach((p, i) => expect(Math.abs(p - (expected[i] as number))).toBeLessThan(1e-4));
    for (let r = 0; r < 3; r++) expect(data.slice(r * 5, r * 5 + 5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });
});

describe("export of a foreign backbone", () => {
  it("handles opset 11, a token_type_ids input and another output name", async () => {
    const V = 10,
      D = 4;
    const table = Float32Array.from({ length: V * D }, (_, i) => Math.sin(i));
    const types = Float32Array.from({ length: 2 * D }, (_, i) => (i < D ? 0.25 : -3));
    const g = new GraphBuilder();
    g.input("input_ids", DataType.INT64, ["b", "s"]);
    g.input("attention_mask", DataType.INT64, ["b", "s"]);
    g.input("token_type_ids", DataType.INT64, ["b", "s"]);
    const e = g.op("Gather", [g.weight("E", table, [V, D]), "input_ids"], { axis: int(0) });
    const t = g.op("Gather", [g.weight("T", types, [2, D]), "token_type_ids"], { axis: int(0) });
    g.op("Add", [e, t], {}, "hidden");
    g.output("hidden", DataType.FLOAT, ["b", "s", D]);
    const backbone = join(tmp, "foreign.onnx");
    writeFileSync(backbone, encodeModel(toModel(g.toGraph("foreign"), 11)));
    const head = randomHead(D, 3, 2, 2);
    const out = join(tmp, "foreign-export.onnx");
    buildExportGraph(backbone, head, out);

    const batch = [
      [1, 2, 3],
      [4, 5],
    ];
    const pooled = new Float32Array(batch.length * D);
    batch.forEach((row, r) => {
      for (let d = 0; d < D; d++) pooled[r * D + d] = row.reduce((a, id) => a + (table[id * D + d] as number) + 0.25, 0) / row.length;
    });
    const expected = headForward(head, pooled, batch.length);
    const session = await ort.InferenceSession.create(out);
    const data = (await session.run(padded(batch))).probabilities?.data as Float32Array;
    expect(expected).toHaveLength(batch.length * head.n_classes);
    expect(data).toHaveLength(expected.length);
    data.forEach((p, i) => expect(Math.abs(p - (expected[i] as number))).toBeLessThan(1e-5));
  });
});
