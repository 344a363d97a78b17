// Logistic regression: gradient vs finite differences, L-BFGS on known minima, closed-form optima.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadBaselineModel, makeBaselineModel, predictProba, saveBaselineModel } from "#model-contract/baseline-model.js";
import { paperText } from "#model-contract/paper.js";
import { fitTfidf } from "#baseline/tfidf-fit.js";
import { byFrequency, fitLogReg, lossAndGrad, predictProbaCsr } from "#baseline/logreg.js";
import { lbfgs } from "#baseline/logreg-lbfgs.js";
import { moreThuente } from "#baseline/sklearn-compat/scipy-line-search.js";
import { mulberry32 } from "#common/random.js";
import { csrFromDense, csrFromRows, csrToDense, csrTranspose } from "#baseline/sparse.js";

function randomProblem(n: number, d: number, k: number, seed: number) {
  const rand = mulberry32(seed);
  const dense = Array.from({ length: n * d }, () => (rand() < 0.4 ? rand() * 2 - 0.5 : 0));
  const x = csrFromDense(dense, n, d);
  const y = Int32Array.from({ length: n }, () => Math.floor(rand() * k));
  return { x, y, rand };
}

describe("byFrequency", () => {
  it("renumbers columns by decreasing frequency, keeps the matrix, and hands back its exact transpose", () => {
    const { x } = randomProblem(30, 12, 3, 7);
    const local = byFrequency(x);
    const dense = csrToDense(x);
    const moved = csrToDense(local.x);
    for (let i = 0; i < x.nRows; i++) {
      for (let j = 0; j < x.nCols; j++) expect(moved[i * x.nCols + (local.colOf[j] as number)]).toBe(dense[i * x.nCols + j]);
    }
    expect(local.xt).toEqual(csrTranspose(local.x));
  });
});

describe("lossAndGrad", () => {
  // k = 3 runs the kernels' one-class loops only; k = 10 also their 8-class blocks.
  it.each([3, 10])("matches central finite differences with %s classes", (k) => {
    const { x, y, rand } = randomProblem(25, 6, k, 7);
    const params = Float64Array.from({ length: 6 * k + k }, () => rand() - 0.5);
    const grad = new Float64Array(params.length);
    const scratch = new Float64Array(params.length);
    lossAndGrad(x, y, k, 0.7, params, grad);
    const h = 1e-6;
    for (let q = 0; q < params.length; q++) {
      const p = Float64Array.from(params);
      p[q] = (p[q] as number) + h;
      const up = lossAndGrad(x, y, k, 0.7, p, scratch);
      p[q] = (p[q] as number) - 2 * h;
      const down = lossAndGrad(x, y, k, 0.7, p, scratch);
      expect(grad[q]).toBeCloseTo((up - down) / (2 * h), 7);
    }
  });

  it("penalizes weights but not the bias", () => {
    const x = csrFromRows([{ cols: [], vals: [] }], 1);
    const g = new Float64Array(4);
    // W = [2, 0] (one feature, two classes), bias [5, 5]; empty row -> loss ln 2 + 0.5/(C n)*4
    const f = lossAndGrad(x, Int32Array.of(0), 2, 0.5, Float64Array.of(2, 0, 5, 5), g);
    expect(f).toBeCloseTo(Math.log(2) + 0.5 * 2 * 4, 12);
    expect(Array.from(g)).toEqual([4, 0, -0.5, 0.5].map((v) => expect.closeTo(v, 12)));
  });
});

describe("moreThuente", () => {
  // Moré & Thuente's test functions (1) and (2); the steps and evaluation counts are those of
  // scipy's MINPACK-2 dcsrch with L-BFGS-B's xtol 0.1.
  const search = (phi: (a: number) => [number, number], step: number, ftol: number, gtol: number) => {
    const [f0, g0] = phi(0);
    return moreThuente(
      (a) => {
        const [f, dg] = phi(a);
        return { f, dg };
      },
      f0,
      g0,
      step,
      { ftol, gtol, xtol: 0.1, stepMax: 1e10, maxEvals: 20 },
    );
  };
  const phi1 = (a: number): [number, number] => [-a / (a * a + 2), (a * a - 2) / (a * a + 2) ** 2];
  const phi2 = (a: number): [number, number] => [(a + 0.004) ** 5 - 2 * (a + 0.004) ** 4, 5 * (a + 0.004) ** 4 - 8 * (a + 0.004) ** 3];

  it.each([
    [1e-3, 1.365, 6],
    [1e-1, 1.4413720790892741, 3],
    [10, 10, 1],
    [1e3, 36.88760696396662, 4],
  ])("takes MINPACK's steps on φ(a) = -a/(a² + 2) from %s", (step, want, evals) => {
    const r = search(phi1, step, 1e-3, 0.1);
    expect(r.ok).toBe(true);
    expect(r.evals).toBe(evals);
    expect(r.step).toBeCloseTo(want, 12);
  });

  it.each([
    [1e-3, 1.5975830448985595, 11],
    [1e-1, 1.6024085266778738, 7],
    [10, 1.6123738059384738, 6],
    [1e3, 1.5950402760316598, 10],
  ])("takes MINPACK's steps on φ(a) = (a + 0.004)⁵ - 2(a + 0.004)⁴ from %s", (step, want, evals) => {
    const r = search(phi2, step, 0.1, 0.1);
    expect(r.evals).toBe(evals);
    expect(r.step).toBeCloseTo(want, 12);
  });
});

describe("lbfgs", () => {
  it("finds the Rosenbrock minimum with monotone decrease", () => {
    const losses: number[] = [];
    const res = lbfgs(
      (v, g) => {
        const a = v[0] as number;
        const b = v[1] as number;
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.of(-1.2, 1),
      { maxIter: 200, gtol: 1e-9, onIter: (i) => losses.push(i.loss) },
    );
    expect(res.reason).toBe("gtol");
    expect(res.x[0]).toBeCloseTo(1, 6);
    expect(res.x[1]).toBeCloseTo(1, 6);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThanOrEqual(losses[i - 1] as number);
  });

  it("solves a convex quadratic exactly", () => {
    // f = 0.5 xᵀAx - bᵀx with A = diag(1, 10, 100): minimum at b / diag(A)
    const a = [1, 10, 100];
    const b = [1, 2, 3];
    const res = lbfgs(
      (v, g) => {
        let f = 0;
        for (let i = 0; i < 3; i++) {
          g[i] = (a[i] as number) * (v[i] as number) - (b[i] as number);
          f += 0.5 * (a[i] as number) * (v[i] as number) ** 2 - (b[i] as number) * (v[i] as number);
        }
        return f;
      },
      new Float64Array(3),
      { maxIter: 50, gtol: 1e-10 },
    );
    expect(Array.from(res.x)).toEqual([1, 0.2, 0.03].map((v) => expect.closeTo(v, 8)));
  });
});

describe("fitLogReg", () => {
  it("recovers class frequencies from the bias when rows carry no features", () => {
    const y = Int32Array.of(0, 0, 0, 1, 2, 2);
    const x = csrFromRows(
      Array.from(y, () => ({ cols: [], vals: [] })),
      2,
    );
    const fit = fitLogReg(x, y, 3, { C: 1, maxIter: 100, tol: 1e-10 });
    const p = predictProbaCsr(fit.model, x);
    expect(Array.from(p.subarray(0, 3))).toEqual([0.5, 1 / 6, 1 / 3].map((v) => expect.closeTo(v, 6)));
  });

  it("matches within-group frequencies for one-hot features and a weak penalty", () => {
    // group g has feature g set; within-group label frequencies are the unpenalized optimum.
    const groups = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2];
    const y = Int32Array.of(0, 0, 0, 1, 1, 1, 2, 0, 2, 2, 2, 2);
    const x = csrFromRows(
      groups.map((g) => ({ cols: [g], vals: [1] })),
      3,
    );
    const fit = fitLogReg(x, y, 3, { C: 1e6, maxIter: 500, tol: 1e-9 });
    const p = predictProbaCsr(
      fit.model,
      csrFromRows(
        [0, 1, 2].map((g) => ({ cols: [g], vals: [1] })),
        3,
      ),
    );
    const want = [0.75, 0.25, 0, 0, 2 / 3, 1 / 3, 0.2, 0, 0.8];
    expect(p).toHaveLength(want.length);
    Array.from(p).forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 2));
  });

  it("separates separable data and decreases the loss monotonically", () => {
    const { x, rand } = randomProblem(200, 5, 3, 11);
    void rand;
    // labels from a fixed linear rule
    const wTrue = [1, -2, 0.5, 3, -1, -1, 2, 1, 0, 1, 0, -3, 1, 1, 2];
    const scores = new Float64Array(200 * 3);
    const dense = Array.from({ length: 200 }, (_, i) => i);
    const y = Int32Array.from(dense, (i) => {
      let best = 0;
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let p = x.indptr[i] as number; p < (x.indptr[i + 1] as number); p++) {
          s += (x.data[p] as number) * (wTrue[(x.indices[p] as number) * 3 + c] as number);
        }
        scores[i * 3 + c] = s;
        if (s > (scores[i * 3 + best] as number)) best = c;
      }
      return best;
    });
    const losses: number[] = [];
    const fit = fitLogReg(x, y, 3, { C: 1000, maxIter: 300, tol: 1e-8, onIter: (i) => losses.push(i.loss) });
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThanOrEqual(losses[i - 1] as number);
    const p = predictProbaCsr(fit.model, x);
    let ok = 0;
    for (let i = 0; i < 200; i++) {
      let best = 0;
      for (let c = 1; c < 3; c++) if ((p[i * 3 + c] as number) > (p[i * 3 + best] as number)) best = c;
      if (best === y[i]) ok++;
    }
    expect(ok / 200).toBeGreaterThan(0.97);
  });
});

describe("baseline-model", () => {
  it("saves, loads and predicts like the in-memory model", () => {
    const papers = [
      { title: "Neural nets", summary: "deep learning for images" },
      { title: "Speech", summary: "audio signal processing and speech" },
      { title: "Deep speech", summary: "learning audio models" },
      { title: "Images", summary: "convolutional networks for images" },
    ];
    const y = Int32Array.of(0, 1, 1, 0);
    const { vocab, matrix } = fitTfidf(papers.map(paperText), { ngramMax: 2, minDf: 1, maxFeatures: null, sublinearTf: true });
    const fit = fitLogReg(matrix, y, 2, { C: 10, maxIter: 100, tol: 1e-8 });
    const model = makeBaselineModel(["cs.CV", "eess.AS"], vocab, 10, fit.model.weights, fit.model.bias);
    const dir = mkdtempSync(join(tmpdir(), "pipe-baseline-"));
    try {
      saveBaselineModel(dir, model);
      const loaded = loadBaselineModel(dir);
      expect(loaded.labels).toEqual(["cs.CV", "eess.AS"]);
      const want = predictProbaCsr(fit.model, matrix);
      const got = predictProba(loaded, papers);
      expect(got).toHaveLength(papers.length);
      for (const row of got) expect(row).toHaveLength(2);
      got.forEach((row, i) => row.forEach((v, c) => expect(v).toBeCloseTo(want[i * 2 + c] as number, 5)));
      expect(got[1]?.[1]).toBeGreaterThan(0.5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
