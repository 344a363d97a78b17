// CSR construction, row selection, normalization and the X·Wt product against dense math.
import { describe, expect, it } from "vitest";
import { csrFromDense, csrSelectRows, csrToDense, csrTranspose } from "#baseline/sparse.js";
import { csrMatMul, csrNormalizeRowsL2 } from "#model-contract/csr.js";

describe("sparse CSR", () => {
  const dense = [1, 0, 2, 0, 0, 0, 0, 3, 4];
  it("round-trips dense data", () => {
    const m = csrFromDense(dense, 3, 3);
    expect(Array.from(m.indptr)).toEqual([0, 2, 2, 4]);
    expect(Array.from(m.indices)).toEqual([0, 2, 1, 2]);
    expect(Array.from(csrToDense(m))).toEqual(dense);
  });

  it("selects rows in the given order", () => {
    const m = csrSelectRows(csrFromDense(dense, 3, 3), [2, 0, 2]);
    expect(Array.from(csrToDense(m))).toEqual([0, 3, 4, 1, 0, 2, 0, 3, 4]);
  });

  it("transposes, each new row's entries by increasing column", () => {
    const t = csrTranspose(csrFromDense(dense, 3, 3));
    expect(t.nRows).toBe(3);
    expect(Array.from(t.indptr)).toEqual([0, 1, 2, 4]);
    expect(Array.from(t.indices)).toEqual([0, 2, 0, 2]);
    expect(Array.from(csrToDense(t))).toEqual([1, 0, 0, 0, 0, 3, 2, 0, 4]);
    expect(csrTranspose(csrFromDense([1, 2], 1, 2)).nCols).toBe(1);
  });

  it("normalizes non-empty rows to unit length", () => {
    const m = csrNormalizeRowsL2(csrFromDense([3, 4, 0, 0], 2, 2));
    expect(Array.from(csrToDense(m))).toEqual([0.6000000238418579, 0.800000011920929, 0, 0]);
  });

  it("multiplies by a feature-major weight matrix plus bias", () => {
    const m = csrFromDense(dense, 3, 3);
    const wt = [1, 2, 3, 4, 5, 6]; // [3 features × 2 outputs]
    const out = csrMatMul(m, wt, 2, [10, 20]);
    // row0 = 1*[1,2] + 2*[5,6]; row1 = 0; row2 = 3*[3,4] + 4*[5,6]
    expect(Array.from(out)).toEqual([21, 34, 10, 20, 39, 56]);
  });
});
