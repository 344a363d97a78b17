import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadPipelinesReport } from "../../../src/config/index.js";
import { buildGraph } from "../../../src/graph/index.js";
import { addressed, lockPathOf, splitLock, stageAddress } from "../../../src/lock/index.js";
import type { LockEntry, LockFile } from "../../../src/lock/index.js";
import { planRun, type PlanOptions } from "../../../src/plan/index.js";
import { collectPipelines } from "../../../src/session/collect.js";
import { findRoot } from "../../../src/session/root.js";
import { gitignoreTest } from "../../../src/session/ignore.js";
import { pipeline, stage } from "../../helpers/stages.js";

let dir = "";
const write = (rel: string, text: string): void => {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
};
afterEach(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
  dir = "";
});
const project = (): string => (dir = mkdtempSync(join(tmpdir(), "pipe-multi-")));

describe("collecting pipelines", () => {
  it("walks the tree as DVC does: root first, dot-folders, node_modules and git-ignored folders skipped", () => {
    project();
    write("pipeline.yaml", "stages: {}\n");
    write("b/dvc.yaml", "stages: {}\n");
    write("a/deep/pipeline.yaml", "stages: {}\n");
    write("a/deep/dvc.yaml", "stages: {}\n");
    write(".hidden/dvc.yaml", "stages: {}\n");
    write("node_modules/x/dvc.yaml", "stages: {}\n");
    write("out/gen/dvc.yaml", "stages: {}\n");
    write(".gitignore", "# generated\n/out/\n");
    const c = collectPipelines(dir);
    expect(c.files).toEqual(["pipeline.yaml", "a/deep/pipeline.yaml", "b/dvc.yaml"]);
    expect(c.folders.map((f) => f[0])).toEqual(["", "a", "a/deep", "b"]);
    expect(c.gitignore).not.toBeNull();
  });

  it("finds the root above a sub-pipeline's folder, but not above an ignored one", () => {
    project();
    write("pipeline.yaml", "stages: {}\n");
    write("sub/dvc.yaml", "stages: {}\n");
    write("out/p/pipeline.yaml", "stages: {}\n");
    write(".gitignore", "out\n");
    expect(findRoot(join(dir, "sub"))).toBe(dir);
    expect(findRoot(join(dir, "out/p"))).toBe(join(dir, "out/p"));
  });

  it("reads folder patterns of .gitignore", () => {
    const t = gitignoreTest("/bench/out/\ndata/\n*.tmp\n!keep\n");
    expect([t("bench/out"), t("x/bench/out"), t("data"), t("x/data"), t("a.tmp"), t("keep"), t("bench")]).toEqual([
      true,
      false,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe("loading several pipelines", () => {
  it("rebases a sub-pipeline's paths onto the root and addresses its stages as sub/dvc.yaml:name", () => {
    project();
    write("pipeline.yaml", "stages:\n  train:\n    cmd: t\n    deps: [sub/data.txt]\n    outs: [model]\n");
    write("sub/dvc.yaml", "stages:\n  prep:\n    cmd: p ${n}\n    deps: [raw.txt]\n    params: [n]\n    outs: [data.txt]\n");
    write("sub/params.yaml", "n: 3\n");
    const r = loadPipelinesReport(dir, ["pipeline.yaml", "sub/dvc.yaml"]);
    expect(r.diagnostics).toEqual([]);
    const stages = r.pipeline?.stages ?? [];
    expect(stages.map((s) => s.name)).toEqual(["train", "sub/dvc.yaml:prep"]);
    const prep = stages[1];
    expect([prep?.wdir, prep?.deps[0]?.path, prep?.outs[0]?.path, prep?.params[0]?.file, prep?.cmd[0]]).toEqual([
      "sub",
      "sub/raw.txt",
      "sub/data.txt",
      "sub/params.yaml",
      "p 3",
    ]);
    expect(r.pipeline?.file).toBe("pipeline.yaml");
    const g = buildGraph(r.pipeline as never, { exists: () => true });
    expect(g.ok && g.value.upstream("train" as never)).toEqual(["sub/dvc.yaml:prep"]);
  });

  it("locates a sub-pipeline's diagnostics in its own file", () => {
    project();
    write("pipeline.yaml", "stages: {}\n");
    write("sub/dvc.yaml", "stages:\n  prep:\n    cmd: p\n    dpes: [x]\n");
    const r = loadPipelinesReport(dir, ["pipeline.yaml", "sub/dvc.yaml"]);
    expect(r.diagnostics.map((d) => `${d.location?.file}:${d.location?.line}:${d.location?.col} ${d.code}`)).toEqual(["sub/dvc.yaml:4:5 unknown-key"]);
  });
});

describe("one lock per pipeline", () => {
  const e = (cmd: string): LockEntry => ({ cmd, deps: [], params: {}, outs: [] });
  it("splits the merged lock by address and reads each back under addresses", () => {
    const files = ["pipeline.yaml", "sub/dvc.yaml", "sub/deeper/pipeline.yaml"];
    const merged: LockFile = { schema: "1.0", stages: { train: e("t"), "sub/dvc.yaml:prep": e("p"), "sub/deeper/pipeline.yaml:x": e("x") } };
    const parts = splitLock(merged, files);
    expect([...parts.keys()]).toEqual(["pipeline.lock", "sub/pipeline.lock", "sub/deeper/pipeline.lock"]);
    expect(Object.keys(parts.get("sub/pipeline.lock")?.stages ?? {})).toEqual(["prep"]);
    expect(Object.keys(parts.get("pipeline.lock")?.stages ?? {})).toEqual(["train"]);
    expect(addressed(parts.get("sub/deeper/pipeline.lock") as LockFile, "sub/deeper/pipeline.yaml")).toEqual({ "sub/deeper/pipeline.yaml:x": e("x") });
    expect([lockPathOf("dvc.yaml"), lockPathOf("a/dvc.yaml"), stageAddress("dvc.yaml", "t"), stageAddress("a/dvc.yaml", "t")]).toEqual([
      "pipeline.lock",
      "a/pipeline.lock",
      "t",
      "a/dvc.yaml:t",
    ]);
  });
});

describe("targets across pipelines", () => {
  const base: PlanOptions = { targets: [], force: false, singleItem: false, downstream: false, jobs: 1, policy: "fail-fast", useRunCache: true };
  const g = (() => {
    const r = buildGraph(
      pipeline(
        stage("train", { deps: ["sub/data"], outs: ["model"] }),
        stage("sub/dvc.yaml:prep", { outs: ["sub/data"] }),
        stage("sub/dvc.yaml:other@a", { outs: ["sub/o"] }),
      ),
      { exists: () => true },
    );
    if (!r.ok) throw new Error("bad fixture");
    return r.value;
  })();
  const planned = (targets: string[], singleItem = false): unknown => {
    const p = planRun(g, { ...base, targets, singleItem });
    return "kind" in p ? p.kind : p.stages;
  };
  it("reads addresses, pipeline files and the root's file:name", () => {
    expect(planned(["sub/dvc.yaml:prep"])).toEqual(["sub/dvc.yaml:prep"]);
    expect(planned(["sub/dvc.yaml:other"])).toEqual(["sub/dvc.yaml:other@a"]);
    expect(planned(["sub/dvc.yaml"])).toEqual(["sub/dvc.yaml:prep", "sub/dvc.yaml:other@a"]);
    expect(planned(["pipeline.yaml"])).toEqual(["sub/dvc.yaml:prep", "train"]);
    expect(planned(["dvc.yaml:train"], true)).toEqual(["train"]);
    expect(planned(["nope/dvc.yaml"])).toBe("unknown-target");
  });
});
