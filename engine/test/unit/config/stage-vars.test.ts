// Stage-level `vars` as DVC resolves them: inline and file entries relative to the stage's wdir,
// merged into a copy of the global context (no leaks, no redefinitions), per generated stage.
import { describe, expect, test } from "vitest";
import { brief, fail, load } from "./mem-fs.js";

const cmds = (files: Record<string, string>): Record<string, string[]> => Object.fromEntries(load(files).stages.map((s) => [s.name, [...s.cmd]]));

describe("stage vars: sources", () => {
  test("an inline mapping", () => {
    expect(cmds({ "pipeline.yaml": "stages:\n  s:\n    vars:\n      - model: bert\n        cfg: {lr: 0.5}\n    cmd: train ${model} ${cfg.lr}\n" })).toEqual({
      s: ["train bert 0.5"],
    });
  });

  test("files relative to the stage's wdir: whole, and selected keys", () => {
    const files = {
      "pipeline.yaml": "stages:\n  s:\n    wdir: sub\n    vars:\n      - conf.yaml\n      - other.json:a,b.c\n    cmd: run ${x} ${a} ${b.c}\n",
      "sub/conf.yaml": "x: 1\n",
      "sub/other.json": '{"a": "A", "b": {"c": "C", "d": "D"}}',
      "conf.yaml": "x: root-not-used\n",
    };
    const p = load(files);
    expect(p.stages[0]!.cmd).toEqual(["run 1 A C"]);
    // The files read are sources, so the parse memo notices when one changes.
    expect([...p.sources.keys()]).toEqual(expect.arrayContaining(["sub/conf.yaml", "sub/other.json"]));
    const d = fail({ ...files, "pipeline.yaml": "stages:\n  s:\n    wdir: sub\n    vars: [other.json:a]\n    cmd: run ${b.d}\n" });
    expect(brief(d)).toEqual(["interpolation-error@5:14"]);
  });

  test("a templated wdir is resolved first, and a mapping merges key by key with params.yaml (DVC test_with_templated_wdir)", () => {
    const files = {
      "params.yaml": "dict: {bar: bar, ws: data}\n",
      "data/params.yaml": "dict: {foo: foo}\n",
      "pipeline.yaml": "stages:\n  s:\n    wdir: ${dict.ws}\n    vars: [params.yaml]\n    cmd: echo ${dict.foo} ${dict.bar}\n",
    };
    const s = load(files).stages[0]!;
    expect(s.wdir).toBe("data");
    expect(s.cmd).toEqual(["echo foo bar"]);
  });

  test("stage vars and top-level vars together", () => {
    const y = "vars:\n  - name: global\nstages:\n  s:\n    vars: [{extra: local}]\n    cmd: echo ${name} ${extra}\n";
    expect(cmds({ "pipeline.yaml": y })).toEqual({ s: ["echo global local"] });
  });
});

describe("stage vars: scope", () => {
  test("they do not leak into other stages", () => {
    const d = fail({ "pipeline.yaml": "stages:\n  a:\n    vars: [{x: 1}]\n    cmd: echo ${x}\n  b:\n    cmd: echo ${x}\n" });
    expect(brief(d)).toEqual(["interpolation-error@6:15"]);
    expect(d[0]!.message).toContain("undefined name 'x'");
  });

  test("each stage may define the same name for itself", () => {
    const y = "stages:\n  a:\n    vars: [{x: 1}]\n    cmd: echo ${x}\n  b:\n    vars: [{x: 2}]\n    cmd: echo ${x}\n";
    expect(cmds({ "pipeline.yaml": y })).toEqual({ a: ["echo 1"], b: ["echo 2"] });
  });

  test("the whole params.yaml (already loaded) may be listed again, as in DVC", () => {
    const files = { "params.yaml": "lr: 1\n", "pipeline.yaml": "stages:\n  s:\n    vars: [params.yaml]\n    cmd: echo ${lr}\n" };
    expect(cmds(files)).toEqual({ s: ["echo 1"] });
    // From a wdir, `../params.yaml` is the same file.
    const sub = { ...files, "pipeline.yaml": "stages:\n  s:\n    wdir: sub\n    vars: [../params.yaml]\n    cmd: echo ${lr}\n" };
    expect(cmds(sub)).toEqual({ s: ["echo 1"] });
  });
});

describe("stage vars: redefinitions are errors (DVC's merge without overwrite)", () => {
  test("a name params.yaml defines", () => {
    const d = fail({ "params.yaml": "lr: 1\n", "pipeline.yaml": "stages:\n  s:\n    vars: [{lr: 2}]\n    cmd: echo ${lr}\n" });
    expect(brief(d)).toEqual(["redefined-var@3:12"]);
    expect(d[0]!.message).toBe("'vars' of stage 's' cannot redefine 'lr' from 's.vars[0]': it already exists in 'params.yaml'");
  });

  test("a nested key, while a new key under the same mapping is fine", () => {
    const params = "train: {lr: 1}\n";
    const d = fail({ "params.yaml": params, "pipeline.yaml": "stages:\n  s:\n    vars:\n      - train: {lr: 2}\n    cmd: x\n" });
    expect(brief(d)).toEqual(["redefined-var@4:9"]);
    expect(d[0]!.message).toContain("'train.lr'");
    const ok = { "params.yaml": params, "pipeline.yaml": "stages:\n  s:\n    vars:\n      - train: {epochs: 3}\n    cmd: x ${train.lr} ${train.epochs}\n" };
    expect(cmds(ok)).toEqual({ s: ["x 1 3"] });
  });

  test("a name a top-level vars entry or an earlier stage entry defines", () => {
    const top = fail({ "pipeline.yaml": "vars: [{a: 1}]\nstages:\n  s:\n    vars: [{a: 2}]\n    cmd: x\n" });
    expect(top[0]!.message).toContain("already exists in 'vars[0]'");
    const twice = fail({ "pipeline.yaml": "stages:\n  s:\n    vars:\n      - a: 1\n      - a: 2\n    cmd: x\n" });
    expect(brief(twice)).toEqual(["redefined-var@5:9"]);
    expect(twice[0]!.message).toContain("from 's.vars[1]': it already exists in 's.vars[0]'");
  });

  test("a file partially loaded where the whole is loaded, or the same key twice", () => {
    const files = { "params.yaml": "lr: 1\nn: 2\n", "p.yaml": "a: 1\nb: 2\n" };
    const partial = fail({ ...files, "pipeline.yaml": "stages:\n  s:\n    vars: ['params.yaml:lr']\n    cmd: x\n" });
    expect(brief(partial)).toEqual(["redefined-var@3:12"]);
    expect(partial[0]!.message).toContain("cannot partially load 'params.yaml:lr'");
    const again = fail({ ...files, "pipeline.yaml": "stages:\n  s:\n    vars: ['p.yaml:a', 'p.yaml:a,b']\n    cmd: x\n" });
    expect(again[0]!.message).toContain("'a' is loaded already");
    const disjoint = { ...files, "pipeline.yaml": "stages:\n  s:\n    vars: ['p.yaml:a', 'p.yaml:b']\n    cmd: x ${a} ${b}\n" };
    expect(cmds(disjoint)).toEqual({ s: ["x 1 2"] });
  });
});

describe("stage vars in foreach and matrix stages", () => {
  test("resolved per generated stage, relative to each one's wdir", () => {
    const files = {
      "pipeline.yaml":
        "stages:\n  t:\n    foreach: [a, b]\n    do:\n      wdir: ${item}\n      vars: [conf.yaml, {suffix: '!'}]\n      cmd: echo ${name}${suffix}\n",
      "a/conf.yaml": "name: A\n",
      "b/conf.yaml": "name: B\n",
    };
    expect(cmds(files)).toEqual({ "t@a": ["echo A!"], "t@b": ["echo B!"] });
  });

  test("matrix stages too", () => {
    const y = "stages:\n  t:\n    matrix:\n      m: [x, y]\n    vars: [{flag: --fast}]\n    cmd: run ${item.m} ${flag}\n";
    expect(cmds({ "pipeline.yaml": y })).toEqual({ "t@x": ["run x --fast"], "t@y": ["run y --fast"] });
  });

  test("item and key are reserved: stage vars may not set them (reported once)", () => {
    const d = fail({ "pipeline.yaml": "stages:\n  t:\n    foreach: {a: 1, b: 2}\n    do:\n      vars: [{key: 5}]\n      cmd: x\n" });
    expect(brief(d)).toEqual(["redefined-var@5:14"]);
    expect(d[0]!.message).toContain("may not set 'key'");
    const m = fail({ "pipeline.yaml": "stages:\n  t:\n    matrix: {m: [x]}\n    vars: [{item: 5}]\n    cmd: x\n" });
    expect(brief(m)).toEqual(["redefined-var@4:12"]);
  });
});

describe("stage vars: located diagnostics", () => {
  test("missing file, unknown key, file outside the project, bad entries", () => {
    const y = (vars: string): string => `stages:\n  s:\n    vars: ${vars}\n    cmd: x\n`;
    const files = { "p.yaml": "a: 1\n" };
    expect(brief(fail({ "pipeline.yaml": y("[nope.yaml]") }))).toEqual(["missing-params-file@3:12"]);
    expect(fail({ "pipeline.yaml": y("[nope.yaml]") })[0]!.message).toBe("vars file 'nope.yaml' of stage 's' does not exist");
    expect(brief(fail({ ...files, "pipeline.yaml": y("['p.yaml:zz']") }))).toEqual(["unknown-param-key@3:12"]);
    expect(brief(fail({ "pipeline.yaml": y("[../up.yaml]") }))).toEqual(["dep-outside-project@3:12"]);
    expect(brief(fail({ "pipeline.yaml": y("[3]") }))).toEqual(["bad-type@3:12"]);
    expect(brief(fail({ "pipeline.yaml": y("{a: 1}") }))).toEqual(["bad-type@3:11"]);
  });

  test("vars are read as written: interpolation in them is an error (DVC)", () => {
    const d = fail({ "pipeline.yaml": "vars: [{f: p.yaml}]\nstages:\n  s:\n    vars: ['${f}', {b: 'x${f}'}]\n    cmd: x\n" });
    expect(brief(d)).toEqual(["interpolation-error@4:12"]);
    expect(d[0]!.message).toContain("cannot be interpolated");
  });

  test("wdir is resolved before the stage's vars, so it cannot use them (DVC)", () => {
    const d = fail({ "pipeline.yaml": "stages:\n  s:\n    wdir: ${w}\n    vars: [{w: sub}]\n    cmd: x\n" });
    expect(brief(d)).toEqual(["interpolation-error@3:11"]);
  });

  test("a stage whose vars fail reports only that, not every name its body then misses", () => {
    const d = fail({ "pipeline.yaml": "stages:\n  s:\n    vars: [nope.yaml]\n    cmd: echo ${a} ${b}\n    deps: ['${c}']\n" });
    expect(brief(d)).toEqual(["missing-params-file@3:12"]);
  });
});
