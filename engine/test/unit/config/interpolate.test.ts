// `${...}` interpolation: sources (vars, root params.yaml, locals), typing, escapes, errors.
import { describe, expect, test } from "vitest";
import { brief, fail, load } from "./mem-fs.js";

const cmdOf = (files: Record<string, string>): string => load(files).stages[0]!.cmd[0]!;
const pipe = (vars: string, cmd: string, more = ""): string => `${vars}stages:\n  s:\n    cmd: ${cmd}\n${more}`;

describe("interpolation sources", () => {
  test("inline vars", () => {
    expect(cmdOf({ "pipeline.yaml": pipe("vars:\n  - name: bert\n    cfg: {lr: 0.5}\n", "train ${name} ${cfg.lr}") })).toBe("train bert 0.5");
  });

  test("vars files: whole, and selected keys", () => {
    const files = {
      "pipeline.yaml": pipe("vars:\n  - conf.yaml\n  - other.json:a,b.c\n", "run ${x} ${a} ${b.c}"),
      "conf.yaml": "x: 1\n",
      "other.json": '{"a": "A", "b": {"c": "C", "d": "D"}}',
    };
    expect(cmdOf(files)).toBe("run 1 A C");
    const d = fail({ ...files, "pipeline.yaml": pipe("vars:\n  - other.json:a\n", "run ${b.c}") });
    expect(brief(d)).toEqual(["interpolation-error@5:14"]);
  });

  test("the root params.yaml is loaded by default", () => {
    expect(cmdOf({ "pipeline.yaml": pipe("", "train --lr ${train.lr}"), "params.yaml": "train: {lr: 0.001}\n" })).toBe("train --lr 0.001");
  });

  test("vars win over params.yaml", () => {
    expect(cmdOf({ "pipeline.yaml": pipe("vars:\n  - v: from-vars\n", "${v}"), "params.yaml": "v: from-params\n" })).toBe("from-vars");
  });

  test("in every string value: deps, outs, params keys, wdir, env, desc", () => {
    const s = load({
      "pipeline.yaml": pipe(
        "vars:\n  - d: data\n    m: train\n    w: work\n",
        "echo",
        "    wdir: ${w}\n    deps:\n      - ${d}/in.csv\n    outs:\n      - ${d}/out.csv\n    params:\n      - ${m}.lr\n    env: {MODE: '${m}'}\n    desc: stage for ${m}\n",
      ),
      "work/params.yaml": "train: {lr: 1}\n",
    }).stages[0]!;
    expect(s.wdir).toBe("work");
    expect(s.deps[0]!.path).toBe("work/data/in.csv");
    expect(s.outs[0]!.path).toBe("work/data/out.csv");
    expect(s.params[0]!.key).toBe("train.lr");
    expect(s.env).toEqual({ MODE: "train" });
    expect(s.desc).toBe("stage for train");
  });

  test("out mapping keys are interpolated", () => {
    const s = load({ "pipeline.yaml": pipe("vars:\n  - d: data\n", "x", "    outs:\n      - ${d}/m.pkl: {cache: false}\n") }).stages[0]!;
    expect(s.outs[0]).toMatchObject({ path: "data/m.pkl", cache: false });
  });
});

describe("values", () => {
  test("numbers and booleans print as in JS String()", () => {
    expect(cmdOf({ "pipeline.yaml": pipe("vars:\n  - a: 1.0\n    b: 0.00001\n    c: true\n    n: null\n", "${a} ${b} ${c} ${n}") })).toBe(
      "1 0.00001 true null",
    );
  });

  test("a whole-string ${x} keeps the value's type", () => {
    const s = load({ "pipeline.yaml": pipe("vars:\n  - flag: true\n    files: [a.txt, b.txt]\n", "x", "    frozen: ${flag}\n    deps: ${files}\n") })
      .stages[0]!;
    expect(s.frozen).toBe(true);
    expect(s.deps.map((d) => d.path)).toEqual(["a.txt", "b.txt"]);
  });

  test("whitespace inside the braces and list indexing", () => {
    expect(cmdOf({ "pipeline.yaml": pipe("vars:\n  - l: [a, b]\n", "'${ l[1] } ${l.0}'") })).toBe("b a");
  });

  test("$${ and \\${ escape a literal ${", () => {
    expect(cmdOf({ "pipeline.yaml": pipe("", "'echo $${HOME} \\${USER}'") })).toBe("echo ${HOME} ${USER}");
  });

  test("strings without ${ are untouched", () => {
    expect(cmdOf({ "pipeline.yaml": pipe("", "echo $HOME {a} $") })).toBe("echo $HOME {a} $");
  });
});

describe("errors", () => {
  test("undefined name, at the ${...} itself, with a suggestion", () => {
    const d = fail({ "pipeline.yaml": pipe("vars:\n  - model: x\n", "train ${modle} --x") });
    expect(brief(d)).toEqual(["interpolation-error@5:16"]);
    expect(d[0]!.location?.endCol).toBe(24);
    expect(d[0]!.message).toBe("undefined name 'modle' in '${modle}' (did you mean 'model'?)");
  });

  test("an undefined shell-style name hints at the $${ escape", () => {
    const d = fail({ "pipeline.yaml": pipe("", "echo ${HOME}") });
    expect(d[0]!.message).toBe("undefined name 'HOME' in '${HOME}' (for the shell variable write '$${HOME}')");
  });

  test("undefined nested key suggests a sibling", () => {
    const d = fail({ "pipeline.yaml": pipe("", "${train.lrr}"), "params.yaml": "train: {lr: 1}\n" });
    expect(d[0]!.message).toContain("did you mean 'train.lr'?");
  });

  test("every undefined name is reported", () => {
    expect(brief(fail({ "pipeline.yaml": pipe("", "${a} ${b}", "    deps: ['${c}']\n") }))).toEqual([
      "interpolation-error@3:10",
      "interpolation-error@3:15",
      "interpolation-error@4:13",
    ]);
  });

  test("a list or mapping cannot be embedded in a longer string", () => {
    const d = fail({ "pipeline.yaml": pipe("vars:\n  - l: [1, 2]\n", "run ${l}") });
    expect(brief(d)).toEqual(["interpolation-error@5:14"]);
    expect(d[0]!.message).toContain("is a list");
  });

  test("unterminated and malformed", () => {
    expect(brief(fail({ "pipeline.yaml": pipe("", "'run ${a'") }))).toEqual(["interpolation-error@3:15"]);
    expect(brief(fail({ "pipeline.yaml": pipe("", "run ${a b}") }))).toEqual(["interpolation-error@3:14"]);
  });

  test("bad vars entries and missing vars files", () => {
    expect(brief(fail({ "pipeline.yaml": pipe("vars:\n  - 3\n  - nope.yaml\n", "x") }))).toEqual(["bad-type@2:5", "missing-params-file@3:5"]);
    expect(brief(fail({ "pipeline.yaml": pipe("vars: {a: 1}\n", "x") }))).toEqual(["bad-type@1:7"]);
    expect(brief(fail({ "pipeline.yaml": pipe("vars: [p.yaml:zz]\n", "x"), "p.yaml": "a: 1\n" }))).toEqual(["unknown-param-key@1:8"]);
  });
});
