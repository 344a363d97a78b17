// Integration: the real CLI on temp projects. Stages are tiny shell commands that append their
// name to log.txt, so each test can see exactly which stages ran.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { realpathSync, rmSync } from "node:fs";
import { PIPE_BIN, Rig } from "../helpers/rig.js";

const PIPELINE = `stages:
  prepare:
    cmd: echo prepare >> log.txt && cp raw.txt prepared.txt
    deps: [raw.txt]
    outs: [prepared.txt]
  train:
    cmd: echo train >> log.txt && cat prepared.txt > model.txt && echo lr=\${train.lr} >> model.txt
    deps: [prepared.txt]
    params: [train.lr]
    outs: [model.txt]
  evaluate:
    cmd: echo evaluate >> log.txt && wc -c model.txt > score.txt
    deps: [model.txt]
    params: [evaluate.k]
    metrics:
    - score.txt:
        cache: false
`;

let rig: Rig;
beforeEach(() => {
  rig = new Rig();
  rig.write("pipeline.yaml", PIPELINE).write("params.yaml", "train:\n  lr: 0.1\n  epochs: 3\nevaluate:\n  k: 5\n").write("raw.txt", "data\n");
});
afterEach(() => rig.cleanup());

describe("pipe repro", () => {
  it("runs every stage in dependency order, then a second repro is a no-op", () => {
    const first = rig.pipe("repro");
    expect(first.code).toBe(0);
    expect(rig.log()).toEqual(["prepare", "train", "evaluate"]);
    expect(first.stderr).toMatch(/3 ran, 0 restored, 0 fresh, 0 failed in/);
    rig.clearLog();
    const second = rig.pipe("repro");
    expect(second.code).toBe(0);
    expect(rig.log()).toEqual([]);
    expect(second.stderr).toMatch(/0 ran, 0 restored, 3 fresh, 0 failed/);
  });

  it("editing one param key re-runs only the stages that declared it; other keys of the file do not count", () => {
    rig.pipe("repro");
    rig.clearLog();
    rig.write("params.yaml", "train:\n  lr: 0.1\n  epochs: 99\nevaluate:\n  k: 6\n");
    expect(rig.pipe("repro").code).toBe(0);
    expect(rig.log()).toEqual(["evaluate"]);
  });

  it("flipping a param A -> B -> A runs the second time nothing: outputs come from the run cache", () => {
    rig.pipe("repro");
    rig.write("params.yaml", "train:\n  lr: 0.2\n  epochs: 3\nevaluate:\n  k: 5\n");
    rig.pipe("repro");
    expect(rig.read("model.txt")).toContain("lr=0.2");
    rig.clearLog();
    rig.write("params.yaml", "train:\n  lr: 0.1\n  epochs: 3\nevaluate:\n  k: 5\n");
    const back = rig.pipe("repro");
    expect(back.code).toBe(0);
    expect(rig.log()).toEqual([]);
    expect(back.stderr).toContain("train: restored from cache");
    expect(rig.read("model.txt")).toContain("lr=0.1");
  });

  it("a deleted output comes back from the cache without running its stage", () => {
    rig.pipe("repro");
    rig.clearLog();
    rig.remove("model.txt");
    const r = rig.pipe("repro");
    expect(r.code).toBe(0);
    expect(rig.log()).toEqual([]);
    expect(rig.read("model.txt")).toContain("lr=0.1");
    expect(r.stderr).toMatch(/0 ran, 1 restored, 2 fresh/);
  });

  it("--no-run-cache runs instead of restoring", () => {
    rig.pipe("repro");
    rig.clearLog();
    rig.remove("model.txt");
    expect(rig.pipe("repro", "--no-run-cache").code).toBe(0);
    expect(rig.log()).toEqual(["train"]);
  });

  it("an upstream that re-runs but produces identical bytes leaves its downstream fresh", () => {
    rig.pipe("repro");
    rig.clearLog();
    rig.write("pipeline.yaml", PIPELINE.replace("echo prepare >> log.txt &&", "echo prepare >> log.txt && true &&"));
    expect(rig.pipe("repro").code).toBe(0);
    expect(rig.log()).toEqual(["prepare"]);
  });

  it("a changed dependency, a changed command and a modified output each make a stage stale", () => {
    rig.pipe("repro");
    rig.write("raw.txt", "other data\n");
    expect(JSON.parse(rig.pipe("status", "--json").stdout)).toEqual({ prepare: [{ kind: "dep-modified", path: "raw.txt" }] });
    rig.write("raw.txt", "data\n");
    rig.write("model.txt", "tampered\n");
    expect(JSON.parse(rig.pipe("status", "--json").stdout)).toEqual({
      train: [{ kind: "out-modified", path: "model.txt" }],
      evaluate: [{ kind: "dep-modified", path: "model.txt" }],
    });
    rig.remove("model.txt");
    rig.write("pipeline.yaml", PIPELINE.replace("wc -c model.txt", "wc -l model.txt"));
    expect(JSON.parse(rig.pipe("status", "--json").stdout)).toEqual({
      train: [{ kind: "out-missing", path: "model.txt" }],
      evaluate: [{ kind: "dep-missing", path: "model.txt" }, { kind: "cmd-changed" }],
    });
  });

  it("status is {} and says so when everything is up to date", () => {
    rig.pipe("repro");
    expect(rig.pipe("status", "--json").stdout.trim()).toBe("{}");
    expect(rig.pipe("status").stdout).toContain("up to date");
  });

  it("a target runs it and its stale upstream, nothing downstream; -s runs only the target", () => {
    expect(rig.pipe("repro", "train").code).toBe(0);
    expect(rig.log()).toEqual(["prepare", "train"]);
    rig.clearLog();
    rig.write("raw.txt", "new\n");
    expect(rig.pipe("repro", "-s", "evaluate").code).toBe(0);
    expect(rig.log()).toEqual(["evaluate"]);
  });

  it("--downstream runs the target and what depends on it", () => {
    rig.pipe("repro");
    rig.clearLog();
    expect(rig.pipe("repro", "--downstream", "-f", "train").code).toBe(0);
    expect(rig.log()).toEqual(["train", "evaluate"]);
  });

  it("-f runs fresh stages again", () => {
    rig.pipe("repro");
    rig.clearLog();
    expect(rig.pipe("repro", "-f").code).toBe(0);
    expect(rig.log()).toEqual(["prepare", "train", "evaluate"]);
  });

  it("--dry prints the plan and changes nothing", () => {
    const r = rig.pipe("repro", "--dry");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/would run\s+prepare\s+never run/);
    expect(r.stdout).toMatch(/would run\s+train/);
    expect(rig.log()).toEqual([]);
    expect(rig.exists("pipeline.lock")).toBe(false);
    expect(rig.exists("prepared.txt")).toBe(false);
  });

  it("an unknown target is a usage error (exit 2) that lists the stages", () => {
    const r = rig.pipe("repro", "trian");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown stage 'trian'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("--json prints one event per line", () => {
    const r = rig.pipe("repro", "--json");
    const events = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; stage?: string; outcome?: string });
    expect(events[0]?.type).toBe("plan");
    expect(events.filter((e) => e.type === "stage-done").map((e) => [e.stage, e.outcome])).toEqual([
      ["prepare", "ran"],
      ["train", "ran"],
      ["evaluate", "ran"],
    ]);
    expect(events.at(-1)?.type).toBe("summary");
  });

  it("a reader that goes away (| head -1) ends the output quietly: no EPIPE stack trace, the run completes", () => {
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${PIPE_BIN}" repro --json | head -1`], {
      cwd: rig.dir,
      encoding: "utf8",
      env: { ...process.env, CI: "true" },
    });
    expect(JSON.parse(r.stdout) as { type: string }).toMatchObject({ type: "plan" });
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(rig.log()).toEqual(["prepare", "train", "evaluate"]);
  });

  it("streams stage output with a [stage] prefix", () => {
    rig.write("pipeline.yaml", "stages:\n  hello:\n    cmd: echo greetings from the stage\n");
    const r = rig.pipe("repro");
    expect(r.stderr).toContain("[hello] greetings from the stage");
  });
});

describe("failures", () => {
  const FAILING = `stages:
  ok1:
    cmd: echo ok1 >> log.txt && echo 1 > one.txt
    outs: [one.txt]
  bad:
    cmd: echo bad >> log.txt && exit 3
    outs: [bad.txt]
  after_bad:
    cmd: echo after_bad >> log.txt && cp bad.txt after.txt
    deps: [bad.txt]
    outs: [after.txt]
  ok2:
    cmd: echo ok2 >> log.txt && cp one.txt two.txt
    deps: [one.txt]
    outs: [two.txt]
`;

  it("under keep-going a failure skips only its dependents, exit 1, and the failure is not recorded", () => {
    rig.write("pipeline.yaml", FAILING);
    const r = rig.pipe("repro", "-k", "-j", "1");
    expect(r.code).toBe(1);
    expect(rig.log().sort()).toEqual(["bad", "ok1", "ok2"]);
    expect(r.stderr).toContain("after_bad: skipped: upstream stage 'bad' failed");
    expect(r.stderr).toMatch(/bad: failed after .*exited with code 3/);
    const lock = rig.read("pipeline.lock");
    expect(lock).toContain("ok1:");
    expect(lock).toContain("ok2:");
    expect(lock).not.toMatch(/^ {2}bad:/m);
  });

  it("fail-fast starts nothing after a failure, but keeps the record of what succeeded", () => {
    rig.write("pipeline.yaml", FAILING);
    const r = rig.pipe("repro", "-j", "1");
    expect(r.code).toBe(1);
    expect(rig.log()).toEqual(["ok1", "bad"]);
    expect(rig.read("pipeline.lock")).toContain("ok1:");
  });

  it("a stage that does not write a declared output fails with 'missing output'", () => {
    rig.write("pipeline.yaml", "stages:\n  lazy:\n    cmd: echo nothing\n    outs: [never.txt]\n");
    const r = rig.pipe("repro");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("missing output: never.txt");
    expect(rig.exists("pipeline.lock")).toBe(false);
  });

  it("outs are removed before a stage runs, unless persist: true", () => {
    rig.write(
      "pipeline.yaml",
      `stages:
  fresh_out:
    cmd: test ! -e a.txt && echo a > a.txt
    outs: [a.txt]
  kept_out:
    cmd: echo more >> b.txt
    outs:
    - b.txt:
        persist: true
`,
    );
    expect(rig.pipe("repro").code).toBe(0);
    expect(rig.pipe("repro", "-f").code).toBe(0);
    expect(rig.read("b.txt")).toBe("more\nmore\n");
  });
});

describe("declared inputs", () => {
  it("a directory dep is stale when a file is added or removed inside it", () => {
    rig.write("pipeline.yaml", "stages:\n  count:\n    cmd: echo count >> log.txt && ls data | wc -l > n.txt\n    deps: [data]\n    outs: [n.txt]\n");
    rig.write("data/a.csv", "1\n");
    rig.pipe("repro");
    rig.write("data/b.csv", "2\n");
    expect(JSON.parse(rig.pipe("status", "--json").stdout)).toEqual({ count: [{ kind: "dep-modified", path: "data" }] });
    rig.pipe("repro");
    rig.remove("data/a.csv");
    expect(JSON.parse(rig.pipe("status", "--json").stdout)).toEqual({ count: [{ kind: "dep-modified", path: "data" }] });
  });

  it("a glob dep is stale when a new matching file appears, not when a non-matching one does", () => {
    rig.write("pipeline.yaml", "stages:\n  cat:\n    cmd: cat raw/*.csv > all.txt\n    deps: ['raw/*.csv']\n    outs: [all.txt]\n");
    rig.write("raw/a.csv", "1\n");
    expect(rig.pipe("repro").code).toBe(0);
    rig.write("raw/notes.md", "hi\n");
    expect(rig.pipe("status", "--json").stdout.trim()).toBe("{}");
    rig.write("raw/b.csv", "2\n");
    expect(JSON.parse(rig.pipe("status", "--json").stdout)).toEqual({ cat: [{ kind: "dep-modified", path: "raw/*.csv" }] });
  });

  it("env: is part of the stage: changing it makes the stage stale, and the command sees it", () => {
    rig.write("pipeline.yaml", "stages:\n  e:\n    cmd: echo $GREETING > e.txt\n    env:\n      GREETING: hello\n    outs: [e.txt]\n");
    rig.pipe("repro");
    expect(rig.read("e.txt")).toBe("hello\n");
    rig.write("pipeline.yaml", "stages:\n  e:\n    cmd: echo $GREETING > e.txt\n    env:\n      GREETING: bye\n    outs: [e.txt]\n");
    expect(JSON.parse(rig.pipe("status", "--json").stdout)).toEqual({ e: [{ kind: "env-changed" }] });
  });

  it("always_changed runs every time; frozen never runs unless forced", () => {
    rig.write(
      "pipeline.yaml",
      `stages:
  always:
    cmd: echo always >> log.txt
    always_changed: true
  ice:
    cmd: echo ice >> log.txt
    frozen: true
`,
    );
    rig.pipe("repro");
    rig.pipe("repro");
    expect(rig.log()).toEqual(["always", "always"]);
    rig.clearLog();
    rig.pipe("repro", "-f", "ice");
    expect(rig.log()).toEqual(["ice"]);
  });

  it("the engine sets PIPE_STAGE and PIPE_ROOT for the command", () => {
    rig.write("pipeline.yaml", "stages:\n  who:\n    cmd: echo $PIPE_STAGE $PIPE_ROOT > who.txt\n    outs: [who.txt]\n");
    rig.pipe("repro");
    const [stage, root] = rig.read("who.txt").trim().split(" ");
    expect(stage).toBe("who");
    expect(root).toBe(realpathSync(rig.dir));
  });

  it("--dry and the run agree on a stage whose dep nothing will write: it fails", () => {
    // `-s train`: prepare is not planned, so nothing writes prepared.txt before train's turn.
    const dry = rig.pipe("repro", "--dry", "-s", "train");
    expect(dry.stdout).toMatch(/would fail\s+train\s+dependency missing: prepared.txt/);
    const run = rig.pipe("repro", "-s", "train");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("train: failed after");
    expect(run.stderr).toContain("dependency missing: prepared.txt");
    expect(rig.log()).toEqual([]);
  });

  it("--dry says restore only when the run would restore", () => {
    expect(rig.pipe("repro").code).toBe(0);
    rig.write("params.yaml", "train:\n  lr: 0.2\n  epochs: 3\nevaluate:\n  k: 5\n");
    expect(rig.pipe("repro").code).toBe(0);
    rig.write("params.yaml", "train:\n  lr: 0.1\n  epochs: 3\nevaluate:\n  k: 5\n");
    expect(rig.pipe("repro", "--dry").stdout).toMatch(/would restore\s+train/);
    // Lose the model's object: the run-cache entry can no longer stand in for running.
    rmSync(rig.path(".cache/objects"), { recursive: true, force: true });
    expect(rig.pipe("repro", "--dry").stdout).toMatch(/would run\s+train/);
    rig.clearLog();
    expect(rig.pipe("repro").code).toBe(0);
    expect(rig.log()).toContain("train");
  });

  it("--json emits each failure as data", () => {
    rig.write("pipeline.yaml", "stages:\n  bad:\n    cmd: exit 3\n");
    const lines = rig
      .pipe("repro", "--json")
      .stdout.trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const done = lines.find((e) => e.type === "stage-done");
    expect(done).toMatchObject({ stage: "bad", outcome: "failed", failure: { kind: "exit-code", command: "exit 3", code: 3 } });
    expect(new Set(lines.map((e) => e.runId)).size).toBe(1);
    expect(typeof lines[0]?.runId).toBe("string");
  });

  it("--log-dir keeps each stage's output in a file of its own", () => {
    rig.write("pipeline.yaml", "stages:\n  talk:\n    cmd: echo said-by-talk\n");
    expect(rig.pipe("repro", "--log-dir", "logs").code).toBe(0);
    expect(rig.read("logs/talk.log")).toContain("said-by-talk");
  });

  it("a stage with no deps, a persist out or always_changed is never restored from the run cache; others are, cache: false outs too", () => {
    rig.write(
      "pipeline.yaml",
      `stages:
  nodeps:
    cmd: echo nodeps >> log.txt && echo a > a.txt
    outs: [a.txt]
  keep:
    cmd: echo keep >> log.txt && echo b >> b.txt
    deps: [raw.txt]
    outs:
    - b.txt:
        persist: true
  plain:
    cmd: echo plain >> log.txt && cp raw.txt c.txt
    deps: [raw.txt]
    outs:
    - c.txt:
        cache: false
`,
    );
    expect(rig.pipe("repro").code).toBe(0);
    for (const f of ["a.txt", "b.txt", "c.txt"]) rig.remove(f);
    rig.clearLog();
    const again = rig.pipe("repro");
    expect(again.code).toBe(0);
    expect(rig.log().sort()).toEqual(["keep", "nodeps"]);
    expect(again.stderr).toContain("plain: restored from cache");
    expect(rig.read("c.txt")).toBe("data\n");
  });

  it("reads dvc.yaml when pipeline.yaml is absent", () => {
    rig.remove("pipeline.yaml");
    rig.write("dvc.yaml", "stages:\n  d:\n    cmd: echo dvc >> log.txt\n");
    expect(rig.pipe("repro").code).toBe(0);
    expect(rig.log()).toEqual(["dvc"]);
  });
});
