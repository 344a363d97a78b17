// evaluate's pure parts: scoring from probabilities, the champion rule, the confusion plot data and
// the report; the stage itself runs end to end in e2e.test.ts.
import { describe, expect, it } from "vitest";
import { confusionCsv, headline, pickChampion, renderReport, scoreProbabilities } from "../evaluate.js";
import type { EvalJson } from "../evaluate.js";

const LABELS = ["a", "b", "c"];
// 4 rows x 3 classes; argmax: 0, 1, 2, 2; truth: 0, 1, 1, 2.
const PROBS = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.1, 0.3, 0.6, 0.2, 0.2, 0.6]);
const Y = Int32Array.from([0, 1, 1, 2]);

describe("evaluate", () => {
  it("scores probabilities: accuracy, macro/weighted F1, top-k, per class", () => {
    const s = scoreProbabilities(Y, PROBS, 3, 2);
    expect(s.accuracy).toBeCloseTo(0.75);
    expect(Array.from(s.predicted)).toEqual([0, 1, 2, 2]);
    // per class F1: a 1, b 2/3 (p 1, r .5), c 2/3 (p .5, r 1)
    expect(s.macroF1).toBeCloseTo((1 + 2 / 3 + 2 / 3) / 3);
    expect(s.weightedF1).toBeCloseTo((1 + 2 * (2 / 3) + 2 / 3) / 4);
    expect(s.topK).toBe(1);
    expect(s.perClass[1]).toMatchObject({ precision: 1, recall: 0.5, support: 2 });
    expect(headline(s)).toEqual({ n: 4, accuracy: 0.75, macro_f1: 0.7778, weighted_f1: 0.75, top3_accuracy: 1 });
  });

  it("rejects probabilities of the wrong shape", () => {
    expect(() => scoreProbabilities(Y, PROBS.subarray(0, 9), 3, 3)).toThrow(/probabilities/);
  });

  it("picks the champion by val macro-F1, ties to the baseline", () => {
    const h = (f: number) => ({ n: 1, accuracy: 0, macro_f1: f, weighted_f1: 0, top3_accuracy: 0 });
    expect(pickChampion({ baseline: { val: h(0.5), test: h(0.9) }, distilbert: { val: h(0.6), test: h(0.1) } })).toBe("distilbert");
    expect(pickChampion({ baseline: { val: h(0.5), test: h(0) }, distilbert: { val: h(0.5), test: h(1) } })).toBe("baseline");
  });

  it("writes confusion plot data as actual,predicted rows by label name", () => {
    expect(confusionCsv(LABELS, Y, Int32Array.from([0, 1, 2, 2]))).toBe("actual,predicted\na,a\nb,b\nb,c\nc,c\n");
  });

  it("renders a report that flags a random-init backbone and names the floor", () => {
    const s = scoreProbabilities(Y, PROBS, 3, 3);
    const hl = headline(s);
    const ev: EvalJson = {
      champion: "baseline",
      champion_by: "val.macro_f1",
      pretrained: false,
      floor: { class: "b", val: { accuracy: 0.5, macro_f1: 0.2222 }, test: { accuracy: 0.5, macro_f1: 0.2222 } },
      models: { baseline: { val: hl, test: hl }, distilbert: { val: hl, test: hl } },
    };
    const md = renderReport(ev, LABELS, { baseline: { val: s, test: s }, distilbert: { val: s, test: s } });
    expect(md).toContain("NOT pretrained");
    expect(md).toContain("Champion: **baseline**");
    expect(md).toContain("always `b`");
    expect(md).toMatch(/\| b \| 2 \| 100\.0% \| 50\.0% \| 66\.7% \|/);
  });
});
