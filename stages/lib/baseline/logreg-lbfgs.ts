// Limited-memory BFGS for the baseline's logistic regression, following scipy's L-BFGS-B on an
// unbounded problem (what sklearn's lbfgs solver runs): same direction, first step, Moré–Thuente
// line search, history skipping, restarts and stopping tests, so both take the same path.
import { moreThuente } from "./sklearn-compat/scipy-line-search.js";

/** f(x), writing ∇f(x) into g. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

export interface IterInfo {
  readonly iter: number;
  readonly loss: number;
  readonly gradMax: number;
  readonly evals: number;
}

/** Why the optimizer stopped. */
export type StopReason = "gtol" | "ftol" | "max-iter" | "line-search";

export interface LbfgsOptions {
  readonly maxIter: number;
  readonly gtol: number;
  /** Relative decrease of f below which we stop (sklearn passes 64·eps to scipy). */
  readonly ftol?: number;
  readonly history?: number;
  /** Evaluations per line search (scipy's maxls). */
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

/** L-BFGS-B's line-search constants (lnsrlb): sufficient decrease, curvature, bracket width, largest step. */
const LINE_SEARCH = { ftol: 1e-3, gtol: 0.9, xtol: 0.1, stepMax: 1e10 } as const;

/** Elements per block of the fused passes: the block's slice of each vector stays in cache. */
const BLOCK = 4096;

/**
 * Past steps s_i = x_{i+1} - x_i and gradient changes y_i, oldest first, with every dot product
 * among them and with the current gradient g. The two-loop recursion then runs on coefficients
 * (vector-free L-BFGS, Chen et al. 2014): each vector of millions is read about twice per
 * iteration instead of ~4 times per pair, and that reading is what this loop spends its time on.
 */
interface History {
  readonly s: Float64Array[];
  readonly y: Float64Array[];
  /** ss[i][j] = s_i·s_j, sy[i][j] = s_i·y_j, yy[i][j] = y_i·y_j. */
  readonly ss: number[][];
  readonly sy: number[][];
  readonly yy: number[][];
  /** g·s_i and g·y_i for the current gradient. */
  gs: number[];
  gy: number[];
}

/** A direction and its dot products with g and itself and with each kept s_j and y_j. */
interface Direction {
  readonly dg: number;
  readonly dd: number;
  readonly sDir: number[];
  readonly yDir: number[];
}

/**
 * dir = -H·g by the two-loop recursion with H0 = (sᵀy / yᵀy)·I from the newest pair (L-BFGS-B's
 * 1/θ), run on the coefficients of g and the pairs, then summed in one pass.
 */
function direction(dir: Float64Array, g: Float64Array, h: History): Direction {
  const m = h.s.length;
  let cg = -1;
  const cs = new Float64Array(m);
  const cy = new Float64Array(m);
  const alpha = new Float64Array(m);
  const row = (mat: number[][], j: number): number[] => mat[j] as number[];
  /** s_j·dir and y_j·dir for the current coefficients. */
  const sDot = (j: number): number => {
    let v = cg * (h.gs[j] as number);
    for (let i = 0; i < m; i++) v += (cs[i] as number) * (row(h.ss, j)[i] as number) + (cy[i] as number) * (row(h.sy, j)[i] as number);
    return v;
  };
  const yDot = (j: number): number => {
    let v = cg * (h.gy[j] as number);
    for (let i = 0; i < m; i++) v += (cs[i] as number) * (row(h.sy, i)[j] as number) + (cy[i] as number) * (row(h.yy, j)[i] as number);
    return v;
  };
  const rho = (j: number): number => 1 / (row(h.sy, j)[j] as number);
  for (let j = m - 1; j >= 0; j--) {
    const a = rho(j) * sDot(j);
    alpha[j] = a;
    cy[j] = (cy[j] as number) - a;
  }
  if (m > 0) {
    const gamma = (row(h.sy, m - 1)[m - 1] as number) / (row(h.yy, m - 1)[m - 1] as number);
    cg *= gamma;
    for (let i = 0; i < m; i++) {
      cs[i] = (cs[i] as number) * gamma;
      cy[i] = (cy[i] as number) * gamma;
    }
  }
  for (let j = 0; j < m; j++) cs[j] = (cs[j] as number) + (alpha[j] as number) - rho(j) * yDot(j);

  // Two pairs per pass over dir (an odd last pair is paired with itself, with zero weights for the
  // copy): the loop is bound by loads and stores, and this halves those of dir.
  const n = dir.length;
  for (let e = 0; e < n; e++) dir[e] = cg * (g[e] as number);
  for (let i = 0; i < m; i += 2) {
    const j = Math.min(i + 1, m - 1);
    const [a0, b0, s0, y0] = [cs[i] as number, cy[i] as number, h.s[i] as Float64Array, h.y[i] as Float64Array];
    const [a1, b1, s1, y1] = j > i ? [cs[j] as number, cy[j] as number, h.s[j] as Float64Array, h.y[j] as Float64Array] : [0, 0, s0, y0];
    for (let e = 0; e < n; e++) {
      dir[e] = (dir[e] as number) + a0 * (s0[e] as number) + b0 * (y0[e] as number) + a1 * (s1[e] as number) + b1 * (y1[e] as number);
    }
  }
  let dg = 0;
  let dd = 0;
  for (let e = 0; e < n; e++) {
    const v = dir[e] as number;
    dg += v * (g[e] as number);
    dd += v * v;
  }
  return { dg, dd, sDir: Array.from({ length: m }, (_, j) => sDot(j)), yDir: Array.from({ length: m }, (_, j) => yDot(j)) };
}

/** Dot products of the new pair (s, y) and gradient g with each other and with the kept pairs. */
interface UpdateDots {
  readonly sOld: { readonly s: number[]; readonly y: number[] };
  readonly yOld: { readonly s: number[]; readonly y: number[] };
  readonly gOld: { readonly s: number[]; readonly y: number[] };
  readonly ss: number;
  readonly sy: number;
  readonly yy: number;
  readonly gs: number;
  readonly gy: number;
  readonly gmax: number;
}

/**
 * One pass after a step: s = step·dir and y = gNew - g into sNew, yNew, their dot products with
 * each other and gNew, max |gNew|, and gNew's dot products with the kept pairs. The new pair's dots
 * with the kept pairs follow without touching the vectors: s·s_j = step·(dir·s_j), and
 * y·s_j = gNew·s_j - g·s_j (likewise with y_j).
 */
function updatePass(
  step: number,
  dir: Float64Array,
  d: Direction,
  g: Float64Array,
  gNew: Float64Array,
  sNew: Float64Array,
  yNew: Float64Array,
  h: History,
): UpdateDots {
  const m = h.s.length;
  const gS = new Float64Array(m);
  const gY = new Float64Array(m);
  let ss = 0;
  let sy = 0;
  let yy = 0;
  let gs = 0;
  let gy = 0;
  let gmax = 0;
  const n = dir.length;
  for (let lo = 0; lo < n; lo += BLOCK) {
    const hi = Math.min(n, lo + BLOCK);
    for (let e = lo; e < hi; e++) {
      const sv = step * (dir[e] as number);
      const gv = gNew[e] as number;
      const yv = gv - (g[e] as number);
      sNew[e] = sv;
      yNew[e] = yv;
      ss += sv * sv;
      sy += sv * yv;
      yy += yv * yv;
      gs += gv * sv;
      gy += gv * yv;
      gmax = Math.max(gmax, Math.abs(gv));
    }
    // Two pairs per pass, as in `direction`; an odd last pair's copy is read and dropped.
    for (let i = 0; i < m; i += 2) {
      const j = Math.min(i + 1, m - 1);
      const [s0, y0, s1, y1] = [h.s[i] as Float64Array, h.y[i] as Float64Array, h.s[j] as Float64Array, h.y[j] as Float64Array];
      let gs0 = 0;
      let gy0 = 0;
      let gs1 = 0;
      let gy1 = 0;
      for (let e = lo; e < hi; e++) {
        const gv = gNew[e] as number;
        gs0 += gv * (s0[e] as number);
        gy0 += gv * (y0[e] as number);
        gs1 += gv * (s1[e] as number);
        gy1 += gv * (y1[e] as number);
      }
      gS[i] = (gS[i] as number) + gs0;
      gY[i] = (gY[i] as number) + gy0;
      if (j > i) {
        gS[j] = (gS[j] as number) + gs1;
        gY[j] = (gY[j] as number) + gy1;
      }
    }
  }
  const gOld = { s: Array.from(gS), y: Array.from(gY) };
  return {
    sOld: { s: d.sDir.map((v) => step * v), y: d.yDir.map((v) => step * v) },
    yOld: { s: gOld.s.map((v, j) => v - (h.gs[j] as number)), y: gOld.y.map((v, j) => v - (h.gy[j] as number)) },
    gOld,
    ss,
    sy,
    yy,
    gs,
    gy,
    gmax,
  };
}

/** Appends the pair (s, y) whose dots are `u`, dropping the oldest past `m`; returns the dropped vectors. */
function pushPair(h: History, s: Float64Array, y: Float64Array, u: UpdateDots, m: number): { s: Float64Array; y: Float64Array } | null {
  const k = h.s.length;
  h.s.push(s);
  h.y.push(y);
  for (let i = 0; i < k; i++) {
    (h.ss[i] as number[]).push(u.sOld.s[i] as number);
    (h.sy[i] as number[]).push(u.yOld.s[i] as number);
    (h.yy[i] as number[]).push(u.yOld.y[i] as number);
  }
  h.ss.push([...u.sOld.s, u.ss]);
  h.sy.push([...u.sOld.y, u.sy]);
  h.yy.push([...u.yOld.y, u.yy]);
  h.gs = [...u.gOld.s, u.gs];
  h.gy = [...u.gOld.y, u.gy];
  if (h.s.length <= m) return null;
  for (const mat of [h.ss, h.sy, h.yy]) {
    mat.shift();
    for (const row of mat) row.shift();
  }
  h.gs.shift();
  h.gy.shift();
  return { s: h.s.shift() as Float64Array, y: h.y.shift() as Float64Array };
}

function clear(h: History): void {
  for (const a of [h.s, h.y, h.ss, h.sy, h.yy]) a.length = 0;
  h.gs = [];
  h.gy = [];
}

/** out = a + t·b */
function addScaled(out: Float64Array, a: Float64Array, t: number, b: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) + t * (b[i] as number);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/**
 * Minimizes `fg` from x0. Stops on max|∇f| ≤ gtol, a relative decrease of f of at most ftol,
 * maxIter iterations, or a line search that fails with an empty history (a failure with history
 * drops it and retries along -∇f, as L-BFGS-B does).
 */
export function lbfgs(fg: Objective, x0: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const m = opts.history ?? 10;
  const ftol = opts.ftol ?? 64 * Number.EPSILON;
  const maxEvals = opts.maxLineSearch ?? 20;
  const nv = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(nv);
  let xNew = new Float64Array(nv);
  let gNew = new Float64Array(nv);
  const dir = new Float64Array(nv);
  const hist: History = { s: [], y: [], ss: [], sy: [], yy: [], gs: [], gy: [] };
  let spare: { s: Float64Array; y: Float64Array } = { s: new Float64Array(nv), y: new Float64Array(nv) };
  let f = fg(x, g);
  let evals = 1;
  let iter = 0;
  let gmax = 0;
  for (let i = 0; i < nv; i++) gmax = Math.max(gmax, Math.abs(g[i] as number));
  if (gmax <= opts.gtol) return { x, f, iters: 0, evals, reason: "gtol" };

  while (iter < opts.maxIter) {
    const d = direction(dir, g, hist);
    const dg0 = d.dg;
    const ls =
      dg0 < 0
        ? moreThuente(
            (t) => {
              addScaled(xNew, x, t, dir);
              const fv = fg(xNew, gNew);
              return { f: fv, dg: dot(gNew, dir) };
            },
            f,
            dg0,
            iter === 0 ? 1 / Math.sqrt(d.dd) : 1,
            { ...LINE_SEARCH, maxEvals },
          )
        : null;
    evals += ls?.evals ?? 0;
    if (ls === null || !ls.ok) {
      // Not a descent direction, or no acceptable step: restart from steepest descent, once.
      if (hist.s.length === 0) return { x, f, iters: iter, evals, reason: "line-search" };
      clear(hist);
      continue;
    }
    iter++;
    // s = step·dir and y = gNew - g, kept unless sᵀy ≤ eps·(-gᵀs) (L-BFGS-B's test).
    const u = updatePass(ls.step, dir, d, g, gNew, spare.s, spare.y, hist);
    if (u.sy > Number.EPSILON * -ls.step * dg0) {
      spare = pushPair(hist, spare.s, spare.y, u, m) ?? { s: new Float64Array(nv), y: new Float64Array(nv) };
    } else {
      hist.gs = u.gOld.s;
      hist.gy = u.gOld.y;
    }
    const fOld = f;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = ls.f;
    opts.onIter?.({ iter, loss: f, gradMax: u.gmax, evals });
    if (u.gmax <= opts.gtol) return { x, f, iters: iter, evals, reason: "gtol" };
    if (fOld - f <= ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) return { x, f, iters: iter, evals, reason: "ftol" };
  }
  return { x, f, iters: iter, evals, reason: "max-iter" };
}
