// Multinomial logistic regression with an L2 penalty on CSR features, fitted by L-BFGS with a
// strong-Wolfe line search: sklearn's LogisticRegression(multi_class="multinomial", solver="lbfgs").
import { softmaxRow } from "./softmax.js";
import type { Csr } from "./sparse.js";

/** Training settings; C, maxIter and tol mean what they mean in sklearn (see `fitLogReg`). */
export interface LogRegOptions {
  readonly C: number;
  readonly maxIter: number;
  /** Stop when the largest gradient entry of the per-sample objective is at most this. */
  readonly tol: number;
  /** L-BFGS history length (scipy's default: 10). */
  readonly history?: number;
  readonly onIter?: (info: IterInfo) => void;
}

export interface IterInfo {
  readonly iter: number;
  readonly loss: number;
  readonly gradMax: number;
  readonly evals: number;
}

/** Why the optimizer stopped. */
export type StopReason = "gtol" | "ftol" | "max-iter" | "line-search";

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
 */
export function lossAndGrad(
  x: Csr,
  y: Int32Array,
  k: number,
  C: number,
  params: Float64Array,
  grad: Float64Array,
): number {
  const n = x.nRows;
  const d = x.nCols;
  const bOff = d * k;
  const { indptr, indices, data } = x;
  grad.fill(0);
  const z = new Float64Array(k);
  const gb = new Float64Array(k);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const start = indptr[i] as number;
    const end = indptr[i + 1] as number;
    for (let c = 0; c < k; c++) z[c] = params[bOff + c] as number;
    for (let p = start; p < end; p++) {
      const v = data[p] as number;
      const w = (indices[p] as number) * k;
      for (let c = 0; c < k; c++) z[c] = (z[c] as number) + v * (params[w + c] as number);
    }
    let max = -Infinity;
    for (let c = 0; c < k; c++) if ((z[c] as number) > max) max = z[c] as number;
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp((z[c] as number) - max);
    const lse = max + Math.log(sum);
    const yi = y[i] as number;
    loss += lse - (z[yi] as number);
    for (let c = 0; c < k; c++) z[c] = Math.exp((z[c] as number) - lse);
    z[yi] = (z[yi] as number) - 1;
    for (let c = 0; c < k; c++) gb[c] = (gb[c] as number) + (z[c] as number);
    for (let p = start; p < end; p++) {
      const v = data[p] as number;
      const w = (indices[p] as number) * k;
      for (let c = 0; c < k; c++) grad[w + c] = (grad[w + c] as number) + v * (z[c] as number);
    }
  }
  const inv = 1 / n;
  const lambda = 1 / (C * n);
  let sq = 0;
  for (let q = 0; q < bOff; q++) {
    const w = params[q] as number;
    sq += w * w;
    grad[q] = (grad[q] as number) * inv + lambda * w;
  }
  for (let c = 0; c < k; c++) grad[bOff + c] = (gb[c] as number) * inv;
  return loss * inv + 0.5 * lambda * sq;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** out = a + t·b */
function addScaled(out: Float64Array, a: Float64Array, t: number, b: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) + t * (b[i] as number);
}

/** out = t·a */
function scaleInto(out: Float64Array, t: number, a: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = t * (a[i] as number);
}

/** out = a - b */
function subInto(out: Float64Array, a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) - (b[i] as number);
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i] as number);
    if (v > m) m = v;
  }
  return m;
}

/** f(x), writing ∇f(x) into g. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

export interface LbfgsOptions {
  readonly maxIter: number;
  readonly gtol: number;
  /** Relative decrease of f below which we stop (sklearn passes 64·eps to scipy). */
  readonly ftol?: number;
  readonly history?: number;
  readonly maxLineSearch?: number;
  readonly onIter?: (info: IterInfo) => void;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iters: number;
  readonly evals: number;
  readonly reason: StopReason;
}

const C1 = 1e-4;
const C2 = 0.9;

/** Minimizer of the cubic through (a, fa, ga), (b, fb, gb) (Nocedal & Wright 3.59), safeguarded into [lo, hi]. */
function cubicStep(a: number, fa: number, ga: number, b: number, fb: number, gb: number, lo: number, hi: number): number {
  const d1 = ga + gb - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - ga * gb;
  let t = (lo + hi) / 2;
  if (disc >= 0) {
    const d2 = Math.sign(b - a) * Math.sqrt(disc);
    const cand = b - ((b - a) * (gb + d2 - d1)) / (gb - ga + 2 * d2);
    if (Number.isFinite(cand)) t = cand;
  }
  return Math.min(Math.max(t, lo), hi);
}

/**
 * Limited-memory BFGS (two-loop recursion) with a strong-Wolfe line search (bracketing, then
 * zoom by safeguarded cubic interpolation). Stops on max|∇f| ≤ gtol, a relative decrease of f
 * below ftol, maxIter iterations, or a failed line search (keeping the best point found).
 */
export function lbfgs(fg: Objective, x0: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const m = opts.history ?? 10;
  const ftol = opts.ftol ?? 64 * Number.EPSILON;
  const maxLs = opts.maxLineSearch ?? 30;
  const nv = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(nv);
  let xNew = new Float64Array(nv);
  let gNew = new Float64Array(nv);
  const dir = new Float64Array(nv);
  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  let f = fg(x, g);
  let evals = 1;
  let iter = 0;
  let reason: StopReason = "max-iter";
  if (maxAbs(g) <= opts.gtol) return { x, f, iters: 0, evals, reason: "gtol" };

  const evalAt = (step: number): { f: number; dg: number } => {
    addScaled(xNew, x, step, dir);
    const fv = fg(xNew, gNew);
    evals++;
    return { f: fv, dg: dot(gNew, dir) };
  };

  while (iter < opts.maxIter) {
    // Two-loop recursion: dir = -H·g.
    scaleInto(dir, -1, g);
    const h = sHist.length;
    for (let j = h - 1; j >= 0; j--) {
      const a = (rho[j] as number) * dot(sHist[j] as Float64Array, dir);
      alpha[j] = a;
      addScaled(dir, dir, -a, yHist[j] as Float64Array);
    }
    if (h > 0) {
      const yl = yHist[h - 1] as Float64Array;
      const gamma = dot(sHist[h - 1] as Float64Array, yl) / dot(yl, yl);
      scaleInto(dir, gamma, dir);
    }
    for (let j = 0; j < h; j++) {
      const b = (rho[j] as number) * dot(yHist[j] as Float64Array, dir);
      addScaled(dir, dir, (alpha[j] as number) - b, sHist[j] as Float64Array);
    }
    let dg0 = dot(g, dir);
    if (!(dg0 < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sHist.length = 0;
      yHist.length = 0;
      rho.length = 0;
      scaleInto(dir, -1, g);
      dg0 = dot(g, dir);
    }
    const step0 = h === 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;

    // Strong-Wolfe line search (Nocedal & Wright, algorithms 3.5 and 3.6).
    let found = -1;
    let fFound = NaN;
    let prev = 0;
    let fPrev = f;
    let dgPrev = dg0;
    let step = step0;
    let lo = 0;
    let flo = f;
    let dglo = dg0;
    let hi = NaN;
    let fhi = NaN;
    let dghi = NaN;
    let bracketed = false;
    for (let ls = 0; ls < maxLs && found < 0; ls++) {
      const r = evalAt(step);
      if (!Number.isFinite(r.f) || r.f > f + C1 * step * dg0 || (ls > 0 && r.f >= fPrev)) {
        [lo, flo, dglo, hi, fhi, dghi] = [prev, fPrev, dgPrev, step, r.f, r.dg];
        bracketed = true;
        break;
      }
      if (Math.abs(r.dg) <= -C2 * dg0) {
        found = step;
        fFound = r.f;
        break;
      }
      if (r.dg >= 0) {
        [lo, flo, dglo, hi, fhi, dghi] = [step, r.f, r.dg, prev, fPrev, dgPrev];
        bracketed = true;
        break;
      }
      // Still descending steeply: extrapolate.
      const next = cubicStep(prev, fPrev, dgPrev, step, r.f, r.dg, step * 2, step * 10);
      [prev, fPrev, dgPrev] = [step, r.f, r.dg];
      [lo, flo, dglo] = [step, r.f, r.dg];
      step = next;
    }
    if (found < 0 && bracketed) {
      for (let ls = 0; ls < maxLs; ls++) {
        const width = Math.abs(hi - lo);
        const a = Math.min(lo, hi) + 0.1 * width;
        const b = Math.max(lo, hi) - 0.1 * width;
        const t = Number.isFinite(fhi) ? cubicStep(lo, flo, dglo, hi, fhi, dghi, a, b) : (lo + hi) / 2;
        const r = evalAt(t);
        if (!Number.isFinite(r.f) || r.f > f + C1 * t * dg0 || r.f >= flo) {
          [hi, fhi, dghi] = [t, r.f, r.dg];
        } else {
          if (Math.abs(r.dg) <= -C2 * dg0) {
            found = t;
            fFound = r.f;
            break;
          }
          if (r.dg * (hi - lo) >= 0) [hi, fhi, dghi] = [lo, flo, dglo];
          [lo, flo, dglo] = [t, r.f, r.dg];
        }
        if (width < 1e-16 * Math.max(1, Math.abs(lo))) break;
      }
    }
    if (found < 0) {
      // No Wolfe point; accept the best sufficient-decrease point, if any.
      if (lo > 0 && flo < f) {
        const r = evalAt(lo);
        found = lo;
        fFound = r.f;
      } else {
        reason = "line-search";
        break;
      }
    }
    iter++;
    // Update the history with s = xNew - x, y = gNew - g.
    const s = sHist.length === m ? (sHist.shift() as Float64Array) : new Float64Array(nv);
    const yv = yHist.length === m ? (yHist.shift() as Float64Array) : new Float64Array(nv);
    if (rho.length === m) rho.shift();
    subInto(s, xNew, x);
    subInto(yv, gNew, g);
    const sy = dot(s, yv);
    if (sy > 1e-10 * dot(yv, yv)) {
      sHist.push(s);
      yHist.push(yv);
      rho.push(1 / sy);
    }
    const fOld = f;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fFound;
    const gmax = maxAbs(g);
    opts.onIter?.({ iter, loss: f, gradMax: gmax, evals });
    if (gmax <= opts.gtol) {
      reason = "gtol";
      break;
    }
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) {
      reason = "ftol";
      break;
    }
  }
  return { x, f, iters: iter, evals, reason };
}

/**
 * The same matrix with columns renumbered by decreasing frequency and each row's entries sorted,
 * so the weights of common terms share cache lines: training is memory-bound otherwise.
 */
export function byFrequency(x: Csr): { x: Csr; colOf: Int32Array } {
  const freq = new Int32Array(x.nCols);
  for (const j of x.indices) freq[j] = (freq[j] as number) + 1;
  const order = Array.from({ length: x.nCols }, (_, j) => j).sort((a, b) => (freq[b] as number) - (freq[a] as number) || a - b);
  const colOf = new Int32Array(x.nCols);
  order.forEach((j, r) => {
    colOf[j] = r;
  });
  const indices = new Int32Array(x.indices.length);
  const data = new Float32Array(x.data.length);
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < x.nRows; i++) {
    const start = x.indptr[i] as number;
    const end = x.indptr[i + 1] as number;
    pairs.length = 0;
    for (let p = start; p < end; p++) pairs.push([colOf[x.indices[p] as number] as number, x.data[p] as number]);
    pairs.sort((a, b) => a[0] - b[0]);
    pairs.forEach(([c, v], q) => {
      indices[start + q] = c;
      data[start + q] = v;
    });
  }
  return { x: { nRows: x.nRows, nCols: x.nCols, indptr: x.indptr, indices, data }, colOf };
}

/** Fits W and b from features `x` and class ids `y` in [0, nClasses), starting from zeros. */
export function fitLogReg(x: Csr, y: Int32Array, nClasses: number, opts: LogRegOptions): FitResult {
  if (!(opts.C > 0)) throw new RangeError("C must be > 0");
  if (y.length !== x.nRows) throw new RangeError(`${x.nRows} rows but ${y.length} labels`);
  for (const c of y) if (c < 0 || c >= nClasses) throw new RangeError(`label ${c} outside [0, ${nClasses})`);
  const d = x.nCols;
  const k = nClasses;
  const local = byFrequency(x);
  const res = lbfgs((p, g) => lossAndGrad(local.x, y, k, opts.C, p, g), new Float64Array(d * k + k), {
    maxIter: opts.maxIter,
    gtol: opts.tol,
    ...(opts.history === undefined ? {} : { history: opts.history }),
    ...(opts.onIter === undefined ? {} : { onIter: opts.onIter }),
  });
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

