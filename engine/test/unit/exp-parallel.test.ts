// The pure parts of parallel experiments: which files a workspace gets, workspace folder names,
// line prefixes that tell experiments' output apart, and a stopped entry going back to the queue.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ExpStore, linePrefixer } from "../../src/exp/index.js";
import { selectWorkspaceFiles } from "../../src/session/workspace-files.js";
import { WORKSPACES_DIR, workspaceFolderName } from "../../src/session/workspace-make.js";
import { abandonedWorkspaces, claimWorkspace, disownWorkspace } from "../../src/session/workspace-owners.js";

describe("selectWorkspaceFiles", () => {
  const base = { outs: ["data/prep", "metrics.json"], deps: [], always: [] };

  it("keeps git's list as it is (a committed metrics file included), never pipe's state or the cache", () => {
    const pick = selectWorkspaceFiles({
      ...base,
      source: "git",
      listed: ["params.yaml", "metrics.json", ".pipe/config", ".pipe/exp/workspaces/a/params.yaml", ".cache/x", "src/a.py", "src/a.py"],
    });
    expect(pick.files).toEqual(["metrics.json", "params.yaml", "src/a.py"]);
    expect(pick.extra).toEqual([]);
  });

  it("outside git, drops the stages' outputs and node_modules", () => {
    const pick = selectWorkspaceFiles({
      ...base,
      source: "walk",
      listed: ["params.yaml", "metrics.json", "data/prep/part-1.csv", "data/prepared.csv", "lib/node_modules/x.js"],
    });
    expect(pick.files).toEqual(["data/prepared.csv", "params.yaml"]);
  });

  it("adds the deps no stage makes that the list lacks (ignored raw data), whole, and the files always copied", () => {
    const pick = selectWorkspaceFiles({
      outs: ["data/prep"],
      deps: ["raw", "data/prep", "data/prep/x.csv", "params.yaml", "train.py"],
      always: ["pipeline.lock", ".pipe/config"],
      source: "git",
      listed: ["params.yaml", "train.py", "raw/README.md"],
    });
    expect(pick.extra).toEqual([".pipe/config", "pipeline.lock", "raw"]);
    // raw/README.md comes with its folder
    expect(pick.files).toEqual(["params.yaml", "train.py"]);
  });

  it("never copies a dep inside pipe's state", () => {
    const pick = selectWorkspaceFiles({ outs: [], deps: [".cache/x", ".pipe/exp/index.jsonl"], always: [], source: "git", listed: [] });
    expect(pick.extra).toEqual([]);
  });
});

describe("workspaceFolderName", () => {
  it("keeps safe names, replaces the rest, never a dot-name or an empty one", () => {
    expect(workspaceFolderName("lr-0.1_b")).toBe("lr-0.1_b");
    expect(workspaceFolderName("a/b c")).toBe("a_b_c");
    expect(workspaceFolderName("..")).toBe("_");
    expect(workspaceFolderName("")).toBe("exp");
  });
});

describe("linePrefixer", () => {
  it("prefixes every complete line, holds a partial one until its end or a flush", () => {
    const out: string[] = [];
    const p = linePrefixer("[a] ", (t) => out.push(t));
    p.write("one\ntw");
    expect(out).toEqual(["[a] one\n"]);
    p.write("o\nthree");
    p.flush();
    p.flush();
    expect(out.join("")).toBe("[a] one\n[a] two\n[a] three\n");
  });
});

describe("ExpStore.release", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("puts a claimed entry back in the queue; false when it was not claimed", async () => {
    dir = mkdtempSync(join(tmpdir(), "pipe-exp-release-"));
    const store = new ExpStore(dir);
    await store.enqueue({ schema: 1, id: "e1", createdAt: "2026-01-01T00:00:00.000Z", overrides: { "params.yaml": { lr: 1 } } });
    expect(await store.claim("e1")).toBe(true);
    expect(await store.queued()).toEqual([]);
    expect(store.release("e1")).toBe(true);
    expect((await store.queued()).map((e) => e.id)).toEqual(["e1"]);
    expect(store.release("e1")).toBe(false);
    expect(existsSync(join(store.dir, "queue", "e1.json"))).toBe(true);
  });
});

describe("abandonedWorkspaces", () => {
  let root = "";
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("finds the workspaces whose pipe is dead, never a live one's, a kept one or a garbled mark", () => {
    root = mkdtempSync(join(tmpdir(), "pipe-exp-owners-"));
    const base = join(root, WORKSPACES_DIR);
    for (const n of ["mine", "dead", "kept", "garbled"]) mkdirSync(join(base, n), { recursive: true });
    claimWorkspace(join(base, "mine"), "e-mine", "mine");
    claimWorkspace(join(base, "dead"), "e-dead", "dead");
    // the same mark with the pid of a process that has exited
    const exited = spawnSync(process.execPath, ["-e", "0"]).pid;
    const mark = JSON.parse(readFileSync(join(base, "dead.owner.json"), "utf8")) as { holder: { pid: number } };
    mark.holder.pid = exited;
    writeFileSync(join(base, "dead.owner.json"), JSON.stringify(mark));
    claimWorkspace(join(base, "kept"), "e-kept", "kept");
    disownWorkspace(join(base, "kept"));
    writeFileSync(join(base, "garbled.owner.json"), "{");
    const found = abandonedWorkspaces(root);
    expect(found.map((a) => [a.dir, a.owner.entry, a.owner.name])).toEqual([[join(base, "dead"), "e-dead", "dead"]]);
  });
});
