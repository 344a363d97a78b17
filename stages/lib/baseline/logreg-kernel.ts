// The two halves of the logistic-regression loss and gradient, each over a range (of rows, of
// features) so threads can split them; each output entry is computed by one fixed sum, so results do
// not depend on how the ranges are split. Loops take 8 classes at a time in locals (V8 keeps them in
// registers; a loop over a scratch array of k classes runs ~3x slower).
import type { Csr } from "#model-contract/csr.js";

/**
 * Rows [from, to): scores z = x_i·W + b, then the row's loss log Σ exp z - z_y into rowLoss[i] and
 * its residual softmax(z) - onehot(y_i) into resid[i·k ..]. `params` is W feature-major
 * `[nCols × k]` then the k biases.
 */
export function rowResiduals(
  x: Csr,
  y: Int32Array,
  k: number,
  params: Float64Array,
  from: number,
  to: number,
  resid: Float64Array,
  rowLoss: Float64Array,
): void {
  const { indptr, indices, data } = x;
  const bOff = x.nCols * k;
  for (let i = from; i < to; i++) {
    const start = indptr[i] as number;
    const end = indptr[i + 1] as number;
    const o = i * k;
    let c = 0;
    for (; c + 8 <= k; c += 8) {
      const b = bOff + c;
      let z0 = params[b] as number,
        z1 = params[b + 1] as number,
        z2 = params[b + 2] as number,
        z3 = params[b + 3] as number;
      let z4 = params[b + 4] as number,
        z5 = params[b + 5] as number,
        z6 = params[b + 6] as number,
        z7 = params[b + 7] as number;
      for (let p = start; p < end; p++) {
        const v = data[p] as number;
        const w = (indices[p] as number) * k + c;
        z0 += v * (params[w] as number);
        z1 += v * (params[w + 1] as number);
        z2 += v * (params[w + 2] as number);
        z3 += v * (params[w + 3] as number);
        z4 += v * (params[w + 4] as number);
        z5 += v * (params[w + 5] as number);
        z6 += v * (params[w + 6] as number);
        z7 += v * (params[w + 7] as number);
      }
      resid[o + c] = z0;
      resid[o + c + 1] = z1;
      resid[o + c + 2] = z2;
      resid[o + c + 3] = z3;
      resid[o + c + 4] = z4;
      resid[o + c + 5] = z5;
      resid[o + c + 6] = z6;
      resid[o + c + 7] = z7;
    }
    for (; c + 2 <= k; c += 2) {
      let z0 = params[bOff + c] as number;
      let z1 = params[bOff + c + 1] as number;
      for (let p = start; p < end; p++) {
        const v = data[p] as number;
        const w = (indices[p] as number) * k + c;
        z0 += v * (params[w] as number);
        z1 += v * (params[w + 1] as number);
      }
      resid[o + c] = z0;
      resid[o + c + 1] = z1;
    }
    for (; c < k; c++) {
      let z = params[bOff + c] as number;
      for (let p = start; p < end; p++) z += (data[p] as number) * (params[(indices[p] as number) * k + c] as number);
      resid[o + c] = z;
    }
    let max = -Infinity;
    for (c = 0; c < k; c++) max = Math.max(max, resid[o + c] as number);
    const yi = y[i] as number;
    const zy = resid[o + yi] as number;
    let sum = 0;
    for (c = 0; c < k; c++) {
      const e = Math.exp((resid[o + c] as number) - max);
      resid[o + c] = e;
      sum += e;
    }
    rowLoss[i] = max + Math.log(sum) - zy;
    const inv = 1 / sum;
    for (c = 0; c < k; c++) resid[o + c] = (resid[o + c] as number) * inv;
    resid[o + yi] = (resid[o + yi] as number) - 1;
  }
}

/**
 * Features [from, to) of the gradient, from `xt` = Xᵀ (one row per feature) and the residuals:
 * grad[j·k + c] = invN·Σ_i x_ij·resid[i·k + c] + lambda·W[j, c], and sq[j] = ||W[j, ·]||².
 */
export function featureGradient(
  xt: Csr,
  k: number,
  resid: Float64Array,
  params: Float64Array,
  invN: number,
  lambda: number,
  from: number,
  to: number,
  grad: Float64Array,
  sq: Float64Array,
): void {
  const { indptr, indices, data } = xt;
  for (let j = from; j < to; j++) {
    const start = indptr[j] as number;
    const end = indptr[j + 1] as number;
    const w = j * k;
    let c = 0;
    for (; c + 8 <= k; c += 8) {
      let a0 = 0,
        a1 = 0,
        a2 = 0,
        a3 = 0,
        a4 = 0,
        a5 = 0,
        a6 = 0,
        a7 = 0;
      for (let p = start; p < end; p++) {
        const v = data[p] as number;
        const r = (indices[p] as number) * k + c;
        a0 += v * (resid[r] as number);
        a1 += v * (resid[r + 1] as number);
        a2 += v * (resid[r + 2] as number);
        a3 += v * (resid[r + 3] as number);
        a4 += v * (resid[r + 4] as number);
        a5 += v * (resid[r + 5] as number);
        a6 += v * (resid[r + 6] as number);
        a7 += v * (resid[r + 7] as number);
      }
      const q = w + c;
      grad[q] = a0 * invN + lambda * (params[q] as number);
      grad[q + 1] = a1 * invN + lambda * (params[q + 1] as number);
      grad[q + 2] = a2 * invN + lambda * (params[q + 2] as number);
      grad[q + 3] = a3 * invN + lambda * (params[q + 3] as number);
      grad[q + 4] = a4 * invN + lambda * (params[q + 4] as number);
      grad[q + 5] = a5 * invN + lambda * (params[q + 5] as number);
      grad[q + 6] = a6 * invN + lambda * (params[q + 6] as number);
      grad[q + 7] = a7 * invN + lambda * (params[q + 7] as number);
    }
    for (; c + 2 <= k; c += 2) {
      let a0 = 0;
      let a1 = 0;
      for (let p = start; p < end; p++) {
        const v = data[p] as number;
        const r = (indices[p] as number) * k + c;
        a0 += v * (resid[r] as number);
        a1 += v * (resid[r + 1] as number);
      }
      grad[w + c] = a0 * invN + lambda * (params[w + c] as number);
      grad[w + c + 1] = a1 * invN + lambda * (params[w + c + 1] as number);
    }
    for (; c < k; c++) {
      let a = 0;
      for (let p = start; p < end; p++) a += (data[p] as number) * (resid[(indices[p] as number) * k + c] as number);
      grad[w + c] = a * invN + lambda * (params[w + c] as number);
    }
    let s = 0;
    for (c = 0; c < k; c++) s += (params[w + c] as number) ** 2;
    sq[j] = s;
  }
}
