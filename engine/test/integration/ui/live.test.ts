// The live feed end to end: pipe ui's server listening on 127.0.0.1:0, an SSE client, and a
// `pipe repro` started as its own process (as from a terminal): its events reach the client as
// they happen, /api/pipeline shows the stage running while it runs, then fresh, and the new
// experiment is announced.
import { spawn } from "node:child_process";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActiveRunResponse, LiveMessage, PipelineResponse } from "../../../src/ui/api.js";
import type { RunEvent } from "../../../src/events/index.js";
import { createUiServer } from "../../../src/ui/server/app.js";
import { readLastLog } from "../../../src/report/stage-last-log.js";
import { PIPE_BIN, type Rig } from "../../helpers/rig.js";
import { expectOk, makeUiProject } from "./fixture.js";
import { connectSse, type SseClient } from "./sse-client.js";

let rig: Rig;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  rig = makeUiProject({ git: false });
  expectOk(rig.pipe("repro"), "first repro");
  app = createUiServer({ root: rig.dir, version: "t", watch: { intervalMs: 200 } });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  base = address;
}, 120_000);

afterAll(async () => {
  await app?.close();
  rig?.cleanup();
});

const runEvent = (m: LiveMessage): RunEvent | null => (m.type === "run" ? m.event : null);

/** A run event of `type` about `stage` (and with `outcome`, when given). */
function isStageEvent(m: LiveMessage, type: "stage-start" | "stage-done", stage: string, outcome?: string): boolean {
  const e = runEvent(m);
  if (e === null || e.type !== type || e.stage !== stage) return false;
  return outcome === undefined || (e.type === "stage-done" && e.outcome === outcome);
}

async function pipeline(): Promise<PipelineResponse> {
  const r = await fetch(`${base}/api/pipeline`);
  expect(r.status).toBe(200);
  return (await r.json()) as PipelineResponse;
}

describe("live: a repro started from a terminal shows up on an open page", () => {
  let sse: SseClient;
  beforeAll(async () => {
    sse = await connectSse(`${base}/api/events`);
  });
  afterAll(() => sse?.close());

  it("streams its events, marks the running stage, then the fresh one and the new experiment", async () => {
    rig.write("params.yaml", "train:\n  lr: 0.4\n  epochs: 2\n");
    const child = spawn(process.execPath, [PIPE_BIN, "repro"], {
      cwd: rig.dir,
      env: { ...process.env, CI: "true", UI_TEST_GATE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const exited = new Promise<number | null>((res) => child.on("close", res));
    try {
      const start = runEvent(await sse.waitFor((m) => isStageEvent(m, "stage-start", "train"), "train's stage-start"));
      const runId = start?.runId ?? "";
      expect(runEvent(await sse.waitFor((m) => runEvent(m)?.type === "plan", "the plan"))?.runId).toBe(runId);
      await sse.waitFor((m) => m.type === "run" && m.event.type === "stage-output" && m.event.line === "waiting for the gate", "train's first output line");

      // While train waits at its gate: running on the Pipeline page, the run active with its events so far.
      const during = await pipeline();
      expect(during.activeRun).toBe(runId);
      expect(during.stages.find((s) => s.name === "train")?.state).toBe("running");
      expect(during.stages.find((s) => s.name === "prepare")?.state).toBe("fresh");
      const active = (await (await fetch(`${base}/api/runs/active`)).json()) as ActiveRunResponse;
      expect(active.runId).toBe(runId);
      expect(active.events.map((e) => e.type)).toEqual(expect.arrayContaining(["plan", "stage-start", "stage-output"]));

      rig.write("gate", "");
      const done = runEvent(await sse.waitFor((m) => isStageEvent(m, "stage-done", "train"), "train's stage-done"));
      expect(done).toMatchObject({ outcome: "ran", runId });
      const summary = runEvent(await sse.waitFor((m) => runEvent(m)?.type === "summary", "the summary"));
      expect(summary).toMatchObject({ runId, counts: { ran: 1, fresh: 1, failed: 0 } });
      await sse.waitFor((m) => m.type === "experiments-changed", "experiments-changed");
      await sse.waitFor((m) => m.type === "pipeline-changed", "pipeline-changed (the lock was written)");
      expect(await exited, stderr).toBe(0);

      // Every line the stage printed came through, in order.
      const lines = sse.messages.flatMap((m) => (m.type === "run" && m.event.type === "stage-output" && m.event.stage === "train" ? [m.event.line] : []));
      expect(lines).toEqual(["waiting for the gate", "epoch 1 loss 0.2", "epoch 2 loss 0.1", "trained with lr 0.4"]);

      const after = await pipeline();
      expect(after.activeRun).toBeNull();
      expect(after.stages.map((s) => s.state)).toEqual(["fresh", "fresh"]);
      expect(readLastLog(rig.dir, "train")?.header).toMatchObject({ runId, outcome: "ran" });
      const exps = (await (await fetch(`${base}/api/experiments`)).json()) as { rows: { kind: string; params: Record<string, unknown> }[] };
      expect(exps.rows.filter((r) => r.kind === "experiment")[0]?.params["params.yaml:train.lr"]).toBe(0.4);
    } finally {
      child.kill();
      await exited;
      rig.remove("gate");
    }
  });

  it("a failing stage shows as failed", async () => {
    rig.write("train.mjs", 'console.log("about to fail"); process.exit(3);\n');
    const r = rig.pipe("repro");
    expect(r.code).toBe(1);
    const failed = runEvent(await sse.waitFor((m) => isStageEvent(m, "stage-done", "train", "failed"), "train failing"));
    expect(failed?.type).toBe("stage-done");
    const view = await pipeline();
    expect(view.stages.find((s) => s.name === "train")?.state).toBe("failed");
    expect(view.activeRun).toBeNull();
    expect(readLastLog(rig.dir, "train")?.text).toMatch(/^# pipe: run \S+ started \S+ failed in \d+ ms\nabout to fail\n$/);
  });

  it("a run killed mid-way (kill -9) is not left active or running", async () => {
    // The stage records its pid: pipe starts it in a process group of its own, so it outlives a
    // killed pipe and the test stops it itself.
    rig.write(
      "train.mjs",
      'import { writeFileSync } from "node:fs"; writeFileSync("stage.pid", String(process.pid)); console.log("hanging"); setInterval(() => {}, 1000);\n',
    );
    const child = spawn(process.execPath, [PIPE_BIN, "repro"], { cwd: rig.dir, env: { ...process.env, CI: "true" }, stdio: "ignore" });
    const exited = new Promise<unknown>((res) => child.on("close", res));
    try {
      const hanging = runEvent(
        await sse.waitFor((m) => m.type === "run" && m.event.type === "stage-output" && m.event.line === "hanging", "the hanging stage"),
      );
      expect((await pipeline()).activeRun).toBe(hanging?.runId);
      child.kill("SIGKILL");
      await exited;
      const view = await pipeline();
      expect(view.activeRun).toBeNull();
      expect(view.stages.find((s) => s.name === "train")?.state).not.toBe("running");
    } finally {
      child.kill("SIGKILL");
      if (rig.exists("stage.pid")) process.kill(Number(rig.read("stage.pid")), "SIGKILL");
      rig.remove(".cache/repro.lock");
    }
  });

  it("an edited stage script is announced, and its stage turns stale without a reload", async () => {
    const before = sse.messages.length;
    rig.write("train.mjs", 'console.log("edited"); process.exit(0);\n');
    await sse.waitFor((m) => m.type === "pipeline-changed" && sse.messages.indexOf(m) >= before, "pipeline-changed (train.mjs edited)");
    const train = (await pipeline()).stages.find((s) => s.name === "train");
    expect(train?.state).toBe("stale");
    expect(train?.reasons.join("; ")).toMatch(/train\.mjs/);
  });
});
