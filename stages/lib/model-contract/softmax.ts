// Softmax over rows of class scores: the last step of every classifier here (logistic regression,
// the classifier head), in one numerically stable place.

/** Writes softmax(z[from .. from+k]) into out[at .. at+k]. */
export function softmaxRow(z: ArrayLike<number>, from: number, k: number, out: Float32Array, at: number): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, z[from + c] as number);
  let sum = 0;
  for (let c = 0; c < k; c++) sum += Math.exp((z[from + c] as number) - max);
  for (let c = 0; c < k; c++) out[at + c] = Math.exp((z[from + c] as number) - max) / sum;
}

/** Row-wise softmax of row-major scores `[n × k]`. */
export function softmaxRows(z: ArrayLike<number>, k: number): Float32Array {
  const out = new Float32Array(z.length);
  for (let at = 0; at < z.length; at += k) softmaxRow(z, at, k, out, at);
  return out;
}
