// exp show column selection: --keep and --only-changed, which make a real pipeline's table readable.
import { describe, expect, it } from "vitest";
import type { ExperimentRecord } from "../../../src/exp/index.js";
import { renderExpShow } from "../../../src/render/exp-table.js";

const rec = (name: string, lr: number, acc: number): ExperimentRecord =>
  ({
    id: name,
    name,
    createdAt: "2026-11-23T21:00:00.000Z",
    status: "success",
    git: null,
    params: { "params.yaml": { "train.lr": lr, "train.seed": 0 } },
    metrics: { "metrics/eval.json": { "test.accuracy": acc, "test.n": 100 } },
    deps: {},
    durations: {},
  }) as unknown as ExperimentRecord;

describe("exp show column selection", () => {
  const records = [rec("a", 0.1, 0.5), rec("b", 0.2, 0.6)];
  it("--only-changed drops columns equal in every row", () => {
    const out = renderExpShow(records, { format: "plain", onlyChanged: true });
    expect(out).toContain("test.accuracy");
    expect(out).toContain("train.lr");
    expect(out).not.toContain("test.n");
    expect(out).not.toContain("train.seed");
  });
  it("--keep keeps only matching columns", () => {
    const out = renderExpShow(records, { format: "plain", keep: /accuracy/ });
    expect(out).toContain("test.accuracy");
    expect(out).not.toContain("train.lr");
  });
});
