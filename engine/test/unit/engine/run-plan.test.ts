// The executor in memory: a fake workspace (path → content), a fake spawner whose "commands" are
// functions, and a manual clock. No processes, no disk.
import { describe, expect, it } from "vitest";
import type { RelPath, Stage } from "../../../src/config/types.js";
import type { ExecContext, LockEntry, RunEntry } from "../../../src/exec/index.js";
import { localExecutor, runPlan } from "../../../src/exec/index.js";
import { buildGraph } from "../../../src/graph/index.js";
import type { HashInfo, Hasher } from "../../../src/hashing/index.js";
import { planRun, type Plan, type PlanOptions } from "../../../src/plan/index.js";
import type { RunEventBody } from "../../../src/events/index.js";
import { describeFailure } from "../../../src/report/index.js";
import { pipeline, stage } from "../../helpers/stages.js";

type Script = (files: Map<string, string>) => number | Promise<number>;

function world(stages: Stage[], scripts: Record<string, Script>) {
  const files = new Map<string, string>();
  const lock = new Map<string, LockEntry>();
  const objects = new Map<string, string>();
  const runs = new Map<string, RunEntry>();
  const events: RunEventBody[] = [];
  const ran: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const hashOf = (path: string): HashInfo | null => {
    const v = files.get(path);
    return v === undefined ? null : { digest: `h:${v}` as HashInfo["digest"], size: v.length, isDir: false };
  };
  const hasher: Hasher = {
    root: "/project",
    hashPath: async (p) => hashOf(p),
    hashFile: async (p) => hashOf(p),
    hashDir: async () => null,
    remember: async () => {},
    flush: async () => {},
  };
  const ctx = (signal = new AbortController().signal): ExecContext => ({
    root: "/project",
    hasher,
    cache: {
      save: async (p, i) => void objects.set(i.digest, files.get(p) ?? ""),
      has: async (i) => objects.has(i.digest),
      restoreChecked: async (p, i) => (files.set(p, objects.get(i.digest) ?? ""), null),
      unprotect: async () => {},
      getRun: async (fp) => runs.get(fp) ?? null,
      putRun: async (fp, e) => void runs.set(fp, e),
    },
    lock: { get: (n) => lock.get(n), set: async (n, e) => void lock.set(n, e) },
    fs: { remove: async (abs) => void files.delete(abs.replace("/project/", "")), escapes: async () => null },
    executor: localExecutor(async (req) => {
      const name = req.env.PIPE_STAGE as string;
      ran.push(name);
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 5));
      const code = await (scripts[name] ?? (() => 0))(files);
      running--;
      return { exitCode: code };
    }),
    now: () => 0,
    env: {},
    emit: (e) => events.push(e),
    signal,
  });
  const g = buildGraph(pipeline(...stages), { exists: () => true });
  if (!g.ok) throw new Error("bad fixture");
  const plan = (opts: Partial<PlanOptions> = {}): Plan =>
    planRun(g.value, { targets: [], force: false, singleItem: false, downstream: false, jobs: 4, policy: "fail-fast", useRunCache: true, ...opts }) as Plan;
  return { files, lock, runs, events, ran, ctx, plan, maxRunning: () => maxRunning };
}

const write =
  (path: string, text: string): Script =>
  (f) => (f.set(path, text), 0);

describe("runPlan", () => {
  it("keep-going skips only the dependents of a failure", async () => {
    const w = world(
      [stage("a", { outs: ["a"] }), stage("bad", { outs: ["x"] }), stage("after", { deps: ["x"], outs: ["y"] }), stage("b", { deps: ["a"], outs: ["b"] })],
      { a: write("a", "1"), bad: () => 1, after: write("y", "1"), b: write("b", "1") },
    );
    const r = await runPlan(w.plan({ policy: "keep-going" }), w.ctx());
    expect(Object.fromEntries(r.outcomes)).toEqual({ a: "ran", bad: "failed", after: "skipped", b: "ran" });
    expect([...w.lock.keys()].sort()).toEqual(["a", "b"]);
  });

  it("never runs more than `jobs` stages at once", async () => {
    const stages = ["s1", "s2", "s3", "s4", "s5"].map((n) => stage(n, { outs: [n] }));
    const w = world(stages, Object.fromEntries(stages.map((s) => [s.name, write(s.name, "v")])));
    await runPlan(w.plan({ jobs: 2 }), w.ctx());
    expect(w.maxRunning()).toBe(2);
    expect(w.ran.sort()).toEqual(["s1", "s2", "s3", "s4", "s5"]);
  });

  it("checks a stage only when its turn comes: identical upstream bytes keep the downstream fresh", async () => {
    const w = world([stage("up", { outs: ["u"], alwaysChanged: true }), stage("down", { deps: ["u"], outs: ["d"] })], {
      up: write("u", "same"),
      down: write("d", "x"),
    });
    await runPlan(w.plan(), w.ctx());
    w.ran.length = 0;
    const r = await runPlan(w.plan(), w.ctx());
    expect(w.ran).toEqual(["up"]);
    expect(r.outcomes.get("down" as never)).toBe("fresh");
  });

  it("sees an output rewritten during the run: a changed upstream output re-runs the downstream", async () => {
    let n = 0;
    const w = world([stage("up", { outs: ["u"], alwaysChanged: true }), stage("down", { deps: ["u"], outs: ["d"] })], {
      up: (f) => (f.set("u", `v${++n}`), 0),
      down: write("d", "x"),
    });
    await runPlan(w.plan(), w.ctx());
    w.ran.length = 0;
    const r = await runPlan(w.plan(), w.ctx());
    expect(w.ran).toEqual(["up", "down"]);
    expect(r.outcomes.get("down" as never)).toBe("ran");
  });

  it("restores from the run cache instead of running when the same inputs were seen", async () => {
    const w = world([stage("s", { deps: ["in"], outs: ["o"] })], { s: write("o", "out") });
    w.files.set("in", "x");
    await runPlan(w.plan(), w.ctx());
    w.files.delete("o");
    w.ran.length = 0;
    const r = await runPlan(w.plan(), w.ctx());
    expect(w.ran).toEqual([]);
    expect(r.outcomes.get("s" as never)).toBe("restored");
    expect(w.files.get("o")).toBe("out");
  });

  it("a stage with no deps is run again, never restored: its outputs depend on more than its inputs", async () => {
    const w = world([stage("s", { outs: ["o"] })], { s: write("o", "out") });
    await runPlan(w.plan(), w.ctx());
    expect(w.runs.size).toBe(0);
    w.files.delete("o");
    w.ran.length = 0;
    const r = await runPlan(w.plan(), w.ctx());
    expect(w.ran).toEqual(["s"]);
    expect(r.outcomes.get("s" as never)).toBe("ran");
  });

  it("fails a stage whose declared output is missing, and records nothing for it", async () => {
    const w = world([stage("s", { outs: ["o"] })], { s: () => 0 });
    const r = await runPlan(w.plan(), w.ctx());
    expect(r.failed).toBe(true);
    const done = w.events.find((e) => e.type === "stage-done");
    expect(done).toMatchObject({ outcome: "failed", failure: { kind: "missing-output", path: "o" } });
    expect(done?.type === "stage-done" && done.outcome === "failed" && describeFailure(done.failure)).toBe("missing output: o");
    expect(w.lock.size).toBe(0);
  });

  it("an aborted run starts nothing new", async () => {
    const c = new AbortController();
    const w = world([stage("a", { outs: ["a"] }), stage("b", { deps: ["a"], outs: ["b"] })], {
      a: (f) => (f.set("a", "1"), c.abort(), 0),
      b: write("b", "1"),
    });
    const r = await runPlan(w.plan(), w.ctx(c.signal));
    expect(w.ran).toEqual(["a"]);
    expect(r.interrupted).toBe(true);
  });
});

export type { RelPath };
