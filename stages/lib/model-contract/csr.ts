// CSR (compressed sparse row) matrices for the baseline's TF-IDF features: the type, and the two
// products inference needs (row normalization, X·Wᵀ + b). Typed arrays only, so the training loops
// (baseline/logreg*.ts) stay allocation-free and fast; builders and the transpose are baseline/sparse.ts.

/** A sparse matrix in CSR form; row i's entries are indices/data[indptr[i] .. indptr[i+1]). */
export interface Csr {
  readonly nRows: number;
  readonly nCols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: Float32Array;
}

/** Scales every non-empty row to unit L2 norm, in place. */
export function csrNormalizeRowsL2(m: Csr): Csr {
  for (let i = 0; i < m.nRows; i++) {
    const start = m.indptr[i] as number;
    const end = m.indptr[i + 1] as number;
    let ss = 0;
    for (let p = start; p < end; p++) ss += (m.data[p] as number) ** 2;
    if (ss > 0) {
      const inv = 1 / Math.sqrt(ss);
      for (let p = start; p < end; p++) m.data[p] = (m.data[p] as number) * inv;
    }
  }
  return m;
}

/**
 * out[n × k] = X · Wt + bias, with Wt stored feature-major [nCols × k] so each non-zero touches
 * k contiguous weights.
 */
export function csrMatMul(
  m: Csr,
  wt: ArrayLike<number>,
  k: number,
  bias: ArrayLike<number> | null,
  out: Float64Array = new Float64Array(m.nRows * k),
): Float64Array {
  for (let i = 0; i < m.nRows; i++) {
    const o = i * k;
    for (let c = 0; c < k; c++) out[o + c] = bias === null ? 0 : (bias[c] as number);
    for (let p = m.indptr[i] as number; p < (m.indptr[i + 1] as number); p++) {
      const v = m.data[p] as number;
      const w = (m.indices[p] as number) * k;
      for (let c = 0; c < k; c++) out[o + c] = (out[o + c] as number) + v * (wt[w + c] as number);
    }
  }
  return out;
}
