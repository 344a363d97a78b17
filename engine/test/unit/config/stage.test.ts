// Stage validation: keys, types, cmd, wdir, deps (globs), outs/metrics/plots options, env.
import { describe, expect, test } from "vitest";
import { brief, fail, load } from "./mem-fs.js";

/** A pipeline with one stage `s` whose body lines are given (indented under it). */
const one = (...body: string[]): string => `stages:\n  s:\n${body.map((l) => `    ${l}`).join("\n")}\n`;
const stage = (...body: string[]) => load({ "pipeline.yaml": one(...body) }).stages[0]!;
const errors = (...body: string[]) => brief(fail({ "pipeline.yaml": one(...body) }));

describe("keys", () => {
  test("unknown key with did-you-mean, at the key", () => {
    const d = fail({ "pipeline.yaml": one("cmd: x", "outz: [a]") });
    expect(brief(d)).toEqual(["unknown-key@4:5"]);
    expect(d[0]!.message).toBe("unknown key 'outz' in stage 's' (did you mean 'outs'?)");
  });

  test("unknown key without a close match has no suggestion", () => {
    const d = fail({ "pipeline.yaml": one("cmd: x", "banana: 1") });
    expect(d[0]!.message).toBe("unknown key 'banana' in stage 's'");
  });

  test("stage-level vars are a stage key (DVC; see stage-vars.test.ts), so a misspelling suggests it", () => {
    expect(stage("cmd: x ${a}", "vars: [{a: 1}]").cmd).toEqual(["x 1"]);
    const d = fail({ "pipeline.yaml": one("cmd: x", "vasr: [{a: 1}]") });
    expect(brief(d)).toEqual(["unknown-key@4:5"]);
    expect(d[0]!.message).toContain("did you mean 'vars'?");
  });

  test("meta is accepted and ignored, even with odd content", () => {
    expect(stage("cmd: x", "meta: {owner: me, note: '${not_interpolated}'}").cmd).toEqual(["x"]);
  });

  test("defaults", () => {
    const s = stage("cmd: x");
    expect(s).toMatchObject({ name: "s", wdir: "", deps: [], params: [], outs: [], frozen: false, alwaysChanged: false, env: {}, paramValues: {} });
    expect("desc" in s).toBe(false);
  });

  test("frozen, always_changed and desc", () => {
    const s = stage("cmd: x", "frozen: true", "always_changed: true", "desc: Trains it");
    expect([s.frozen, s.alwaysChanged, s.desc]).toEqual([true, true, "Trains it"]);
  });

  test("wrong types are bad-type naming the expected type", () => {
    const d = fail({ "pipeline.yaml": one("cmd: x", "frozen: 1", "always_changed: 'no'", "desc: [a]", "deps: a.txt", "outs: {a: b}") });
    expect(brief(d)).toEqual(["bad-type@4:13", "bad-type@5:21", "bad-type@6:11", "bad-type@7:11", "bad-type@8:11"]);
    expect(d[0]!.message).toBe("'frozen' in stage 's' must be true or false, got the number 1");
    expect(d[3]!.message).toContain("must be a list");
  });

  test("a stage must be a mapping", () => {
    expect(brief(fail({ "pipeline.yaml": "stages:\n  s: echo hi\n" }))).toEqual(["bad-type@2:6"]);
  });

  test("invalid stage names", () => {
    expect(brief(fail({ "pipeline.yaml": "stages:\n  a@b:\n    cmd: x\n  'c:d':\n    cmd: y\n" }))).toEqual([
      "invalid-stage-name@2:3",
      "invalid-stage-name@4:3",
    ]);
  });

  test("duplicate stage names", () => {
    const d = fail({ "pipeline.yaml": "stages:\n  a:\n    cmd: x\n  a:\n    cmd: y\n" });
    expect(brief(d)).toEqual(["duplicate-stage@4:3"]);
    expect(d[0]!.related?.[0]!.location).toMatchObject({ line: 2, col: 3 });
  });

  test("duplicate keys inside a stage", () => {
    expect(errors("cmd: x", "deps: [a]", "deps: [b]")).toEqual(["duplicate-key@5:5"]);
  });
});

describe("cmd", () => {
  test("string or list of strings", () => {
    expect(stage("cmd: python train.py").cmd).toEqual(["python train.py"]);
    expect(stage("cmd:", "  - echo 1", "  - echo 2").cmd).toEqual(["echo 1", "echo 2"]);
    expect(stage("cmd: >-", "  python x.py", "  --flag").cmd).toEqual(["python x.py --flag"]);
  });

  test("missing, null, empty string or empty list is missing-cmd", () => {
    expect(errors("deps: [a]")).toEqual(["missing-cmd@2:3"]);
    expect(errors("cmd:")).toEqual(["missing-cmd@3:9"]);
    expect(errors("cmd: ''")).toEqual(["missing-cmd@3:10"]);
    expect(errors("cmd: []")).toEqual(["missing-cmd@3:10"]);
  });

  test("non-string cmd is bad-type", () => {
    expect(errors("cmd: 42")).toEqual(["bad-type@3:10"]);
    expect(errors("cmd: [echo, {a: 1}]")).toEqual(["bad-type@3:17"]);
  });
});

describe("paths", () => {
  test("deps and outs are normalized root-relative POSIX paths", () => {
    const s = stage("cmd: x", "deps: [./data//raw/, src/../lib/a.ts]", "outs: [out/]");
    expect(s.deps.map((d) => d.path)).toEqual(["data/raw", "lib/a.ts"]);
    expect(s.outs.map((o) => o.path)).toEqual(["out"]);
  });

  test("paths are relative to wdir, and wdir to the pipeline file", () => {
    const files = {
      "pipeline.yaml": one("cmd: x", "wdir: sub/dir", "deps: [in.csv, ../shared.py]", "outs: [out.csv]", "params: [lr]"),
      "sub/dir/params.yaml": "lr: 1\n",
    };
    const s = load(files).stages[0]!;
    expect(s.wdir).toBe("sub/dir");
    expect(s.deps.map((d) => d.path)).toEqual(["sub/dir/in.csv", "sub/shared.py"]);
    expect(s.outs[0]!.path).toBe("sub/dir/out.csv");
    expect(s.params[0]!.file).toBe("sub/dir/params.yaml");
  });

  test("wdir '.' and './' are the root", () => {
    expect(stage("cmd: x", "wdir: .").wdir).toBe("");
    expect(stage("cmd: x", "wdir: ./", "deps: [a]").deps[0]!.path).toBe("a");
  });

  test("wdir outside the project", () => {
    expect(errors("cmd: x", "wdir: ../..")).toEqual(["wdir-outside-project@4:11"]);
  });

  test("dep and out outside the project", () => {
    expect(errors("cmd: x", "deps: [../a, /etc/passwd]", "outs: [../../b]", "metrics: [../m.json]", "plots: [../p.csv]")).toEqual([
      "dep-outside-project@4:12",
      "dep-outside-project@4:18",
      "out-outside-project@5:12",
      "out-outside-project@6:15",
      "out-outside-project@7:13",
    ]);
  });

  test("wdir lets a path climb back into the project", () => {
    expect(stage("cmd: x", "wdir: a/b", "outs: [../../c]").outs[0]!.path).toBe("c");
    expect(errors("cmd: x", "wdir: a", "outs: [../../c]")).toEqual(["out-outside-project@5:12"]);
  });

  test("absolute paths inside the root are accepted", () => {
    expect(stage("cmd: x", "deps: [/proj/data/a.csv]").deps[0]!.path).toBe("data/a.csv");
  });

  test("URLs are external deps, not supported", () => {
    const d = fail({ "pipeline.yaml": one("cmd: x", "deps: ['s3://bucket/a']") });
    expect(brief(d)).toEqual(["dep-outside-project@4:12"]);
    expect(d[0]!.message).toContain("external");
  });

  test("empty path and the root itself are invalid-path", () => {
    expect(errors("cmd: x", "deps: ['']", "outs: [.]")).toEqual(["invalid-path@4:12", "invalid-path@5:12"]);
  });

  test("glob characters make a dep a glob; the pattern stays root-relative", () => {
    const s = stage("cmd: x", "wdir: w", "deps: ['src/*.ts', 'a?.txt', 'd/[ab].csv', 'x/{a,b}', plain.txt]");
    expect(s.deps.map((d) => [d.path, d.glob])).toEqual([
      ["w/src/*.ts", true],
      ["w/a?.txt", true],
      ["w/d/[ab].csv", true],
      ["w/x/{a,b}", true],
      ["w/plain.txt", false],
    ]);
  });

  test("outputs may not be globs", () => {
    expect(errors("cmd: x", "outs: ['out/*.bin']")).toEqual(["invalid-path@4:12"]);
  });

  test("each dep, out and param has its own loc", () => {
    const files = { "pipeline.yaml": one("cmd: x", "deps:", "  - a", "  - b", "outs:", "  - o", "params:", "  - lr"), "params.yaml": "lr: 1\n" };
    const s = load(files).stages[0]!;
    expect(s.deps.map((d) => d.loc.line)).toEqual([5, 6]);
    expect(s.params[0]!.loc).toMatchObject({ line: 10, col: 9 });
    expect(s.outs[0]!.loc).toEqual({ file: "pipeline.yaml", line: 8, col: 9, endCol: 10 });
  });
});

describe("outs, metrics, plots", () => {
  test("kinds in declaration order, defaults cache true persist false", () => {
    const s = stage("cmd: x", "plots: [p.csv]", "outs: [o.bin]", "metrics: [m.json]");
    expect(s.outs.map((o) => [o.path, o.kind, o.cache, o.persist])).toEqual([
      ["p.csv", "plot", true, false],
      ["o.bin", "out", true, false],
      ["m.json", "metric", true, false],
    ]);
  });

  test("one-key mapping with options", () => {
    const s = stage(
      "cmd: x",
      "outs:",
      "  - model.pkl:",
      "      cache: false",
      "      persist: true",
      "      desc: the model",
      "  - plain:",
      "metrics:",
      "  - m.json: {cache: false}",
    );
    expect(s.outs.map((o) => [o.path, o.cache, o.persist])).toEqual([
      ["model.pkl", false, true],
      ["plain", true, false],
      ["m.json", false, false],
    ]);
    expect(s.outs[0]!.loc).toMatchObject({ line: 5, col: 9 });
  });

  test("plot options are kept", () => {
    const s = stage("cmd: x", "plots:", "  - loss.csv: {x: step, y: [loss, val_loss], template: linear, title: Loss, x_label: s, y_label: l, header: true}");
    expect(s.outs[0]!.plot).toEqual({ x: "step", y: ["loss", "val_loss"], template: "linear", title: "Loss", x_label: "s", y_label: "l" });
    expect(stage("cmd: x", "plots:", "  - a.csv: {y: acc}").outs[0]!.plot).toEqual({ y: "acc" });
    expect(stage("cmd: x", "plots: [a.csv]").outs[0]!.plot).toBeUndefined();
  });

  test("plot options are not out options", () => {
    const d = fail({ "pipeline.yaml": one("cmd: x", "outs:", "  - a: {x: step}") });
    expect(brief(d)).toEqual(["unknown-key@5:13"]);
  });

  test("unknown and mistyped options", () => {
    const d = fail({ "pipeline.yaml": one("cmd: x", "outs:", "  - a: {cahce: false}", "  - b: {cache: 'no'}", "plots:", "  - p: {x: [1]}") });
    expect(brief(d)).toEqual(["unknown-key@5:13", "bad-type@6:20", "bad-type@8:16"]);
    expect(d[0]!.message).toContain("did you mean 'cache'?");
  });

  test("a mapping entry must have exactly one path", () => {
    expect(errors("cmd: x", "outs:", "  - {a: {}, b: {}}")).toEqual(["bad-type@5:9"]);
    expect(errors("cmd: x", "outs:", "  - a: [cache]")).toEqual(["bad-type@5:12"]);
  });

  test("non-string entries", () => {
    expect(errors("cmd: x", "deps: [1, [a]]")).toEqual(["bad-type@4:12", "bad-type@4:15"]);
  });
});

describe("env", () => {
  test("mapping of names to strings; scalars are stringified", () => {
    expect(stage("cmd: x", "env: {SEED: 42, MODE: fast, ON: true}").env).toEqual({ SEED: "42", MODE: "fast", ON: "true" });
  });

  test("bad env", () => {
    expect(errors("cmd: x", "env: [A]")).toEqual(["bad-type@4:10"]);
    expect(errors("cmd: x", "env: {A: [1], 'B-C': x}")).toEqual(["bad-type@4:14", "bad-type@4:19"]);
  });
});
