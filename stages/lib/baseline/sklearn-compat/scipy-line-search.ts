// The Moré–Thuente line search (MINPACK-2's dcsrch/dcstep), as scipy's L-BFGS-B runs it, so our
// L-BFGS takes the same steps as sklearn's solver: an iteration limit then stops both at one point.

/** φ(t) = f(x + t·d) and φ'(t) = ∇f(x + t·d)·d. */
export type LineFunction = (step: number) => { readonly f: number; readonly dg: number };

export interface LineSearchOptions {
  /** Sufficient decrease (Armijo) constant: L-BFGS-B uses 1e-3. */
  readonly ftol: number;
  /** Curvature constant: L-BFGS-B uses 0.9. */
  readonly gtol: number;
  /** Relative width of the bracket below which the search stops: L-BFGS-B uses 0.1. */
  readonly xtol: number;
  readonly stepMax: number;
  /** Evaluations allowed (scipy's maxls, default 20). */
  readonly maxEvals: number;
}

/**
 * `ok`: the search ended (strong Wolfe point, or one of dcsrch's warnings, which L-BFGS-B accepts
 * too); the point is the last one evaluated. Not ok: maxEvals points without an end.
 */
export interface LineSearchResult {
  readonly ok: boolean;
  readonly step: number;
  readonly f: number;
  readonly evals: number;
}

/** Bracket ends and their values, updated in place by `cstep`. */
interface Bracket {
  stx: number;
  fx: number;
  dx: number;
  sty: number;
  fy: number;
  dy: number;
  brackt: boolean;
}

/** The terms of the cubic through (u, fu) and (v, fv) with slopes d1 and d2, summed in dcstep's order. */
function cubicTerms(u: number, fu: number, v: number, fv: number, d1: number, d2: number): { theta: number; s: number } {
  const theta = (3 * (fu - fv)) / (v - u) + d1 + d2;
  return { theta, s: Math.max(Math.abs(theta), Math.abs(d1), Math.abs(d2)) };
}

/** dcstep: the next trial step from the bracket and the new point (stp, fp, dp); updates the bracket. */
function cstep(b: Bracket, stp: number, fp: number, dp: number, stpmin: number, stpmax: number): number {
  const { stx, fx, dx, sty, fy, dy } = b;
  const sgnd = dp * (dx / Math.abs(dx));
  let stpf: number;
  if (fp > fx) {
    // A higher function value: the minimum is bracketed.
    const { theta, s } = cubicTerms(stx, fx, stp, fp, dx, dp);
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const stpc = stx + (p / q) * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    b.brackt = true;
  } else if (sgnd < 0) {
    // Lower value, derivatives of opposite sign: bracketed.
    const { theta, s } = cubicTerms(stx, fx, stp, fp, dx, dp);
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const stpc = stp + (p / q) * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    b.brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    // Lower value, same sign, derivative shrinking.
    const { theta, s } = cubicTerms(stx, fx, stp, fp, dx, dp);
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (dx / s) * (dp / s)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    const stpc = r < 0 && gamma !== 0 ? stp + r * (stx - stp) : stp > stx ? stpmax : stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (b.brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      stpf = stp > stx ? Math.min(stp + 0.66 * (sty - stp), stpf) : Math.max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.max(stpmin, Math.min(stpmax, stpf));
    }
  } else if (b.brackt) {
    // Lower value, same sign, derivative not shrinking, bracketed: cubic through stp and sty.
    const { theta, s } = cubicTerms(stp, fp, sty, fy, dy, dp);
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dy / s) * (dp / s));
    if (stp > sty) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dy;
    stpf = stp + (p / q) * (sty - stp);
  } else {
    stpf = stp > stx ? stpmax : stpmin;
  }
  if (fp > fx) {
    [b.sty, b.fy, b.dy] = [stp, fp, dp];
  } else {
    if (sgnd < 0) [b.sty, b.fy, b.dy] = [stx, fx, dx];
    [b.stx, b.fx, b.dx] = [stp, fp, dp];
  }
  return stpf;
}

/**
 * Searches t > 0 along a descent direction (dg0 < 0) from `step`, for
 * φ(t) ≤ f0 + ftol·t·dg0 and |φ'(t)| ≤ gtol·|dg0| (dcsrch with stpmin 0).
 */
export function moreThuente(phi: LineFunction, f0: number, dg0: number, step: number, o: LineSearchOptions): LineSearchResult {
  const gtest = o.ftol * dg0;
  const b: Bracket = { stx: 0, fx: f0, dx: dg0, sty: 0, fy: f0, dy: dg0, brackt: false };
  let stage = 1;
  let width = o.stepMax;
  let width1 = width / 0.5;
  let stmin = 0;
  let stmax = step + 4 * step;
  let stp = step;
  for (let evals = 1; evals <= o.maxEvals; evals++) {
    const { f, dg: g } = phi(stp);
    const ftest = f0 + stp * gtest;
    if (stage === 1 && f <= ftest && g >= 0) stage = 2;
    // dcsrch's warnings and convergence all end the search at this point.
    const done =
      (b.brackt && (stp <= stmin || stp >= stmax)) ||
      (b.brackt && stmax - stmin <= o.xtol * stmax) ||
      (stp === o.stepMax && f <= ftest && g <= gtest) ||
      (stp === 0 && (f > ftest || g >= gtest)) ||
      (f <= ftest && Math.abs(g) <= o.gtol * -dg0);
    if (done) return { ok: true, step: stp, f, evals };
    if (stage === 1 && f <= b.fx && f > ftest) {
      // A lower value without sufficient decrease: step on the modified function ψ(t) = φ(t) - gtest·t.
      const m: Bracket = { ...b, fx: b.fx - b.stx * gtest, fy: b.fy - b.sty * gtest, dx: b.dx - gtest, dy: b.dy - gtest };
      stp = cstep(m, stp, f - stp * gtest, g - gtest, stmin, stmax);
      Object.assign(b, m, { fx: m.fx + m.stx * gtest, fy: m.fy + m.sty * gtest, dx: m.dx + gtest, dy: m.dy + gtest });
    } else {
      stp = cstep(b, stp, f, g, stmin, stmax);
    }
    if (b.brackt) {
      if (Math.abs(b.sty - b.stx) >= 0.66 * width1) stp = b.stx + 0.5 * (b.sty - b.stx);
      width1 = width;
      width = Math.abs(b.sty - b.stx);
      stmin = Math.min(b.stx, b.sty);
      stmax = Math.max(b.stx, b.sty);
    } else {
      stmin = stp + 1.1 * (stp - b.stx);
      stmax = stp + 4 * (stp - b.stx);
    }
    stp = Math.min(Math.max(stp, 0), o.stepMax);
    if ((b.brackt && (stp <= stmin || stp >= stmax)) || (b.brackt && stmax - stmin <= o.xtol * stmax)) stp = b.stx;
  }
  return { ok: false, step: stp, f: NaN, evals: o.maxEvals };
}
