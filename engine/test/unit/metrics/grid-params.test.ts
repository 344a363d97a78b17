import { describe, expect, it } from "vitest";
import { describeOverrides, expandGrid, parseSetArg, setParamsText } from "../../../src/exp/index.js";

describe("-S parsing and grid expansion", () => {
  it("parses keys, files and YAML-typed values", () => {
    expect(parseSetArg("train.lr=0.01")).toEqual({ ok: true, value: { file: "params.yaml", key: "train.lr", values: [0.01] } });
    expect(parseSetArg("other.yaml:model.name=resnet,vit")).toEqual({
      ok: true,
      value: { file: "other.yaml", key: "model.name", values: ["resnet", "vit"] },
    });
    expect(parseSetArg("a.list=[1,2],[3]")).toEqual({ ok: true, value: { file: "params.yaml", key: "a.list", values: [[1, 2], [3]] } });
    expect(parseSetArg("flag=true")).toMatchObject({ ok: true, value: { values: [true] } });
    expect(parseSetArg("noequals").ok).toBe(false);
    expect(parseSetArg("a..b=1").ok).toBe(false);
  });

  it("expands the cartesian product, first flag slowest", () => {
    const sets = ["train.lr=0.001,0.01", "train.batch_size=32,64"].map((s) => {
      const r = parseSetArg(s);
      if (!r.ok) throw new Error(r.error);
      return r.value;
    });
    const grid = expandGrid(sets);
    expect(grid.map(describeOverrides)).toEqual([
      "train.lr=0.001 train.batch_size=32",
      "train.lr=0.001 train.batch_size=64",
      "train.lr=0.01 train.batch_size=32",
      "train.lr=0.01 train.batch_size=64",
    ]);
    expect(expandGrid([])).toEqual([{}]);
  });
});

describe("setParamsText", () => {
  it("keeps comments and layout in YAML", () => {
    const text = "# top\ntrain:\n  lr: 0.01 # learning rate\n  batch_size: 32\n\nseed: 1\n";
    expect(setParamsText("params.yaml", text, { "train.lr": 0.001, seed: 7 })).toBe(
      "# top\ntrain:\n  lr: 0.001 # learning rate\n  batch_size: 32\n\nseed: 7\n",
    );
  });

  it("rewrites JSON params files", () => {
    expect(setParamsText("p.json", '{"train": {"lr": 1}}', { "train.lr": 2 })).toBe('{\n  "train": {\n    "lr": 2\n  }\n}\n');
  });
});
