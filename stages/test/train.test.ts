// Head training: AdamW and the LR schedule against hand-computed values; same params, same result.
import { describe, expect, it } from "vitest";
import { predictProba, validateHead, type HeadJson } from "#model-contract/head-model.js";
import { argmaxRows } from "#common/metrics.js";
import { gaussian, mulberry32 } from "#common/random.js";
import { ADAMW, adamwStep, lrAt, trainHead, type SplitData } from "#transformer/head-training.js";
import { TRAIN_DEFAULTS } from "../train.js";

describe("adamwStep", () => {
  it("matches two hand-computed steps with decoupled weight decay", () => {
    const p = Float32Array.of(1);
    const m = new Float32Array(1);
    const v = new Float32Array(1);
    const cfg = { ...ADAMW, weightDecay: 0.01 };
    adamwStep(p, [0.5], m, v, 1, 0.1, cfg);
    // m̂ = 0.5, v̂ = 0.25: p = 1 - 0.1·(0.5/0.5 + 0.01·1)
    expect(p[0]).toBeCloseTo(0.899, 6);
    expect(m[0]).toBeCloseTo(0.05, 7);
    expect(v[0]).toBeCloseTo(0.00025, 9);
    adamwStep(p, [-1], m, v, 2, 0.1, cfg);
    expect(m[0]).toBeCloseTo(-0.055, 7);
    expect(v[0]).toBeCloseTo(0.00124975, 9);
    expect(p[0]).toBeCloseTo(0.9347113542, 6);
  });

  it("decays weights even with a zero gradient, and leaves them alone without decay", () => {
    const p = Float32Array.of(2, 2);
    adamwStep(p.subarray(0, 1), [0], new Float32Array(1), new Float32Array(1), 1, 0.5, { ...ADAMW, weightDecay: 0.1 });
    adamwStep(p.subarray(1, 2), [0], new Float32Array(1), new Float32Array(1), 1, 0.5, { ...ADAMW, weightDecay: 0 });
    expect(Array.from(p)).toEqual([expect.closeTo(1.9, 6), 2]);
  });
});

describe("lrAt", () => {
  it("warms up linearly, then decays linearly towards 0", () => {
    const lrs = Array.from({ length: 10 }, (_, s) => lrAt(s, 10, 4, 1));
    expect(lrs).toEqual([0.25, 0.5, 0.75, 1, 1, 5 / 6, 4 / 6, 3 / 6, 2 / 6, 1 / 6].map((x) => expect.closeTo(x, 12)));
    expect(lrAt(0, 5, 0, 0.1)).toBeCloseTo(0.1, 12);
  });
});

/** Three Gaussian blobs in 8 dimensions, with an offset and scale the standardization must handle. */
function blobs(n: number, seed: number): SplitData {
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const dim = 8;
  const x = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    for (let j = 0; j < dim; j++) x[i * dim + j] = 5 + 3 * ((j % 3 === c ? 1.5 : 0) + normal());
  }
  return { x, y };
}

describe("trainHead", () => {
  const train = blobs(300, 1);
  const val = blobs(90, 2);
  const params = { ...TRAIN_DEFAULTS, hidden: 16, epochs: 8, batch_size: 32, lr: 0.01, patience: 3 };

  it("learns separable blobs and gives identical results for identical params", async () => {
    const a = await trainHead(train, val, 8, 3, params);
    const b = await trainHead(train, val, 8, 3, params);
    expect(b.history).toEqual(a.history);
    expect(b.layers).toEqual(a.layers);
    const best = a.history[a.bestEpoch - 1];
    expect(best?.val_accuracy).toBeGreaterThan(0.8);
    // The exported layers (standardization folded in) reproduce the best epoch's val accuracy.
    const head: HeadJson = { arch: "mlp", input_dim: 8, n_classes: 3, labels: ["a", "b", "c"], layers: a.layers, pretrained: false };
    validateHead(head);
    const pred = argmaxRows(predictProba(head, val.x, 8), 3);
    let ok = 0;
    pred.forEach((p, i) => {
      if (p === val.y[i]) ok++;
    });
    expect(ok / 90).toBeCloseTo(best?.val_accuracy ?? -1, 5);
  });

  it("trains a linear head with one layer", async () => {
    const r = await trainHead(train, val, 8, 3, { ...params, head: "linear", epochs: 3 });
    expect(r.layers).toHaveLength(1);
    expect(r.layers[0]?.activation).toBe("none");
    expect(r.layers[0]?.weight).toHaveLength(24);
  });
});
