// Generated stage names spelt as DVC's MatrixDefinition / ForeachDefinition spell them: axes in
// order (last fastest), `-` between fragments, `<key><index>` for lists and mappings, and each
// scalar as Python's `str` writes it (`None`, `1.0`, `1e-05`).
import { describe, expect, test } from "vitest";
import { nameFragment, pythonFloat } from "../../../src/config/dvc-names.js";
import { load } from "./mem-fs.js";

const stages = (files: Record<string, string>): [string, string][] => load(files).stages.map((s) => [s.name, s.cmd.join(" && ")]);

describe("matrix names", () => {
  // DVC's tests/func/parsing/test_matrix.py, through params.yaml and written inline.
  const params = "os: [win, linux]\npyv: [3.7, 3.8]\ndict: [{arg1: 1}, {arg2: 2}]\nlist: [[out1, out11], [out2, out22]]\n";
  const cmd = "echo ${item.os} ${item.pyv} ${item.dict} -- ${item.list.0} ${item.list.1}";
  const expected: [string, string][] = [];
  for (const os of ["win", "linux"])
    for (const pyv of ["3.7", "3.8"])
      for (const [d, arg] of [
        ["dict0", "--arg1 1"],
        ["dict1", "--arg2 2"],
      ])
        for (const [l, outs] of [
          ["list0", "out1 out11"],
          ["list1", "out2 out22"],
        ])
          expected.push([`build@${os}-${pyv}-${d}-${l}`, `echo ${os} ${pyv} ${arg} -- ${outs}`]);

  test("DVC's matrix example, axes from params.yaml", () => {
    const y = `stages:\n  build:\n    matrix:\n      os: \${os}\n      pyv: \${pyv}\n      dict: \${dict}\n      list: \${list}\n    cmd: ${cmd}\n`;
    expect(stages({ "params.yaml": params, "pipeline.yaml": y })).toEqual(expected);
  });

  test("DVC's matrix example, axes inline; ${key} is the name's suffix", () => {
    const y = `stages:\n  build:\n    matrix:\n${params
      .trim()
      .split("\n")
      .map((l) => `      ${l}`)
      .join("\n")}\n    cmd: ${cmd}\n`;
    expect(stages({ "pipeline.yaml": y })).toEqual(expected);
    const k = load({ "pipeline.yaml": y.replace(cmd, "echo ${key}") }).stages;
    expect(k.map((s) => `build@${s.cmd[0]!.slice(5)}`)).toEqual(expected.map((e) => e[0]));
  });

  test("scalars as Python prints them: None, true/false, floats keep their decimal point", () => {
    const y = "stages:\n  t:\n    matrix:\n      v: [null, true, false, 1.0, 2, 1.5, 1e-5, 0.0001, 'a']\n    cmd: echo ${key}\n";
    expect(stages({ "pipeline.yaml": y })).toEqual([
      ["t@None", "echo None"],
      ["t@true", "echo true"],
      ["t@false", "echo false"],
      ["t@1.0", "echo 1.0"],
      ["t@2", "echo 2"],
      ["t@1.5", "echo 1.5"],
      ["t@1e-05", "echo 1e-05"],
      ["t@0.0001", "echo 0.0001"],
      ["t@a", "echo a"],
    ]);
  });

  test("a number and the same string make one name twice: a duplicate-stage error, not a silent overwrite", () => {
    const y = "stages:\n  t:\n    matrix:\n      v: [1.0, '1.0']\n    cmd: echo\n";
    expect(() => load({ "pipeline.yaml": y })).toThrow(/duplicate-stage stage 't@1.0'/);
  });
});

describe("foreach names use the same spelling", () => {
  test("None and floats", () => {
    const y = "stages:\n  t:\n    foreach: [null, 1.0, 0.5]\n    do:\n      cmd: echo ${item}\n";
    expect(stages({ "pipeline.yaml": y }).map((s) => s[0])).toEqual(["t@None", "t@1.0", "t@0.5"]);
  });
});

describe("Python's float and str", () => {
  test("repr of floats", () => {
    const cases: [number, string][] = [
      [1, "1.0"],
      [0.1, "0.1"],
      [-2.5, "-2.5"],
      [0.0001, "0.0001"],
      [0.00001, "1e-05"],
      [1.5e-7, "1.5e-07"],
      [123456.0, "123456.0"],
      [1e15, "1000000000000000.0"],
      [1e16, "1e+16"],
      [1.5e16, "1.5e+16"],
      [0, "0.0"],
      [Infinity, "inf"],
      [NaN, "nan"],
    ];
    for (const [x, s] of cases) expect(pythonFloat(x)).toBe(s);
  });

  test("name fragments", () => {
    expect([nameFragment(null), nameFragment(true), nameFragment(3), nameFragment(3, true), nameFragment(0.25), nameFragment("x y")]).toEqual([
      "None",
      "true",
      "3",
      "3.0",
      "0.25",
      "x y",
    ]);
  });
});
