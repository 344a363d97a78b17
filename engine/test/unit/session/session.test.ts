// The engine's front door, driven from code as the UI or a cluster driver would: open a project,
// plan, run a session with an injected executor and several sinks, read the result as data.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  fanOut,
  openProject,
  openStores,
  planRun,
  predictRun,
  runSession,
  takeReproGuard,
  type Plan,
  type Project,
  type RunEvent,
  type StageExecutor,
  type StageJob,
} from "../../../src/index.js";
import { ExpStore } from "../../../src/exp/index.js";
import { stageLogSink } from "../../../src/report/index.js";

let root: string;
const write = (rel: string, text: string): void => {
  mkdirSync(join(root, rel, ".."), { recursive: true });
  writeFileSync(join(root, rel), text);
};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pipe-session-"));
  write(
    "pipeline.yaml",
    "stages:\n  prep:\n    cmd: make-prep\n    deps: [raw.txt]\n    outs: [prep.txt]\n  fit:\n    cmd: make-fit\n    deps: [prep.txt]\n    outs: [model.txt]\n",
  );
  write("raw.txt", "raw\n");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** An executor that "runs" a stage by writing its outs itself, and remembers what it was asked. */
function fakeExecutor(fail: ReadonlySet<string> = new Set()): StageExecutor & { jobs: StageJob[] } {
  const jobs: StageJob[] = [];
  return {
    name: "fake",
    jobs,
    async run(job) {
      jobs.push(job);
      job.onLine("stdout", `hello from ${job.stage.name}`);
      if (fail.has(job.stage.name)) return { kind: "exit-code", command: job.stage.cmd[0] as string, code: 4 };
      for (const o of job.stage.outs) writeFileSync(join(root, o.path), `${job.stage.name}\n`);
      return null;
    },
  };
}

async function open(): Promise<{ project: Project; plan: Plan }> {
  const opened = await openProject(root);
  if (!opened.ok) throw new Error(JSON.stringify(opened.error));
  const plan = planRun(opened.value.graph, {
    targets: [],
    force: false,
    singleItem: false,
    downstream: false,
    jobs: 2,
    policy: "fail-fast",
    useRunCache: true,
  });
  if ("kind" in plan) throw new Error("bad plan");
  return { project: opened.value, plan };
}

describe("runSession", () => {
  it("runs through the injected executor, sends every event with the run id to every sink, and returns data", async () => {
    const { project, plan } = await open();
    const executor = fakeExecutor();
    const a: RunEvent[] = [];
    const b: RunEvent[] = [];
    const r = await runSession({
      project,
      plan,
      sink: fanOut(
        (e) => a.push(e),
        (e) => b.push(e),
        stageLogSink(join(root, "logs")),
      ),
      signal: new AbortController().signal,
      env: { HOME: "/nowhere" },
      executor,
      runId: "run-1",
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.runId).toBe("run-1");
    expect([...r.value.run.outcomes]).toEqual([
      ["prep", "ran"],
      ["fit", "ran"],
    ]);
    expect(executor.jobs.map((j) => [j.stage.name, j.cwd, j.env.PIPE_STAGE, j.env.PIPE_ROOT, j.env.HOME])).toEqual([
      ["prep", root, "prep", root, "/nowhere"],
      ["fit", root, "fit", root, "/nowhere"],
    ]);
    expect(a.length).toBeGreaterThan(0);
    expect(a).toEqual(b);
    expect(a.every((e) => e.runId === "run-1")).toBe(true);
    expect(a.map((e) => e.type)).toEqual(["plan", "stage-start", "stage-output", "stage-done", "stage-start", "stage-output", "stage-done", "summary"]);
    expect(readFileSync(join(root, "logs", "fit.log"), "utf8")).toContain("hello from fit");
    // Every run that ran a stage is an experiment, recorded from the lock held in memory.
    expect(r.value.experiment?.ok).toBe(true);
    const { records } = await new ExpStore(root).list();
    expect(records.map((x) => Object.keys(x.deps).sort())).toEqual([["prep.txt", "raw.txt"]]);
    expect(existsSync(join(root, ".cache", "repro.lock"))).toBe(false);
  });

  it("carries a failure as data, and records a named experiment with its overrides", async () => {
    const { project, plan } = await open();
    const events: RunEvent[] = [];
    const r = await runSession({
      project,
      plan,
      sink: (e) => events.push(e),
      signal: new AbortController().signal,
      env: {},
      executor: fakeExecutor(new Set(["fit"])),
      experiment: { name: "try-1", overrides: { "params.yaml": { lr: 0.1 } } },
    });
    expect(r.ok && r.value.run.failed).toBe(true);
    expect(events.find((e) => e.type === "stage-done" && e.stage === "fit")).toMatchObject({
      outcome: "failed",
      failure: { kind: "exit-code", command: "make-fit", code: 4 },
    });
    expect(r.ok && r.value.experiment?.ok && r.value.experiment.value).toMatchObject({
      name: "try-1",
      status: "failed",
      overrides: { "params.yaml": { lr: 0.1 } },
    });
  });

  it("an experiment is recorded even when nothing had to run; a plain up-to-date run records none", async () => {
    const { project, plan } = await open();
    const base = { project, plan, sink: () => {}, signal: new AbortController().signal, env: {}, executor: fakeExecutor() };
    await runSession(base);
    const again = await runSession(base);
    expect(again.ok && again.value.experiment).toBeUndefined();
    const named = await runSession({ ...base, experiment: { name: "noop" } });
    expect(named.ok && named.value.experiment?.ok).toBe(true);
    expect((await new ExpStore(root).list()).records.map((x) => x.name)).toContain("noop");
  });

  it("says who holds the project when another session runs", async () => {
    const { project, plan } = await open();
    const held = takeReproGuard(root, { pid: process.pid });
    expect(held.ok).toBe(true);
    const r = await runSession({ project, plan, sink: () => {}, signal: new AbortController().signal, env: {}, executor: fakeExecutor() });
    expect(r).toMatchObject({ ok: false, error: { kind: "busy", liveness: "alive", holder: { pid: process.pid } } });
    if (held.ok) held.release();
  });

  it("an aborted signal starts nothing", async () => {
    const { project, plan } = await open();
    const c = new AbortController();
    c.abort();
    const executor = fakeExecutor();
    const r = await runSession({ project, plan, sink: () => {}, signal: c.signal, env: {}, executor });
    expect(r.ok && r.value.run.interrupted).toBe(true);
    expect(executor.jobs).toEqual([]);
  });
});

describe("openProject and predictRun", () => {
  it("a broken pipeline comes back as diagnostics with their sources, not a throw", async () => {
    write("pipeline.yaml", "stages:\n  a:\n    cmd: x\n    outs: [o]\n  b:\n    cmd: y\n    outs: [o]\n");
    const r = await openProject(join(root));
    expect(r.ok).toBe(false);
    if (r.ok || r.error.kind !== "invalid") throw new Error("expected diagnostics");
    expect(r.error.diagnostics.map((d) => d.code)).toEqual(["duplicate-output"]);
    expect(r.error.sources.get("pipeline.yaml")).toContain("outs: [o]");
    expect(await openProject("/")).toMatchObject({ ok: false, error: { kind: "no-project" } });
  });

  it("predicts with the run's own decision: a restore only when the objects are there", async () => {
    const { project, plan } = await open();
    await runSession({ project, plan, sink: () => {}, signal: new AbortController().signal, env: {}, executor: fakeExecutor() });
    rmSync(join(root, "model.txt"));
    const stores = await openStores(root);
    if (!stores.ok) throw new Error("stores");
    const kinds = async (): Promise<string[]> => (await predictRun(plan, stores.value)).map((p) => `${p.stage}:${p.decision.kind}`);
    // model.txt's object is in the cache: fit would be restored, and the run restores it.
    expect(await kinds()).toEqual(["prep:fresh", "fit:restore"]);
    // Without the object the run cache cannot stand in: the dry run says run, and the run runs.
    const lock = stores.value.lock.stages["fit"];
    const digest = lock?.outs[0]?.hash as string;
    rmSync(join(root, ".cache", "objects", digest.slice(0, 2), digest.slice(2)), { force: true });
    expect(await kinds()).toEqual(["prep:fresh", "fit:run"]);
    const r = await runSession({ project, plan, sink: () => {}, signal: new AbortController().signal, env: {}, executor: fakeExecutor() });
    expect(r.ok && r.value.run.outcomes.get("fit" as never)).toBe("ran");
  });
});
