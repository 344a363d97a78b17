// numpy's default argsort (introsort) transcribed, so the baseline keeps exactly the terms that
// scikit-learn keeps when several are tied at the max_features cut. numpy's sort is not stable and
// no ordinary tie-break reproduces it; numpy 1.24's generic (non-AVX-512) code is what this follows.

/** Swaps entries i and j of a. */
function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i] as number;
  a[i] = a[j] as number;
  a[j] = t;
}

/** numpy's heapsort of the indices a[lo .. lo+n) by v (what its quicksort falls back to). */
export function numpyHeapsort(v: Float64Array, a: Int32Array, lo: number, n: number): void {
  // 1-based heap positions: position q is a[lo + q - 1].
  const at = (q: number): number => a[lo + q - 1] as number;
  const sift = (tmp: number, from: number, size: number): void => {
    let i = from;
    for (let j = from * 2; j <= size;) {
      if (j < size && (v[at(j)] as number) < (v[at(j + 1)] as number)) j++;
      if (!((v[tmp] as number) < (v[at(j)] as number))) break;
      a[lo + i - 1] = at(j);
      i = j;
      j += j;
    }
    a[lo + i - 1] = tmp;
  };
  for (let l = n >> 1; l > 0; l--) sift(at(l), l, n);
  for (let size = n; size > 1;) {
    const tmp = at(size);
    a[lo + size - 1] = at(1);
    size--;
    sift(tmp, 1, size);
  }
}

/**
 * The indices that sort v ascending, ties placed exactly as numpy's default argsort places them:
 * sklearn cuts max_features with it, and it is not stable (introsort: median-of-3 quicksort,
 * insertion sort for runs of at most 16, heapsort past 2·log2(n) levels), so among terms tied at
 * the cut this decides which are kept.
 */
export function numpyArgsort(v: Float64Array): Int32Array {
  const num = v.length;
  const a = Int32Array.from({ length: num }, (_, i) => i);
  const less = (i: number, j: number): boolean => (v[a[i] as number] as number) < (v[a[j] as number] as number);
  const stack: Array<[number, number, number]> = [];
  let pl = 0;
  let pr = num - 1;
  let depth = num > 0 ? 2 * (31 - Math.clz32(num)) : 0;
  for (;;) {
    if (depth < 0) {
      numpyHeapsort(v, a, pl, pr - pl + 1);
    } else {
      while (pr - pl > 15) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(pm, pl)) swap(a, pm, pl);
        if (less(pr, pm)) swap(a, pr, pm);
        if (less(pm, pl)) swap(a, pm, pl);
        const vp = v[a[pm] as number] as number;
        let pi = pl;
        let pj = pr - 1;
        swap(a, pm, pj);
        for (;;) {
          do pi++;
          while ((v[a[pi] as number] as number) < vp);
          do pj--;
          while (vp < (v[a[pj] as number] as number));
          if (pi >= pj) break;
          swap(a, pi, pj);
        }
        swap(a, pi, pr - 1);
        // Push the larger side, go on with the smaller.
        depth--;
        if (pi - pl < pr - pi) {
          stack.push([pi + 1, pr, depth]);
          pr = pi - 1;
        } else {
          stack.push([pl, pi - 1, depth]);
          pl = pi + 1;
        }
      }
      for (let pi = pl + 1; pi <= pr; pi++) {
        const vi = a[pi] as number;
        const vv = v[vi] as number;
        let pj = pi;
        while (pj > pl && vv < (v[a[pj - 1] as number] as number)) {
          a[pj] = a[pj - 1] as number;
          pj--;
        }
        a[pj] = vi;
      }
    }
    const next = stack.pop();
    if (next === undefined) return a;
    [pl, pr, depth] = next;
  }
}
