// head.json inference in plain JS against hand-computed layers, and shape validation.
import { describe, expect, it } from "vitest";
import { predictProba, validateHead, type HeadJson } from "#model-contract/head-model.js";

describe("head-model predictProba", () => {
  const head: HeadJson = {
    arch: "mlp",
    input_dim: 2,
    n_classes: 2,
    labels: ["a", "b"],
    // hidden = relu(x·[[1,-1],[2,0]] + [0, 1]); logits = hidden·[[1,0],[0,1]] + [0, 0]
    layers: [
      { weight: [1, -1, 2, 0], bias: [0, 1], activation: "relu" },
      { weight: [1, 0, 0, 1], bias: [0, 0], activation: "none" },
    ],
    pretrained: false,
  };

  it("runs dense + relu layers then softmax", () => {
    // x = [1, 1]: pre = [3, 0] -> relu [3, 0]; x = [-1, 0]: pre = [-1, 2] -> [0, 2]
    const p = predictProba(head, Float32Array.of(1, 1, -1, 0), 2);
    const s = (a: number, b: number): number => Math.exp(a) / (Math.exp(a) + Math.exp(b));
    expect(Array.from(p)).toEqual([s(3, 0), s(0, 3), s(0, 2), s(2, 0)].map((v) => expect.closeTo(v, 6)));
  });

  it("rejects inconsistent shapes and a wrong input dim", () => {
    expect(() => validateHead({ ...head, n_classes: 3 })).toThrow();
    expect(() => validateHead({ ...head, layers: [{ weight: [1, 2, 3], bias: [0, 0], activation: "none" }] })).toThrow();
    expect(() => predictProba(head, new Float32Array(3), 3)).toThrow();
  });
});
