// Mappings interpolated in `cmd` become `--key value` arguments (DVC's `to_str` with its default
// `parsing` settings); anywhere else a list or mapping in a string stays an interpolation-error.
import { describe, expect, test } from "vitest";
import { mappingToArgs, shellQuote } from "../../../src/config/cmd-args.js";
import { brief, fail, load } from "./mem-fs.js";

const withArgs = (args: string, body: string): string => `vars:\n  - args: ${args}\nstages:\n  s:\n${body}`;
const cmdOf = (args: string, cmd: string): readonly string[] => load({ "pipeline.yaml": withArgs(args, `    cmd: ${cmd}\n`) }).stages[0]!.cmd;

describe("a mapping in cmd", () => {
  test("leaves as --key value, nested keys dotted, store_true booleans, nargs lists, quoted strings", () => {
    const args =
      "{lr: 0.1, epochs: 3, opt: {name: adam, beta: {b1: 0.9}}, fast: true, slow: false, layers: [64, 32], tags: [a b, c], name: 'my model', none: null}";
    expect(cmdOf(args, "python train.py ${args}")).toEqual([
      "python train.py --lr 0.1 --epochs 3 --opt.name adam --opt.beta.b1 0.9 --fast --layers 64 32 --tags 'a b' c --name 'my model' --none null",
    ]);
  });

  test("in every command of a cmd list, and next to other interpolations", () => {
    const y = "vars:\n  - a: {x: 1}\n    n: 2\nstages:\n  s:\n    cmd:\n      - prep ${a} --n ${n}\n      - train ${a.x}\n";
    expect(load({ "pipeline.yaml": y }).stages[0]!.cmd).toEqual(["prep --x 1 --n 2", "train 1"]);
  });

  test("from params.yaml and from foreach items", () => {
    const p = load({
      "params.yaml": "train: {lr: 0.01, epochs: 5}\n",
      "pipeline.yaml": "stages:\n  s:\n    cmd: run ${train}\n  t:\n    foreach: [{m: cnn}, {m: mlp, deep: true}]\n    do:\n      cmd: fit ${item}\n",
    });
    expect(p.stages.map((s) => s.cmd[0])).toEqual(["run --lr 0.01 --epochs 5", "fit --m cnn", "fit --m mlp --deep"]);
  });

  test("empty mappings and lists vanish, as with DVC's flatten", () => {
    expect(cmdOf("{a: {}, b: [], c: 1}", "x ${args} y")).toEqual(["x --c 1 y"]);
  });

  test("a cmd that is only ${mapping} is bad-type with a hint (DVC would hand the mapping to the shell)", () => {
    const d = fail({ "pipeline.yaml": withArgs("{a: 1}", "    cmd: ${args}\n") });
    expect(brief(d)).toEqual(["bad-type@5:10"]);
    expect(d[0]!.message).toContain("--key value arguments only inside a longer command");
  });

  test("a list nested in a list is an interpolation-error (DVC: nested iterable)", () => {
    const d = fail({ "pipeline.yaml": withArgs("{grid: [[1, 2]]}", "    cmd: run ${args}\n") });
    expect(brief(d)).toEqual(["interpolation-error@5:14"]);
    expect(d[0]!.message).toContain("nested list or mapping in 'grid'");
  });
});

describe("lists and mappings elsewhere stay interpolation errors", () => {
  test("a list in cmd (DVC turns only mappings into arguments)", () => {
    const d = fail({ "pipeline.yaml": withArgs("[1, 2]", "    cmd: run ${args}\n") });
    expect(brief(d)).toEqual(["interpolation-error@5:14"]);
    expect(d[0]!.message).toContain("is a list");
  });

  test("deps, outs, params, wdir, desc, env", () => {
    const cases: [string, string][] = [
      ["    deps: ['in/${args}']\n", "interpolation-error@6:16"],
      ["    outs: ['${args}.bin']\n", "interpolation-error@6:13"],
      ["    params: ['p.${args}']\n", "interpolation-error@6:17"],
      ["    wdir: 'w/${args}'\n", "interpolation-error@6:14"],
      ["    desc: 'about ${args}'\n", "interpolation-error@6:18"],
      ["    env: {A: 'v${args}'}\n", "interpolation-error@6:16"],
    ];
    for (const [line, at] of cases) {
      const d = fail({ "pipeline.yaml": withArgs("{a: 1}", `    cmd: x\n${line}`) }).filter((x) => x.code === "interpolation-error");
      expect(brief(d)).toEqual([at]);
      expect(d[0]!.message).toContain("only a 'cmd' turns a mapping into --key value arguments");
    }
  });
});

describe("mappingToArgs and shellQuote", () => {
  test("shell quoting as Python's shlex.quote", () => {
    expect(["", "plain-1.0/x@y%z+=:,", "a b", "it's", "$HOME", "*"].map(shellQuote)).toEqual([
      "''",
      "plain-1.0/x@y%z+=:,",
      "'a b'",
      `'it'"'"'s'`,
      "'$HOME'",
      "'*'",
    ]);
  });

  test("keys keep their order; list items are quoted like values", () => {
    expect(mappingToArgs({ z: 1, a: ["x y", 2, true] }, String)).toEqual({ ok: true, text: "--z 1 --a 'x y' 2 true" });
    expect(mappingToArgs({ a: [{ b: 1 }] }, String)).toMatchObject({ ok: false });
  });
});
