// Several pipelines in one project, as DVC collects them: sub-pipelines' paths rebased onto the
// root, stages addressed sub/dvc.yaml:name, one lock per pipeline, DVC's targets and default.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Rig } from "../helpers/rig.js";

const ROOT = `stages:
  train:
    cmd: echo train >> log.txt && cat sub/data.txt > model.txt
    deps: [sub/data.txt]
    outs: [model.txt]
`;
const SUB = `stages:
  prep:
    cmd: echo prep >> ../log.txt && cat raw.txt > data.txt
    deps: [raw.txt]
    outs: [data.txt]
  other:
    cmd: echo other >> ../log.txt && cp raw.txt other.txt
    deps: [raw.txt]
    outs: [other.txt]
`;
const STATE = ".cache/state.json";

let rig: Rig;
beforeEach(() => {
  rig = new Rig();
  rig.write("pipeline.yaml", ROOT).write("sub/dvc.yaml", SUB).write("sub/raw.txt", "raw\n");
});
afterEach(() => rig.cleanup());

describe("several pipelines", () => {
  it("connects the pipelines through their paths and keeps one lock beside each", () => {
    const r = rig.pipe("repro");
    expect(r.code).toBe(0);
    // DVC's default: the current folder's pipeline, plus its upstream.
    expect(rig.log()).toEqual(["prep", "train"]);
    expect(r.stderr).toContain("+ sub/dvc.yaml:prep: ran");
    expect(rig.read("model.txt")).toBe("raw\n");
    const sub = rig.read("sub/pipeline.lock");
    expect(sub).toMatch(/^stages:\n {2}prep:\n/m);
    expect(sub).toContain("path: sub/raw.txt");
    expect(rig.read("pipeline.lock")).not.toContain("prep");
    expect(rig.read("pipeline.lock")).toContain("train:");
  });

  it("dag and checkout read their targets as repro does: from a sub-folder, a plain name is its pipeline's stage", () => {
    expect(rig.pipe("repro", "-P").code).toBe(0);
    expect(JSON.parse(rig.pipeIn("sub", "dag", "prep", "--json").stdout)).toMatchObject({ nodes: ["sub/dvc.yaml:prep"], edges: [] });
    expect(JSON.parse(rig.pipeIn("sub", "dag", "dvc.yaml:other", "--json").stdout)).toMatchObject({ nodes: ["sub/dvc.yaml:other"] });
    rig.remove("sub/data.txt");
    rig.remove("model.txt");
    const r = rig.pipeIn("sub", "checkout", "prep");
    expect(r.code).toBe(0);
    expect(rig.read("sub/data.txt")).toBe("raw\n");
    expect(rig.exists("model.txt")).toBe(false);
  });

  it("reads targets as dvc repro does: file:stage, a pipeline file, -R, -P, and the folder's own pipeline", () => {
    expect(rig.pipe("repro", "sub/dvc.yaml:other").code).toBe(0);
    expect(rig.log()).toEqual(["other"]);
    rig.clearLog();
    expect(rig.pipe("repro", "sub/dvc.yaml").code).toBe(0);
    expect(rig.log()).toEqual(["prep"]);
    rig.clearLog();
    rig.write("sub/raw.txt", "raw 2\n");
    expect(rig.pipeIn("sub", "repro").code).toBe(0);
    expect(rig.log().sort()).toEqual(["other", "prep"]);
    rig.clearLog();
    expect(rig.pipe("repro", "-P").code).toBe(0);
    expect(rig.log()).toEqual(["train"]);
    rig.clearLog();
    rig.write("sub/raw.txt", "raw 3\n");
    expect(rig.pipeIn("sub", "repro", "other").code).toBe(0);
    expect(rig.log()).toEqual(["other"]);
    rig.clearLog();
    expect(rig.pipe("repro", "-R", "sub").code).toBe(0);
    expect(rig.log()).toEqual(["prep"]);
    const bad = rig.pipe("repro", "sub/dvc.yaml:nope");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown stage 'sub/dvc.yaml:nope'");
  });

  it("prints a sub-pipeline's diagnostics at its own file:line:col", () => {
    rig.write("sub/dvc.yaml", "stages:\n  prep:\n    cmd: x\n    outs: [model.txt/../../model.txt]\n");
    const r = rig.pipe("status");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sub\/dvc\.yaml:4:\d+/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("status, dag --json, gc and checkout cover every pipeline", () => {
    expect(rig.pipe("repro", "-P").code).toBe(0);
    rig.write("sub/raw.txt", "changed\n");
    const st = JSON.parse(rig.pipe("status", "--json").stdout) as Record<string, unknown>;
    expect(Object.keys(st).sort()).toEqual(["sub/dvc.yaml:other", "sub/dvc.yaml:prep"]);
    const dag = JSON.parse(rig.pipe("dag", "--json").stdout) as { nodes: string[]; edges: string[][] };
    expect(dag.nodes.sort()).toEqual(["sub/dvc.yaml:other", "sub/dvc.yaml:prep", "train"]);
    expect(dag.edges).toEqual([["sub/dvc.yaml:prep", "train"]]);
    rig.write("sub/raw.txt", "raw\n");
    expect(rig.pipe("gc").code).toBe(0);
    rig.remove("sub/other.txt");
    rig.remove("model.txt");
    expect(rig.pipe("checkout").code).toBe(0);
    expect(rig.read("sub/other.txt")).toBe("raw\n");
    expect(rig.read("model.txt")).toBe("raw\n");
  });

  it("the up-to-date stamp covers every pipeline, and a new sub-pipeline sends the next repro through the full check", () => {
    expect(rig.pipe("repro", "-P").code).toBe(0);
    expect(rig.pipe("repro", "-P").code).toBe(0);
    rig.remove(STATE);
    rig.clearLog();
    const replayed = rig.pipe("repro", "-P");
    expect(replayed.stderr).toMatch(/0 ran, 0 restored, 3 fresh/);
    expect(rig.exists(STATE)).toBe(false);
    rig.write("sub/raw.txt", "edited\n");
    rig.pipe("repro", "-P");
    // prep and other are independent and may run side by side: any order, but train after prep.
    const log = rig.log();
    expect([...log].sort()).toEqual(["other", "prep", "train"]);
    expect(log.indexOf("train")).toBeGreaterThan(log.indexOf("prep"));
    rig.pipe("repro", "-P");
    rig.remove(STATE);
    rig.clearLog();
    rig.write("more/deeper/dvc.yaml", "stages:\n  n:\n    cmd: echo n >> ../../log.txt\n");
    expect(rig.pipe("repro", "-P").code).toBe(0);
    expect(rig.log()).toEqual(["n"]);
    expect(rig.exists("more/deeper/pipeline.lock")).toBe(true);
  });
});
