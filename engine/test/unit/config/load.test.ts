// loadPipeline(): file discovery, top-level keys, YAML syntax errors, sources and immutability.
import { describe, expect, test } from "vitest";
import { findPipelineFile, loadPipeline } from "../../../src/config/index.js";
import { brief, fail, load, memFs, ROOT } from "./mem-fs.js";

const STAGE = "stages:\n  a:\n    cmd: echo a\n";

describe("pipeline file discovery", () => {
  test("prefers pipeline.yaml over dvc.yaml", () => {
    const fs = memFs({ "pipeline.yaml": STAGE, "dvc.yaml": "stages:\n  b:\n    cmd: echo b\n" });
    expect(findPipelineFile(ROOT, fs)).toBe("pipeline.yaml");
    const p = load({ "pipeline.yaml": STAGE, "dvc.yaml": "stages:\n  b:\n    cmd: echo b\n" });
    expect(p.file).toBe("pipeline.yaml");
    expect(p.stages.map((s) => s.name)).toEqual(["a"]);
  });

  test("falls back to dvc.yaml and never reads dvc.lock", () => {
    const read: string[] = [];
    const base = memFs({ "dvc.yaml": STAGE, "dvc.lock": "garbage: [" });
    const fs = { exists: (p: string) => base.exists(p), readText: (p: string) => (read.push(p), base.readText(p)) };
    const r = loadPipeline(ROOT, { fs });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.file).toBe("dvc.yaml");
    expect(read.some((p) => p.endsWith("dvc.lock"))).toBe(false);
    expect(findPipelineFile(ROOT, fs)).toBe("dvc.yaml");
  });

  test("no pipeline file is one located-less diagnostic", () => {
    expect(findPipelineFile(ROOT, memFs({}))).toBeNull();
    const r = loadPipeline(ROOT, { fs: memFs({}) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(brief(r.error)).toEqual(["missing-pipeline-file@-"]);
  });

  test("an explicit file is used, and its folder is the default wdir", () => {
    const p = load({ "sub/other.yaml": "stages:\n  a:\n    cmd: x\n    deps: [in.txt]\n" }, "sub/other.yaml");
    expect(p.file).toBe("sub/other.yaml");
    expect(p.stages[0]!.wdir).toBe("sub");
    expect(p.stages[0]!.deps[0]!.path).toBe("sub/in.txt");
  });
});

describe("top level", () => {
  test("an empty file is a pipeline without stages", () => {
    expect(load({ "pipeline.yaml": "" }).stages).toEqual([]);
    expect(load({ "pipeline.yaml": "# nothing\n" }).stages).toEqual([]);
  });

  test("accepts DVC's metrics, plots, params, artifacts keys", () => {
    const p = load({
      "pipeline.yaml": `${STAGE}metrics: [m.json]\nplots:\n  - p.csv: {x: a}\nparams: [p.yaml]\nartifacts:\n  model:\n    path: m.pkl\n`,
    });
    expect(p.stages).toHaveLength(1);
  });

  test("unknown top-level key, with a suggestion", () => {
    const d = fail({ "pipeline.yaml": `stage:\n  a:\n    cmd: x\n` });
    expect(brief(d)).toEqual(["unknown-key@1:1"]);
    expect(d[0]!.message).toContain("did you mean 'stages'?");
  });

  test("the document must be a mapping", () => {
    expect(brief(fail({ "pipeline.yaml": "- a\n- b\n" }))).toEqual(["bad-type@1:1"]);
  });

  test("stages must be a mapping", () => {
    expect(brief(fail({ "pipeline.yaml": "stages: [a]\n" }))).toEqual(["bad-type@1:9"]);
  });

  test("YAML syntax errors are reported with positions", () => {
    const d = fail({ "pipeline.yaml": "stages:\n  a:\n    cmd: [echo\n" });
    expect(d.length).toBeGreaterThan(0);
    expect(d.every((x) => x.code === "yaml-syntax" && x.location?.file === "pipeline.yaml")).toBe(true);
  });

  test("duplicate top-level keys", () => {
    const d = fail({ "pipeline.yaml": `${STAGE}stages:\n  b:\n    cmd: y\n` });
    expect(brief(d)).toEqual(["duplicate-key@4:1"]);
    expect(d[0]!.related?.[0]!.location.line).toBe(1);
  });
});

describe("result", () => {
  test("keeps the text of every file read, for printing diagnostics", () => {
    const p = load({ "pipeline.yaml": "stages:\n  a:\n    cmd: x\n    params: [lr]\n", "params.yaml": "lr: 1\n" });
    expect([...p.sources.keys()].sort()).toEqual(["params.yaml", "pipeline.yaml"]);
    expect(p.root).toBe(ROOT);
  });

  test("is deeply immutable", () => {
    const p = load({ "pipeline.yaml": "stages:\n  a:\n    cmd: x\n    deps: [d]\n    params: [t]\n", "params.yaml": "t: {lr: 1}\n" });
    const s = p.stages[0]!;
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.stages)).toBe(true);
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.deps)).toBe(true);
    expect(Object.isFrozen(s.deps[0])).toBe(true);
    expect(Object.isFrozen(s.paramValues["params.yaml"])).toBe(true);
    expect(Object.isFrozen(s.paramValues["params.yaml"]!["t"])).toBe(true);
  });

  test("stage loc is the stage's key", () => {
    const p = load({ "pipeline.yaml": "stages:\n  prep:\n    cmd: x\n" });
    expect(p.stages[0]!.loc).toEqual({ file: "pipeline.yaml", line: 2, col: 3, endCol: 7 });
  });

  test("stages keep file order", () => {
    const p = load({ "pipeline.yaml": "stages:\n  z:\n    cmd: x\n  a:\n    cmd: y\n  m:\n    cmd: z\n" });
    expect(p.stages.map((s) => s.name)).toEqual(["z", "a", "m"]);
  });
});

describe("collects every problem", () => {
  test("one load reports problems from several stages and files, sorted by position", () => {
    const d = fail({
      "pipeline.yaml": [
        "stages:",
        "  a:",
        "    cmd: python a.py ${nope}",
        "    outz: [x]",
        "    deps: [../outside]",
        "  b:",
        "    params: [missing.key]",
        "    frozen: yes please",
        "  a/b:",
        "    cmd: x",
        "  c:",
        "    cmd: y",
        "    params: [{other.yaml: [k]}]",
        "",
      ].join("\n"),
      "params.yaml": "lr: 1\n",
    });
    expect(brief(d)).toEqual([
      "interpolation-error@3:22",
      "unknown-key@4:5",
      "dep-outside-project@5:12",
      "missing-cmd@6:3",
      "unknown-param-key@7:14",
      "bad-type@8:13",
      "invalid-stage-name@9:3",
      "missing-params-file@13:15",
    ]);
  });
});
