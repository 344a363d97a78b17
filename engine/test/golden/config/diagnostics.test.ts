// Golden: how config diagnostics print (formatDiagnostics over loadPipeline's errors).
import { describe, expect, test } from "vitest";
import { loadPipeline } from "../../../src/config/index.js";
import { formatDiagnostic, formatDiagnostics } from "../../../src/diagnostics/index.js";
import { memFs, ROOT } from "../../unit/config/mem-fs.js";

/** Loads (expecting failure) and prints every diagnostic with its source snippet. */
function printed(files: Record<string, string>): string {
  const r = loadPipeline(ROOT, { fs: memFs(files) });
  if (r.ok) throw new Error("expected diagnostics");
  return `\n${formatDiagnostics(r.error, new Map(Object.entries(files)))}\n`;
}

describe("printed config diagnostics", () => {
  test("typo'd key, bad type, undefined name, unknown param", () => {
    expect(
      printed({
        "pipeline.yaml": [
          "stages:",
          "  train:",
          "    cmd: python train.py --lr ${train.lr} --model ${modle}",
          "    outz:",
          "      - model.pkl",
          "    frozen: sometimes",
          "    params:",
          "      - train.lrr",
          "",
        ].join("\n"),
        "params.yaml": "train:\n  lr: 0.1\nmodel: cnn\n",
      }),
    ).toMatchInlineSnapshot(`
      "
      pipeline.yaml:3:51 error interpolation-error: undefined name 'modle' in '\${modle}' (did you mean 'model'?)
        3 |     cmd: python train.py --lr \${train.lr} --model \${modle}
          |                                                   ~~~~~~~~
      pipeline.yaml:4:5 error unknown-key: unknown key 'outz' in stage 'train' (did you mean 'outs'?)
        4 |     outz:
          |     ~~~~
      pipeline.yaml:6:13 error bad-type: 'frozen' in stage 'train' must be true or false, got the string 'sometimes'
        6 |     frozen: sometimes
          |             ~~~~~~~~~
      pipeline.yaml:8:9 error unknown-param-key: param 'train.lrr' of stage 'train' is not in 'params.yaml' (did you mean 'train.lr'?)
        8 |       - train.lrr
          |         ~~~~~~~~~
      4 errors
      "
    `);
  });

  test("duplicate stage with its related location, paths outside the project", () => {
    expect(
      printed({
        "pipeline.yaml": [
          "stages:",
          "  prep:",
          "    cmd: echo one",
          "    deps: [../secret.txt]",
          "  prep:",
          "    cmd: echo two",
          "    outs:",
          "      - ../../out.bin:",
          "          cache: false",
          "",
        ].join("\n"),
      }),
    ).toMatchInlineSnapshot(`
      "
      pipeline.yaml:4:12 error dep-outside-project: dep '../secret.txt' of stage 'prep': it resolves outside the project
        4 |     deps: [../secret.txt]
          |            ~~~~~~~~~~~~~
      pipeline.yaml:5:3 error duplicate-stage: stage 'prep' is defined more than once
        5 |   prep:
          |   ~~~~
        pipeline.yaml:2:3 info: 'prep' first defined here
          2 |   prep:
            |   ~~~~
      pipeline.yaml:8:9 error out-outside-project: out '../../out.bin' of stage 'prep': it resolves outside the project
        8 |       - ../../out.bin:
          |         ~~~~~~~~~~~~~
      3 errors
      "
    `);
  });

  test("foreach problems and a missing params file", () => {
    expect(
      printed({
        "pipeline.yaml": [
          "stages:",
          "  train:",
          "    foreach: ${models}",
          "    do:",
          "      cmd: train ${item}",
          "  eval:",
          "    foreach: [a, b]",
          "    cmd: eval",
          "  report:",
          "    cmd: report",
          "    params:",
          "      - report.yaml:",
          "",
        ].join("\n"),
      }),
    ).toMatchInlineSnapshot(`
      "
      pipeline.yaml:3:14 error interpolation-error: undefined name 'models' in '\${models}'
        3 |     foreach: \${models}
          |              ~~~~~~~~~
      pipeline.yaml:7:5 error invalid-foreach: stage 'eval' has 'foreach' but no 'do'
        7 |     foreach: [a, b]
          |     ~~~~~~~
      pipeline.yaml:12:9 error missing-params-file: params file 'report.yaml' of stage 'report' does not exist
        12 |       - report.yaml:
           |         ~~~~~~~~~~~
      3 errors
      "
    `);
  });

  test("YAML syntax error", () => {
    expect(printed({ "pipeline.yaml": "stages:\n  a:\n    cmd: [echo\n    deps: x\n" })).toMatchInlineSnapshot(`
      "
      pipeline.yaml:4:5 error yaml-syntax: Flow sequence in block collection must be sufficiently indented and end with a ]
        4 |     deps: x
          |     ~
      1 error
      "
    `);
  });

  test("error in a params file is shown from that file", () => {
    expect(printed({ "pipeline.yaml": "stages:\n  a:\n    cmd: x\n    params: [{p.json: }]\n", "p.json": '{\n  "lr": 0.1,\n}\n' })).toMatchInlineSnapshot(`
      "
      p.json:3:1 error json-syntax: Expected double-quoted property name
        3 | }
          | ~
      1 error
      "
    `);
  });
});

describe("formatDiagnostic", () => {
  const sources = new Map([["f.yaml", "a:\n\tb: 1\n"]]);

  test("without a location", () => {
    expect(formatDiagnostic({ severity: "error", code: "missing-pipeline-file", message: "no pipeline.yaml" }, sources)).toBe(
      "error missing-pipeline-file: no pipeline.yaml",
    );
  });

  test("with a location whose file text is unknown: no snippet", () => {
    const d = { severity: "warning", code: "cycle", message: "m", location: { file: "other.yaml", line: 3, col: 2 } } as const;
    expect(formatDiagnostic(d, sources)).toBe("other.yaml:3:2 warning cycle: m");
  });

  test("tabs are kept in the underline padding; one ~ at least", () => {
    const d = { severity: "error", code: "bad-type", message: "m", location: { file: "f.yaml", line: 2, col: 2 } } as const;
    expect(formatDiagnostic(d, sources)).toBe("f.yaml:2:2 error bad-type: m\n  2 | \tb: 1\n    | \t~");
  });

  test("related infos are indented with their own snippet", () => {
    const d = {
      severity: "error",
      code: "bad-type",
      message: "m",
      location: { file: "f.yaml", line: 2, col: 2, endCol: 3 },
      related: [{ message: "first here", location: { file: "f.yaml", line: 1, col: 1, endCol: 2 } }],
    } as const;
    expect(formatDiagnostic(d, sources)).toBe(
      ["f.yaml:2:2 error bad-type: m", "  2 | \tb: 1", "    | \t~", "  f.yaml:1:1 info: first here", "    1 | a:", "      | ~"].join("\n"),
    );
  });

  test("count line", () => {
    const e = { severity: "error", code: "bad-type", message: "m" } as const;
    const w = { severity: "warning", code: "bad-type", message: "m" } as const;
    expect(formatDiagnostics([], sources)).toBe("0 errors");
    expect(formatDiagnostics([e], sources)).toBe("error bad-type: m\n1 error");
    expect(formatDiagnostics([e, e, w], sources).split("\n").at(-1)).toBe("2 errors, 1 warning");
  });
});
