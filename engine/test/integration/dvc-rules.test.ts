// Integration: DVC templating rules through the real CLI: `dag --json` shows each stage's resolved
// cmd, stage-level vars and mappings in cmd reach the shell, stage vars files count as sources.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Rig } from "../helpers/rig.js";

let rig: Rig;
beforeEach(() => {
  rig = new Rig();
});
afterEach(() => rig.cleanup());

describe("pipe dag --json: resolved commands", () => {
  it("gives each stage's interpolated cmd (a string, or the list), with the DVC names", () => {
    rig.write("params.yaml", "train: {lr: 0.1, fast: true}\n");
    rig.write(
      "pipeline.yaml",
      [
        "stages:",
        "  prep:",
        "    vars: [{n: 3}]",
        "    cmd:",
        "      - echo ${n} > p.txt",
        "      - echo done",
        "    outs: [p.txt]",
        "  fit:",
        "    matrix:",
        "      opt: [null, 1.0]",
        "    cmd: python fit.py ${train} --opt ${key}",
        "    deps: [p.txt]",
        "",
      ].join("\n"),
    );
    const r = rig.pipe("dag", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      nodes: ["prep", "fit@None", "fit@1.0"],
      edges: [
        ["prep", "fit@None"],
        ["prep", "fit@1.0"],
      ],
      stages: {
        prep: { cmd: ["echo 3 > p.txt", "echo done"] },
        "fit@None": { cmd: "python fit.py --lr 0.1 --fast --opt None" },
        "fit@1.0": { cmd: "python fit.py --lr 0.1 --fast --opt 1.0" },
      },
    });
    // Only --json carries the commands; the other renderings are unchanged.
    expect(rig.pipe("dag").stdout).not.toContain("python");
  });
});

describe("stage vars and mapping arguments at run time", () => {
  it("a stage's vars file (in its wdir) feeds its cmd, and editing it re-runs the stage", () => {
    rig.write("sub/conf.yaml", "args: {name: first run, epochs: 2}\n");
    rig.write("pipeline.yaml", "stages:\n  s:\n    wdir: sub\n    vars: [conf.yaml]\n    cmd: echo ${args} > out.txt\n    outs: [out.txt]\n");
    expect(rig.pipe("repro").code).toBe(0);
    expect(rig.read("sub/out.txt")).toBe("--name first run --epochs 2\n");
    expect(rig.pipe("repro").stderr).toContain("0 ran, 0 restored, 1 fresh");
    rig.write("sub/conf.yaml", "args: {name: second, epochs: 2}\n");
    const again = rig.pipe("repro");
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("s: running (command changed)");
    expect(rig.read("sub/out.txt")).toBe("--name second --epochs 2\n");
  });

  it("a redefinition in stage vars is a located diagnostic, exit 2, nothing runs", () => {
    rig.write("params.yaml", "lr: 1\n");
    rig.write("pipeline.yaml", "stages:\n  s:\n    vars:\n      - lr: 2\n    cmd: echo ran >> log.txt\n");
    const r = rig.pipe("repro");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("pipeline.yaml:4:9 error redefined-var: 'vars' of stage 's' cannot redefine 'lr'");
    expect(rig.log()).toEqual([]);
  });
});
