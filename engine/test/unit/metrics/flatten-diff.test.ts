import { describe, expect, it } from "vitest";
import { diffSnapshots, diffValues, flatten, parseMetricsText, roundDiff } from "../../../src/metrics/index.js";

describe("flatten", () => {
  it("flattens nested mappings to sorted dotted keys; arrays and scalars are leaves", () => {
    expect(flatten({ test: { f1_macro: 0.7, accuracy: 0.8 }, cm: [[1, 2]], a: null, empty: {} })).toEqual({
      a: null,
      cm: [[1, 2]],
      "test.accuracy": 0.8,
      "test.f1_macro": 0.7,
    });
    expect(Object.keys(flatten({ b: 1, a: { z: 1, c: 2 } }))).toEqual(["a.c", "a.z", "b"]);
  });

  it("prefixes a value under a key", () => {
    expect(flatten(0.01, "train.lr")).toEqual({ "train.lr": 0.01 });
    expect(flatten({ lr: 0.01 }, "train")).toEqual({ "train.lr": 0.01 });
  });
});

describe("parseMetricsText", () => {
  it("reads JSON and YAML by extension", () => {
    expect(parseMetricsText("m.json", '{"a": {"b": 1}}')).toEqual({ ok: true, value: { a: { b: 1 } } });
    expect(parseMetricsText("m.yaml", "a:\n  b: 1\n")).toEqual({ ok: true, value: { a: { b: 1 } } });
    expect(parseMetricsText("m.txt", "a: 2")).toEqual({ ok: true, value: { a: 2 } });
  });

  it("reports one line naming the file", () => {
    const r = parseMetricsText("metrics/eval.json", "{ nope");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(/^metrics\/eval\.json: not valid JSON \(/);
      expect(r.error).not.toContain("\n");
    }
    expect(parseMetricsText("m.json", "[1, 2]")).toEqual({ ok: false, error: "m.json: expected a mapping of metric names to values" });
  });
});

describe("diff", () => {
  it("rounds float noise", () => {
    expect(roundDiff(0.84 - 0.81)).toBe(0.03);
    expect(diffValues(0.81, 0.84)).toEqual({ old: 0.81, new: 0.84, diff: 0.03 });
    expect(diffValues("a", 1)).toEqual({ old: "a", new: 1 });
  });

  it("hides unchanged keys unless all, and handles missing files and keys", () => {
    const a = { files: { "m.json": { x: 1, y: 2 }, "old.json": { k: 1 } }, errors: {} };
    const b = { files: { "m.json": { x: 1, y: 3, z: "new" } }, errors: {} };
    expect(diffSnapshots(a, b)).toEqual({
      "m.json": { y: { old: 2, new: 3, diff: 1 }, z: { old: undefined, new: "new" } },
      "old.json": { k: { old: 1, new: undefined } },
    });
    expect(diffSnapshots(a, b, { all: true })["m.json"]?.["x"]).toEqual({ old: 1, new: 1, diff: 0 });
  });

  it("compares structured values by content", () => {
    const a = { files: { "m.json": { cm: [[1, 2]] } }, errors: {} };
    const b = { files: { "m.json": { cm: [[1, 2]] } }, errors: {} };
    expect(diffSnapshots(a, b)).toEqual({});
  });
});
