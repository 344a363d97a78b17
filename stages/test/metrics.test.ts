// Metrics against hand-computed confusion matrices (sklearn's zero_division=0 conventions).
import { describe, expect, it } from "vitest";
import { accuracy, argmaxRows, confusionMatrix, majorityFloor, perClassScores, summarize, topKAccuracy } from "#common/metrics.js";

describe("metrics", () => {
  // 3 classes; class 2 is never predicted.
  const yTrue = [0, 0, 0, 1, 1, 2, 2];
  const yPred = [0, 0, 1, 1, 0, 1, 0];

  it("builds the confusion matrix (rows true, columns predicted)", () => {
    const cm = confusionMatrix(yTrue, yPred, 3);
    expect(Array.from(cm.counts)).toEqual([2, 1, 0, 1, 1, 0, 1, 1, 0]);
  });

  it("scores each class, 0 for a class never predicted", () => {
    const s = perClassScores(confusionMatrix(yTrue, yPred, 3));
    // class 0: tp 2, predicted 4, support 3 -> p .5, r 2/3, f1 4/7
    expect(s[0]?.precision).toBeCloseTo(0.5, 12);
    expect(s[0]?.recall).toBeCloseTo(2 / 3, 12);
    expect(s[0]?.f1).toBeCloseTo(4 / 7, 12);
    // class 1: tp 1, predicted 3, support 2 -> p 1/3, r 1/2, f1 0.4
    expect(s[1]?.f1).toBeCloseTo(0.4, 12);
    expect(s[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
  });

  it("summarizes accuracy, macro and weighted F1", () => {
    const s = summarize(yTrue, yPred, 3);
    expect(s.accuracy).toBeCloseTo(3 / 7, 12);
    expect(s.f1Macro).toBeCloseTo((4 / 7 + 0.4 + 0) / 3, 12);
    expect(s.f1Weighted).toBeCloseTo(((4 / 7) * 3 + 0.4 * 2) / 7, 12);
  });

  it("averages macro-F1 over classes present in truth or predictions only", () => {
    // class 3 of 4 never occurs: excluded, as sklearn without `labels`.
    const s = summarize([0, 1, 2], [0, 1, 1], 4);
    expect(s.f1Macro).toBeCloseTo((1 + 2 / 3 + 0) / 3, 12);
  });

  it("handles perfect and empty inputs", () => {
    expect(summarize([1, 0], [1, 0], 2).f1Macro).toBe(1);
    expect(accuracy([], [])).toBe(0);
    expect(() => accuracy([1], [])).toThrow();
  });

  it("computes top-k accuracy and argmax", () => {
    const probs = [0.5, 0.3, 0.2, 0.1, 0.2, 0.7, 0.3, 0.3, 0.4];
    expect(Array.from(argmaxRows(probs, 3))).toEqual([0, 2, 2]);
    const y = [1, 0, 0];
    expect(topKAccuracy(y, probs, 3, 1)).toBe(0);
    expect(topKAccuracy(y, probs, 3, 2)).toBeCloseTo(2 / 3, 12);
    expect(topKAccuracy(y, probs, 3, 3)).toBe(1);
  });

  it("gives the majority-class floor", () => {
    const f = majorityFloor([2, 2, 1, 0, 2], [2, 1, 2, 0], 3);
    expect(f.classId).toBe(2);
    expect(f.accuracy).toBe(0.5);
    // class 2: p .5 r 1 f1 2/3; classes 0,1 present with f1 0
    expect(f.f1Macro).toBeCloseTo(2 / 9, 12);
  });
});
