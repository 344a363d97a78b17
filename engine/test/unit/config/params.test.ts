// Stage params: dotted keys of params.yaml, {file: [keys]}, whole files, JSON, errors, caching.
import { describe, expect, test } from "vitest";
import { loadPipeline } from "../../../src/config/index.js";
import { brief, fail, load, memFs, ROOT } from "./mem-fs.js";

const PARAMS = "train:\n  lr: 0.01\n  epochs: 3\n  opt: {name: adam}\nseed: 7\nlayers: [8, 4]\n";
const one = (...body: string[]): string => `stages:\n  s:\n    cmd: x\n${body.map((l) => `    ${l}`).join("\n")}\n`;

describe("params", () => {
  test("dotted keys of params.yaml", () => {
    const s = load({ "pipeline.yaml": one("params: [train.lr, seed, train.opt, layers.1]"), "params.yaml": PARAMS }).stages[0]!;
    expect(s.params.map((p) => [p.file, p.key])).toEqual([
      ["params.yaml", "train.lr"],
      ["params.yaml", "seed"],
      ["params.yaml", "train.opt"],
      ["params.yaml", "layers.1"],
    ]);
    expect(s.paramValues).toEqual({ "params.yaml": { "train.lr": 0.01, seed: 7, "train.opt": { name: "adam" }, "layers.1": 4 } });
  });

  test("{file: [keys]} for another file, YAML or JSON", () => {
    const s = load({
      "pipeline.yaml": one("params:", "  - conf/other.yaml: [a.b]", "  - p.json: [k]"),
      "conf/other.yaml": "a: {b: 1}\n",
      "p.json": '{"k": "v"}',
    }).stages[0]!;
    expect(s.params.map((p) => [p.file, p.key])).toEqual([
      ["conf/other.yaml", "a.b"],
      ["p.json", "k"],
    ]);
    expect(s.paramValues).toEqual({ "conf/other.yaml": { "a.b": 1 }, "p.json": { k: "v" } });
  });

  test("{file:} and {file: []} mean the whole file: every top-level key", () => {
    for (const entry of ["  - other.yaml:", "  - other.yaml: []"]) {
      const s = load({ "pipeline.yaml": one("params:", entry), "other.yaml": "a: 1\nb: {c: 2}\n" }).stages[0]!;
      expect(s.params.map((p) => [p.file, p.key])).toEqual([["other.yaml", null]]);
      expect(s.paramValues).toEqual({ "other.yaml": { a: 1, b: { c: 2 } } });
    }
  });

  test("params files are relative to wdir", () => {
    const s = load({ "pipeline.yaml": one("wdir: w", "params: [lr, {../p.yaml: [k]}]"), "w/params.yaml": "lr: 1\n", "p.yaml": "k: 2\n" }).stages[0]!;
    expect(s.paramValues).toEqual({ "w/params.yaml": { lr: 1 }, "p.yaml": { k: 2 } });
  });

  test("a literal dotted key wins", () => {
    const s = load({ "pipeline.yaml": one("params: [a.b]"), "params.yaml": "'a.b': 5\n" }).stages[0]!;
    expect(s.paramValues["params.yaml"]).toEqual({ "a.b": 5 });
  });

  test("unknown key is located at the key in pipeline.yaml, with a suggestion", () => {
    const d = fail({ "pipeline.yaml": one("params:", "  - train.lr", "  - train.lrr"), "params.yaml": PARAMS });
    expect(brief(d)).toEqual(["unknown-param-key@6:9"]);
    expect(d[0]!.message).toBe("param 'train.lrr' of stage 's' is not in 'params.yaml' (did you mean 'train.lr'?)");
  });

  test("missing params file, once per stage and file", () => {
    const d = fail({ "pipeline.yaml": one("params: [a, b, {other.yaml: [c]}]") });
    expect(brief(d)).toEqual(["missing-params-file@4:14", "missing-params-file@4:21"]);
  });

  test("TOML and Python params files are rejected clearly", () => {
    const d = fail({ "pipeline.yaml": one("params: [{p.toml: [a]}, {p.py: }]"), "p.toml": "a = 1\n", "p.py": "a = 1\n" });
    expect(brief(d)).toEqual(["unsupported-params-format@4:15", "unsupported-params-format@4:30"]);
    expect(d[0]!.message).toContain("TOML");
  });

  test("syntax errors in params files are located in that file", () => {
    const y = fail({ "pipeline.yaml": one("params: [{p.yaml: [a]}]"), "p.yaml": "a: [1\n" });
    expect(y.map((d) => [d.code, d.location?.file])).toContainEqual(["yaml-syntax", "p.yaml"]);
    const j = fail({ "pipeline.yaml": one("params: [{p.json: [a]}]"), "p.json": '{\n  "a": 1,\n}' });
    expect(j.map((d) => [d.code, d.location?.file, d.location?.line])).toEqual([["json-syntax", "p.json", 3]]);
  });

  test("a params file must be a mapping", () => {
    expect(brief(fail({ "pipeline.yaml": one("params: [{p.yaml: }]"), "p.yaml": "- 1\n" }))).toEqual(["bad-type@1:1"]);
  });

  test("bad entries", () => {
    const d = fail({ "pipeline.yaml": one("params: [1, {p.yaml: 3}, {p.yaml: [1]}]"), "p.yaml": "a: 1\n" });
    expect(brief(d)).toEqual(["bad-type@4:14", "bad-type@4:26", "bad-type@4:40"]);
  });

  test("params outside the project", () => {
    expect(brief(fail({ "pipeline.yaml": one("params: [{../p.yaml: }]") }))).toEqual(["dep-outside-project@4:15"]);
  });

  test("each params file is read once per load, however many stages use it", () => {
    let stagesYaml = "stages:\n";
    for (let i = 0; i < 50; i++) stagesYaml += `  s${i}:\n    cmd: x\n    params: [seed, {o.yaml: }]\n`;
    const base = memFs({ "pipeline.yaml": stagesYaml, "params.yaml": PARAMS, "o.yaml": "a: 1\n" });
    const reads = new Map<string, number>();
    const fs = { exists: (p: string) => base.exists(p), readText: (p: string) => (reads.set(p, (reads.get(p) ?? 0) + 1), base.readText(p)) };
    const r = loadPipeline(ROOT, { fs });
    expect(r.ok).toBe(true);
    expect([...reads.values()].every((n) => n === 1)).toBe(true);
    expect(reads.size).toBe(3);
  });
});
