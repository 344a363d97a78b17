// Multinomial logistic regression with an L2 penalty on CSR features, fitted by L-BFGS: sklearn's
// LogisticRegression(multi_class="multinomial", solver="lbfgs"). The objective runs on worker
// threads for large problems (logreg-objective.ts); the optimizer follows scipy (logreg-lbfgs.ts).
import { lbfgs, type IterInfo, type LbfgsResult, type StopReason } from "./logreg-lbfgs.js";
import { makeEvaluator } from "./logreg-objective.js";
import { softmaxRow } from "#model-contract/softmax.js";
import type { Csr } from "#model-contract/csr.js";
import { csrTranspose } from "./sparse.js";

export type { IterInfo, StopReason };

/** Training settings; C, maxIter and tol mean what they mean in sklearn (see `fitLogReg`). */
export interface LogRegOptions {
  readonly C: number;
  readonly maxIter: number;
  /** Stop when the largest gradient entry of the per-sample objective is at most this. */
  readonly tol: number;
  /** L-BFGS history length (scipy's default: 10). */
  readonly history?: number;
  /** Threads for the objective; default one per core (one for small problems). Any count gives the same fit. */
  readonly threads?: number;
  readonly onIter?: (info: IterInfo) => void;
}

/** A fitted model: weights class-major `[nClasses × nFeatures]` (the weights.bin layout), then bias. */
export interface LogRegModel {
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

export interface FitResult {
  readonly model: LogRegModel;
  readonly iters: number;
  readonly evals: number;
  readonly loss: number;
  readonly reason: StopReason;
}

/**
 * The objective (1/n)·Σ -log p(y_i | x_i) + (0.5/(C·n))·||W||² and its gradient, which is
 * sklearn's C·Σ loss + 0.5·||W||² divided by C·n (same minimizer; per-sample scale for `tol`).
 * `params` is W feature-major `[nFeatures × k]` then the k biases (unpenalized); `grad` is written.
 * One evaluation on this thread (tests, benchmarks); `fitLogReg` keeps its evaluator across passes.
 */
export function lossAndGrad(x: Csr, y: Int32Array, k: number, C: number, params: Float64Array, grad: Float64Array): number {
  return makeEvaluator(x, y, k, C, 1).fg(params, grad);
}

/**
 * The same matrix with columns renumbered by decreasing frequency and each row's entries sorted,
 * so the weights of common terms share cache lines: training is memory-bound otherwise.
 */
export function byFrequency(x: Csr): { x: Csr; xt: Csr; colOf: Int32Array } {
  const freq = new Int32Array(x.nCols);
  for (const j of x.indices) freq[j] = (freq[j] as number) + 1;
  const order = Array.from({ length: x.nCols }, (_, j) => j).sort((a, b) => (freq[b] as number) - (freq[a] as number) || a - b);
  const colOf = new Int32Array(x.nCols);
  order.forEach((j, r) => {
    colOf[j] = r;
  });
  const renumbered: Csr = { ...x, indices: x.indices.map((j) => colOf[j] as number) };
  // Transposing twice sorts each row's entries by column (a counting sort); the first transpose
  // is already the result's transpose (its rows list entries by increasing row), which training needs.
  const xt = csrTranspose(renumbered);
  return { x: csrTranspose(xt), xt, colOf };
}

/** Fits W and b from features `x` and class ids `y` in [0, nClasses), starting from zeros. */
export function fitLogReg(x: Csr, y: Int32Array, nClasses: number, opts: LogRegOptions): FitResult {
  if (!(opts.C > 0)) throw new RangeError("C must be > 0");
  if (y.length !== x.nRows) throw new RangeError(`${x.nRows} rows but ${y.length} labels`);
  for (const c of y) if (c < 0 || c >= nClasses) throw new RangeError(`label ${c} outside [0, ${nClasses})`);
  const d = x.nCols;
  const k = nClasses;
  const local = byFrequency(x);
  const objective = makeEvaluator(local.x, y, k, opts.C, opts.threads, local.xt);
  let res: LbfgsResult;
  try {
    res = lbfgs(objective.fg, new Float64Array(d * k + k), {
      maxIter: opts.maxIter,
      gtol: opts.tol,
      ...(opts.history === undefined ? {} : { history: opts.history }),
      ...(opts.onIter === undefined ? {} : { onIter: opts.onIter }),
    });
  } finally {
    objective.close();
  }
  const weights = new Float32Array(k * d);
  for (let j = 0; j < d; j++) {
    const r = (local.colOf[j] as number) * k;
    for (let c = 0; c < k; c++) weights[c * d + j] = res.x[r + c] as number;
  }
  const bias = Float32Array.from(res.x.subarray(d * k));
  return {
    model: { nFeatures: d, nClasses: k, weights, bias },
    iters: res.iters,
    evals: res.evals,
    loss: res.f,
    reason: res.reason,
  };
}

/** Class probabilities (softmax of X·Wᵀ + b), one row per input row, `[n × k]` row-major. */
export function predictProbaCsr(model: LogRegModel, x: Csr): Float32Array {
  const { nClasses: k, nFeatures: d, weights, bias } = model;
  if (x.nCols !== d) throw new RangeError(`model has ${d} features, input ${x.nCols}`);
  const out = new Float32Array(x.nRows * k);
  const z = new Float64Array(k);
  for (let i = 0; i < x.nRows; i++) {
    for (let c = 0; c < k; c++) z[c] = bias[c] as number;
    for (let p = x.indptr[i] as number; p < (x.indptr[i + 1] as number); p++) {
      const v = x.data[p] as number;
      const j = x.indices[p] as number;
      for (let c = 0; c < k; c++) z[c] = (z[c] as number) + v * (weights[c * d + j] as number);
    }
    softmaxRow(z, 0, k, out, i * k);
  }
  return out;
}
