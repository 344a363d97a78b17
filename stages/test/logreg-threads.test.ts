// The objective on worker threads: the same loss, gradient and fit as on one thread, bit for bit.
import { describe, expect, it } from "vitest";
import { fitLogReg } from "#baseline/logreg.js";
import { makeEvaluator, splitByNonZeros } from "#baseline/logreg-objective.js";
import { mulberry32 } from "#common/random.js";
import { csrFromDense } from "#baseline/sparse.js";

function randomProblem(n: number, d: number, k: number, seed: number) {
  const rand = mulberry32(seed);
  const dense = Array.from({ length: n * d }, () => (rand() < 0.3 ? rand() : 0));
  const x = csrFromDense(dense, n, d);
  const y = Int32Array.from({ length: n }, () => Math.floor(rand() * k));
  const params = Float64Array.from({ length: d * k + k }, () => rand() - 0.5);
  return { x, y, params };
}

describe("splitByNonZeros", () => {
  it("cuts rows into parts of about equal non-zeros", () => {
    // rows with 4, 0, 1, 1, 1, 1 non-zeros
    const ptr = Int32Array.of(0, 4, 4, 5, 6, 7, 8);
    expect(Array.from(splitByNonZeros(ptr, 2))).toEqual([0, 1, 6]);
    expect(Array.from(splitByNonZeros(ptr, 1))).toEqual([0, 6]);
    expect(Array.from(splitByNonZeros(Int32Array.of(0, 0, 0), 3))).toEqual([0, 0, 0, 2]);
  });
});

describe("makeEvaluator", () => {
  it.each([1, 2, 3])("gives the one-thread loss and gradient on %s threads", (threads) => {
    const k = 11;
    const { x, y, params } = randomProblem(400, 60, k, 3);
    const want = new Float64Array(params.length);
    const got = new Float64Array(params.length);
    const one = makeEvaluator(x, y, k, 2, 1);
    const many = makeEvaluator(x, y, k, 2, threads);
    try {
      const f1 = one.fg(params, want);
      // twice: the workers must pick up new params each pass
      for (const scale of [1, 0.5]) {
        const p = params.map((v) => v * scale);
        expect(many.fg(p, got)).toBe(one.fg(p, want));
        expect(Array.from(got)).toEqual(Array.from(want));
      }
      expect(f1).toBeGreaterThan(0);
    } finally {
      many.close();
    }
  });
});

describe("fitLogReg on threads", () => {
  it("fits the same model on one thread and on two, every run", () => {
    const k = 9;
    const { x, y } = randomProblem(300, 40, k, 5);
    const fit = (threads: number) => fitLogReg(x, y, k, { C: 5, maxIter: 30, tol: 1e-6, threads });
    const one = fit(1);
    const two = fit(2);
    const again = fit(2);
    expect(two.iters).toBe(one.iters);
    expect(two.evals).toBe(one.evals);
    expect(Array.from(two.model.weights)).toEqual(Array.from(one.model.weights));
    expect(Array.from(two.model.bias)).toEqual(Array.from(one.model.bias));
    expect(Array.from(again.model.weights)).toEqual(Array.from(two.model.weights));
  });
});
