// One real `repro` run: take the project's process lock, open the workspace, wire Ctrl-C to the
// executor's abort signal, render events, and leave lock and cache consistent whatever happens.
import { rm } from "node:fs/promises";
import type { Plan } from "../plan/index.js";
import { acquireProcessLock, execaSpawner, runPlan, type ExecContext, type RunResult } from "../exec/index.js";
import { createLockStore } from "../exec/lock-store.js";
import { jsonReporter, plainReporter, ttyReporter, type Reporter } from "../report/index.js";
import { ExitCode, UserError, type CliIO } from "./io.js";
import type { Project } from "./project.js";
import { openWorkspace } from "./workspace.js";

export interface SessionOptions {
  readonly json: boolean;
}

export function makeReporter(io: CliIO, json: boolean): Reporter {
  if (json) return jsonReporter(io.stdout);
  return io.isTTY ? ttyReporter(io.stderr) : plainReporter(io.stderr);
}

/** Runs the plan; returns the run result, or throws UserError when another repro holds the project. */
export async function runSession(project: Project, plan: Plan, opts: SessionOptions, io: CliIO): Promise<RunResult> {
  const held = acquireProcessLock(project.root);
  if (!held.ok) {
    throw new UserError(
      `pipe repro: another pipe repro (pid ${Number.isNaN(held.holderPid) ? "unknown" : held.holderPid}) is running in this project (${held.path}); wait for it or stop it`,
      ExitCode.stageFailed,
    );
  }
  const reporter = makeReporter(io, opts.json);
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr("\ninterrupt: stopping running stages (Ctrl-C again to exit at once)\n");
      controller.abort();
    } else {
      held.release();
      process.exit(130);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const ws = await openWorkspace(project.root, (message) => reporter.emit({ type: "warning", message }));
    const ctx: ExecContext = {
      root: project.root,
      hasher: ws.hasher,
      cache: ws.cache,
      lock: createLockStore(project.root, ws.lock),
      fs: {
        remove: (abs) => rm(abs, { recursive: true, force: true }),
      },
      spawn: execaSpawner,
      now: Date.now,
      env: io.env,
      emit: reporter.emit,
      signal: controller.signal,
    };
    try {
      return await runPlan(plan, ctx);
    } finally {
      await ws.hasher.flush();
    }
  } finally {
    reporter.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    held.release();
  }
}

export async function executeRepro(project: Project, plan: Plan, opts: SessionOptions, io: CliIO): Promise<number> {
  const result = await runSession(project, plan, opts, io);
  await recordExperimentIfAny(project, result, io);
  if (result.interrupted) return 130;
  return result.failed ? ExitCode.stageFailed : ExitCode.ok;
}

/** Every repro that ran or restored a stage is recorded as an experiment (see `pipe exp show`). */
async function recordExperimentIfAny(project: Project, result: RunResult, io: CliIO): Promise<void> {
  if (result.counts.ran + result.counts.restored === 0) return;
  try {
    const exp = await import("../exp/index.js");
    await exp.recordRun({ root: project.root, pipeline: project.pipeline, result, env: io.env });
  } catch (e) {
    io.stderr(`warning: could not record the experiment: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
