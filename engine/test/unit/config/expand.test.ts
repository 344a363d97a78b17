// foreach + do and matrix expansion: naming like DVC, locals, and expansion errors.
import { describe, expect, test } from "vitest";
import { brief, fail, load } from "./mem-fs.js";

const names = (yaml: string, files: Record<string, string> = {}) => load({ "pipeline.yaml": yaml, ...files }).stages.map((s) => s.name);

describe("foreach", () => {
  test("list of scalars: name@value, ${item}", () => {
    const p = load({ "pipeline.yaml": "stages:\n  train:\n    foreach: [small, 2, 0.5]\n    do:\n      cmd: train ${item}\n" });
    expect(p.stages.map((s) => [s.name, s.cmd[0]])).toEqual([
      ["train@small", "train small"],
      ["train@2", "train 2"],
      ["train@0.5", "train 0.5"],
    ]);
  });

  test("mapping: name@key, ${key} and ${item.x}", () => {
    const y = "stages:\n  t:\n    foreach:\n      us: {lr: 1}\n      eu: {lr: 2}\n    do:\n      cmd: run ${key} ${item.lr}\n      outs: ['out/${key}.bin']\n";
    const p = load({ "pipeline.yaml": y });
    expect(p.stages.map((s) => [s.name, s.cmd[0], s.outs[0]!.path])).toEqual([
      ["t@us", "run us 1", "out/us.bin"],
      ["t@eu", "run eu 2", "out/eu.bin"],
    ]);
  });

  test("list of mappings is named by index", () => {
    const y = "stages:\n  t:\n    foreach:\n      - {m: a}\n      - {m: b}\n    do:\n      cmd: run ${item.m}\n";
    expect(load({ "pipeline.yaml": y }).stages.map((s) => [s.name, s.cmd[0]])).toEqual([
      ["t@0", "run a"],
      ["t@1", "run b"],
    ]);
  });

  test("a list mixing scalars and mappings is named by index too (DVC)", () => {
    expect(names("stages:\n  t:\n    foreach: [a, {b: 1}]\n    do:\n      cmd: x\n")).toEqual(["t@0", "t@1"]);
  });

  test("foreach over an interpolated list from vars or params.yaml", () => {
    expect(names("vars:\n  - models: [a, b]\nstages:\n  t:\n    foreach: ${models}\n    do:\n      cmd: x ${item}\n")).toEqual(["t@a", "t@b"]);
    expect(names("stages:\n  t:\n    foreach: ${sizes}\n    do:\n      cmd: x\n", { "params.yaml": "sizes: {s: 1, l: 2}\n" })).toEqual(["t@s", "t@l"]);
  });

  test("expanded stages share the stage key's loc and keep their own path locs", () => {
    const p = load({ "pipeline.yaml": "stages:\n  t:\n    foreach: [a, b]\n    do:\n      cmd: x\n      deps: ['${item}']\n" });
    expect(p.stages.map((s) => s.loc.line)).toEqual([2, 2]);
    expect(p.stages.map((s) => s.deps[0]!.loc.line)).toEqual([6, 6]);
  });

  test("locals shadow vars", () => {
    const p = load({ "pipeline.yaml": "vars:\n  - item: global\nstages:\n  t:\n    foreach: [local]\n    do:\n      cmd: ${item}\n" });
    expect(p.stages[0]!.cmd).toEqual(["local"]);
  });

  test("a mistake in the do body is reported once, not per item", () => {
    const d = fail({ "pipeline.yaml": "stages:\n  t:\n    foreach: [a, b, c]\n    do:\n      cmd: x\n      outz: [o]\n" });
    expect(brief(d)).toEqual(["unknown-key@6:7"]);
    expect(d[0]!.message).toContain("stage 't'");
  });

  test("value-dependent errors name the value", () => {
    const d = fail({ "pipeline.yaml": "stages:\n  t:\n    foreach: [lr, bad]\n    do:\n      cmd: x\n      params: ['${item}']\n", "params.yaml": "lr: 1\n" });
    expect(brief(d)).toEqual(["unknown-param-key@6:16"]);
    expect(d[0]!.message).toContain("'bad'");
  });

  test("invalid foreach shapes", () => {
    expect(brief(fail({ "pipeline.yaml": "stages:\n  t:\n    foreach: [a]\n" }))).toEqual(["invalid-foreach@3:5"]);
    expect(brief(fail({ "pipeline.yaml": "stages:\n  t:\n    do: {cmd: x}\n" }))).toEqual(["invalid-foreach@3:5"]);
    expect(brief(fail({ "pipeline.yaml": "stages:\n  t:\n    foreach: [a]\n    cmd: x\n    do: {cmd: x}\n" }))).toEqual(["invalid-foreach@4:5"]);
    expect(brief(fail({ "pipeline.yaml": "stages:\n  t:\n    foreach: 3\n    do: {cmd: x}\n" }))).toEqual(["bad-type@3:14"]);
    expect(brief(fail({ "pipeline.yaml": "stages:\n  t:\n    foreach: [a]\n    do: [x]\n" }))).toEqual(["bad-type@4:9"]);
  });

  test("an undefined foreach source is one interpolation error", () => {
    expect(brief(fail({ "pipeline.yaml": "stages:\n  t:\n    foreach: ${nope}\n    do: {cmd: x}\n" }))).toEqual(["interpolation-error@3:14"]);
  });

  test("duplicate names after expansion", () => {
    const d = fail({ "pipeline.yaml": "stages:\n  t:\n    foreach: [1, '1']\n    do: {cmd: x}\n" });
    expect(brief(d)).toEqual(["duplicate-stage@2:3"]);
    expect(d[0]!.message).toContain("'t@1'");
  });
});

describe("matrix", () => {
  test("cartesian product named by values joined with '-', locals under item", () => {
    const y =
      "stages:\n  t:\n    matrix:\n      model: [cnn, mlp]\n      lr: [0.1, 1]\n    cmd: train ${item.model} ${item.lr}\n    outs: ['m/${item.model}-${item.lr}']\n";
    const p = load({ "pipeline.yaml": y });
    expect(p.stages.map((s) => [s.name, s.cmd[0], s.outs[0]!.path])).toEqual([
      ["t@cnn-0.1", "train cnn 0.1", "m/cnn-0.1"],
      ["t@cnn-1", "train cnn 1", "m/cnn-1"],
      ["t@mlp-0.1", "train mlp 0.1", "m/mlp-0.1"],
      ["t@mlp-1", "train mlp 1", "m/mlp-1"],
    ]);
  });

  test("composite values are named <key><index>", () => {
    const y = "stages:\n  t:\n    matrix:\n      cfg: [{a: 1}, {a: 2}]\n      n: [x]\n    cmd: run ${item.cfg.a}\n";
    expect(load({ "pipeline.yaml": y }).stages.map((s) => [s.name, s.cmd[0]])).toEqual([
      ["t@cfg0-x", "run 1"],
      ["t@cfg1-x", "run 2"],
    ]);
  });

  test("axes may come from vars", () => {
    expect(names("vars:\n  - ms: [a, b]\nstages:\n  t:\n    matrix:\n      m: ${ms}\n    cmd: x\n")).toEqual(["t@a", "t@b"]);
  });

  test("bad matrix", () => {
    expect(brief(fail({ "pipeline.yaml": "stages:\n  t:\n    matrix: [a]\n    cmd: x\n" }))).toEqual(["bad-type@3:13"]);
    expect(brief(fail({ "pipeline.yaml": "stages:\n  t:\n    matrix: {a: 1}\n    cmd: x\n" }))).toEqual(["bad-type@3:17"]);
  });

  test("expansion is capped", () => {
    const axis = `[${Array.from({ length: 101 }, (_, i) => i).join(", ")}]`;
    expect(brief(fail({ "pipeline.yaml": `stages:\n  t:\n    matrix: {a: ${axis}, b: ${axis}}\n    cmd: x\n` }))).toEqual(["invalid-foreach@3:13"]);
  });
});

describe("YAML features", () => {
  test("merge keys: explicit keys win over merged ones", () => {
    const y = "stages:\n  a:\n    <<: {cmd: base, frozen: true}\n    cmd: run a\n";
    expect(load({ "pipeline.yaml": y }).stages[0]).toMatchObject({ cmd: ["run a"], frozen: true });
  });

  test("anchors and aliases", () => {
    const q = load({ "pipeline.yaml": "stages:\n  b:\n    cmd: &c run b\n    deps: &d [b.txt]\n  a:\n    cmd: *c\n    deps: *d\n" });
    expect(q.stages[1]!.cmd).toEqual(["run b"]);
    expect(q.stages[1]!.deps.map((d) => d.path)).toEqual(["b.txt"]);
  });
});
