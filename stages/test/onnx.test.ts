// The ONNX encoder and graph builder: round trips, determinism, and models ONNX Runtime accepts.
import { describe, expect, it } from "vitest";
import ort from "onnxruntime-node";
import { DataType, GraphBuilder, decodeModel, encodeModel, int, opsetVersion, toInt, toModel } from "#onnx/index.js";

function tinyModel(): Uint8Array {
  const g = new GraphBuilder();
  g.input("x", DataType.FLOAT, ["n", 2]);
  const w = g.weight("w", Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
  const b = g.constFloat([0.5, -0.5, 1]);
  const y = g.op("Add", [g.op("MatMul", ["x", w]), b]);
  g.op("Softmax", [y], { axis: int(-1) }, "y");
  g.output("y", DataType.FLOAT, ["n", 3]);
  return encodeModel(toModel(g.toGraph("tiny")));
}

describe("onnx encoding", () => {
  it("is deterministic and round-trips through decode", () => {
    const a = tinyModel();
    expect(Buffer.from(tinyModel()).equals(Buffer.from(a))).toBe(true);
    const m = decodeModel(a);
    expect(opsetVersion(m)).toBe(17);
    expect(toInt(m.irVersion)).toBe(8);
    expect(m.graph.node.map((n) => n.opType)).toEqual(["MatMul", "Add", "Softmax"]);
    expect(m.graph.initializer.map((t) => t.dims.map(toInt))).toEqual([[2, 3], [3]]);
    expect(Buffer.from(encodeModel(m)).equals(Buffer.from(a))).toBe(true);
  });

  it("builds a model that ONNX Runtime runs correctly", async () => {
    const session = await ort.InferenceSession.create(tinyModel());
    const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from([1, 1]), [1, 2]) });
    const y = out.y?.data as Float32Array;
    const logits = [5.5, 6.5, 10];
    const z = logits.map((v) => Math.exp(v - 10));
    const sum = z.reduce((p, q) => p + q, 0);
    z.forEach((v, i) => expect(y[i]).toBeCloseTo(v / sum, 5));
  });

  it("rejects bytes that are not a model", () => {
    expect(() => decodeModel(new Uint8Array([0x08, 0x01]))).toThrow(/no graph/);
  });
});
