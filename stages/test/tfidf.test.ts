// TF-IDF against hand-computed sklearn TfidfVectorizer results on tiny corpora.
import { describe, expect, it } from "vitest";
import { csrToDense } from "#baseline/sparse.js";
import { paperText } from "#model-contract/paper.js";
import { numpyArgsort, numpyHeapsort } from "#baseline/sklearn-compat/numpy-argsort.js";
import { fitTfidf } from "#baseline/tfidf-fit.js";
import { makeVocab, tokenize, transformTfidf, type TfidfConfig } from "#model-contract/tfidf.js";

const base: TfidfConfig = { ngramMax: 1, minDf: 1, maxFeatures: null, sublinearTf: false };

function normalize(v: number[]): number[] {
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => x / n);
}

describe("tokenize", () => {
  it("lowercases and keeps unicode word runs of two or more characters", () => {
    expect(tokenize("A Über-naïve café_x, 3D x2 (b) 中文")).toEqual(["über", "naïve", "café_x", "3d", "x2", "中文"]);
  });
  it("joins title and summary with a space", () => {
    expect(paperText({ title: "T", summary: "S" })).toBe("T S");
  });
});

describe("numpyArgsort", () => {
  // Expected orders printed by numpy 1.24: np.argsort(v) and np.argsort(v, kind="heapsort").
  it("places ties as numpy's introsort does", () => {
    const counts = [3, 1, 2, 2, 5, 1, 1, 2, 3, 3, 1, 2, 2, 2, 1, 4, 1, 1, 2, 3, 3, 2, 1, 1, 2, 2, 1, 1, 3, 2, 1, 2, 1, 2, 2, 1, 1, 2, 1, 2];
    expect(Array.from(numpyArgsort(Float64Array.from(counts, (c) => -c)))).toEqual([
      4, 15, 0, 28, 20, 9, 8, 19, 39, 25, 24, 7, 31, 21, 2, 18, 33, 3, 13, 12, 11, 37, 34, 29, 30, 32, 35, 36, 6, 27, 26, 22, 38, 17, 16, 14, 10, 5, 1, 23,
    ]);
    // up to 16 elements: insertion sort, stable
    expect(Array.from(numpyArgsort(Float64Array.of(2, 1, 2, 1)))).toEqual([1, 3, 0, 2]);
  });

  it("falls back to numpy's heapsort order", () => {
    const v = Float64Array.from([2, 1, 2, 1, 1, 2, 2, 1, 1, 2, 1, 1, 2, 2, 1, 1, 2, 1, 2, 1], (c) => -c);
    const a = Int32Array.from({ length: v.length }, (_, i) => i);
    numpyHeapsort(v, a, 0, v.length);
    expect(Array.from(a)).toEqual([12, 6, 16, 13, 2, 5, 9, 18, 0, 14, 11, 10, 19, 4, 17, 8, 15, 7, 3, 1]);
  });
});

describe("fitTfidf", () => {
  const docs = ["The cat sat", "the cat", "A dog!"];

  it("computes smooth idf and L2-normalized rows over sorted terms", () => {
    const { vocab, matrix } = fitTfidf(docs, base);
    expect(vocab.terms).toEqual(["cat", "dog", "sat", "the"]);
    const idf2 = Math.log(4 / 3) + 1;
    const idf1 = Math.log(4 / 2) + 1;
    expect(Array.from(vocab.idf)).toEqual([idf2, idf1, idf1, idf2].map((x) => expect.closeTo(x, 12)));
    const dense = Array.from(csrToDense(matrix));
    const want = [...normalize([idf2, 0, idf1, idf2]), ...normalize([idf2, 0, 0, idf2]), 0, 1, 0, 0];
    expect(dense).toHaveLength(want.length);
    dense.forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 6));
  });

  it("adds bigrams and applies min_df", () => {
    const { vocab } = fitTfidf(docs, { ...base, ngramMax: 2, minDf: 2 });
    expect(vocab.terms).toEqual(["cat", "the", "the cat"]);
  });

  it("keeps the max_features most frequent terms, ties by term", () => {
    const { vocab } = fitTfidf(["bb bb bb aa cc", "cc dd", "dd ee"], { ...base, maxFeatures: 2 });
    // counts: bb 3, cc 2, dd 2 -> bb, then cc before dd
    expect(vocab.terms).toEqual(["bb", "cc"]);
  });

  it("uses 1 + ln(tf) with sublinear_tf", () => {
    const { vocab, matrix } = fitTfidf(["aa aa aa bb", "bb cc"], { ...base, sublinearTf: true });
    const idfA = Math.log(3 / 2) + 1;
    const idfB = 1;
    const row = normalize([(1 + Math.log(3)) * idfA, idfB, 0]);
    expect(vocab.terms).toEqual(["aa", "bb", "cc"]);
    expect(csrToDense(matrix)).toHaveLength(2 * 3);
    Array.from(csrToDense(matrix))
      .slice(0, 3)
      .forEach((v, i) => expect(v).toBeCloseTo(row[i] as number, 6));
  });

  it("transforms new documents like the training ones, ignoring unknown terms", () => {
    const cfg = { ...base, ngramMax: 2 };
    const { vocab, matrix } = fitTfidf(docs, cfg);
    const again = transformTfidf(vocab, [...docs, "zebra cat"]);
    expect(Array.from(csrToDense(again)).slice(0, matrix.nRows * matrix.nCols)).toEqual(Array.from(csrToDense(matrix)));
    const rebuilt = makeVocab(cfg, vocab.terms, vocab.idf);
    expect(Array.from(csrToDense(transformTfidf(rebuilt, ["zebra cat"])))).toEqual(Array.from(csrToDense(again)).slice(matrix.nRows * matrix.nCols));
  });

  it("finds a bigram even when one of its words was cut by max_features", () => {
    // counts: aa 3, bb 2, "aa bb" 2; the tie goes to "aa bb" (sorts first), so "bb" is cut.
    const cfg = { ...base, ngramMax: 2, maxFeatures: 1 };
    const { vocab } = fitTfidf(["aa bb", "aa bb"], cfg);
    expect(vocab.terms).toEqual(["aa"]);
    const { vocab: v2 } = fitTfidf(["aa bb", "aa bb", "aa"], { ...cfg, maxFeatures: 2 });
    expect(v2.terms).toEqual(["aa", "aa bb"]);
    const x = transformTfidf(makeVocab(cfg, v2.terms, v2.idf), ["aa bb"]);
    expect(x.indices.length).toBe(2);
  });
});
