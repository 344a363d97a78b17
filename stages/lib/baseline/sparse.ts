// Building, selecting and transposing CSR matrices, for the baseline's training and its tests. The CSR
// type itself and the two products a served baseline needs live in the model contract (csr.ts).
import type { Csr } from "#model-contract/csr.js";

/** Builds a CSR matrix from per-row (column, value) lists; columns need not be sorted. */
export function csrFromRows(rows: ReadonlyArray<{ readonly cols: ArrayLike<number>; readonly vals: ArrayLike<number> }>, nCols: number): Csr {
  let nnz = 0;
  for (const r of rows) nnz += r.cols.length;
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  let p = 0;
  rows.forEach((r, i) => {
    for (let k = 0; k < r.cols.length; k++) {
      const c = r.cols[k] as number;
      if (c < 0 || c >= nCols) throw new RangeError(`column ${c} out of range [0, ${nCols})`);
      indices[p] = c;
      data[p] = r.vals[k] as number;
      p++;
    }
    indptr[i + 1] = p;
  });
  return { nRows: rows.length, nCols, indptr, indices, data };
}

/** Builds a CSR matrix from a dense row-major array (tests and small problems). */
export function csrFromDense(dense: ArrayLike<number>, nRows: number, nCols: number): Csr {
  const rows: Array<{ cols: number[]; vals: number[] }> = [];
  for (let i = 0; i < nRows; i++) {
    const cols: number[] = [];
    const vals: number[] = [];
    for (let j = 0; j < nCols; j++) {
      const v = dense[i * nCols + j] as number;
      if (v !== 0) {
        cols.push(j);
        vals.push(v);
      }
    }
    rows.push({ cols, vals });
  }
  return csrFromRows(rows, nCols);
}

/** Dense row-major copy (tests and debugging only). */
export function csrToDense(m: Csr): Float64Array {
  const out = new Float64Array(m.nRows * m.nCols);
  for (let i = 0; i < m.nRows; i++) {
    for (let p = m.indptr[i] as number; p < (m.indptr[i + 1] as number); p++) {
      const at = i * m.nCols + (m.indices[p] as number);
      out[at] = (out[at] as number) + (m.data[p] as number);
    }
  }
  return out;
}

/** A new matrix holding the given rows, in the given order. */
export function csrSelectRows(m: Csr, rows: ArrayLike<number>): Csr {
  const indptr = new Int32Array(rows.length + 1);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    indptr[r + 1] = (indptr[r] as number) + ((m.indptr[i + 1] as number) - (m.indptr[i] as number));
  }
  const nnz = indptr[rows.length] as number;
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    const start = m.indptr[i] as number;
    const end = m.indptr[i + 1] as number;
    indices.set(m.indices.subarray(start, end), indptr[r]);
    data.set(m.data.subarray(start, end), indptr[r]);
  }
  return { nRows: rows.length, nCols: m.nCols, indptr, indices, data };
}

/** The transpose, as CSR (so the CSC form of `m`); each new row lists its entries by increasing column. */
export function csrTranspose(m: Csr): Csr {
  const nnz = m.indices.length;
  const indptr = new Int32Array(m.nCols + 1);
  for (let p = 0; p < nnz; p++) {
    const j = m.indices[p] as number;
    indptr[j + 1] = (indptr[j + 1] as number) + 1;
  }
  for (let j = 0; j < m.nCols; j++) indptr[j + 1] = (indptr[j + 1] as number) + (indptr[j] as number);
  const next = indptr.slice(0, m.nCols);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  for (let i = 0; i < m.nRows; i++) {
    for (let p = m.indptr[i] as number; p < (m.indptr[i + 1] as number); p++) {
      const j = m.indices[p] as number;
      const at = next[j] as number;
      next[j] = at + 1;
      indices[at] = i;
      data[at] = m.data[p] as number;
    }
  }
  return { nRows: m.nCols, nCols: m.nRows, indptr, indices, data };
}
