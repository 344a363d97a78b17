// One real `repro` run: take the project's process lock, open the workspace, wire Ctrl-C to the
// executor's abort signal, render events, and leave lock and cache consistent whatever happens.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Plan } from "../plan/index.js";
import { acquireProcessLock, execaSpawner, runPlan, type ExecContext, type RunResult } from "../exec/index.js";
import { createLockStore } from "../exec/lock-store.js";
import { dropFreshStamp, FRESH_STAMP_FILE, encodeStamp, statSig, type StampedOutcome, type StatSig } from "../cache/fresh-stamp.js";
import { recordStats, stampOf, type StatRecorder } from "../cache/stamp-recorder.js";
import { nodeHashFs, writeTextAtomic } from "../hashing/fs.js";
import { LOCK_FILE } from "../lock/types.js";
import { ExitCode, UserError, type CliIO } from "./io.js";
import type { Project } from "./project.js";
import { makeReporter } from "./reporter.js";
import { openWorkspace } from "./workspace.js";

export interface SessionOptions {
  readonly json: boolean;
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
    // The stamp vouches for the workspace as it was; whatever this run does, it is re-earned.
    dropFreshStamp(project.root);
    const stampable = coversWholePipeline(plan);
    const recorder = stampable ? recordStats(nodeHashFs, project.root) : null;
    const lockSig = statSig(join(project.root, LOCK_FILE));
    const ws = await openWorkspace(project.root, (message) => reporter.emit({ type: "warning", message }), recorder?.fs);
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
      const result = await runPlan(plan, ctx);
      if (recorder !== null && lockSig !== null) await writeStamp(project, plan, result, recorder, lockSig);
      return result;
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

/**
 * Only a run over every stage, forcing none, can vouch for the whole pipeline; glob deps are
 * expanded outside the hasher, so their folders' listings would not be recorded.
 */
function coversWholePipeline(plan: Plan): boolean {
  if (plan.stages.length !== plan.graph.order.length || plan.forced.size > 0) return false;
  return plan.stages.every((name) => {
    const stage = plan.graph.stage(name);
    return !stage.alwaysChanged && !stage.deps.some((d) => d.glob);
  });
}

/** Writes the up-to-date stamp when every stage of the run was fresh or frozen (best effort). */
async function writeStamp(project: Project, plan: Plan, result: RunResult, recorder: StatRecorder, lockSig: StatSig): Promise<void> {
  if (result.interrupted) return;
  const done: Array<[string, StampedOutcome]> = [];
  for (const [stage, outcome] of result.outcomes) {
    if (outcome !== "fresh" && outcome !== "frozen") return;
    done.push([stage, outcome]);
  }
  if (done.length !== plan.stages.length) return;
  const seen = recorder.seen();
  if (seen === null) return;
  const stamp = stampOf({ root: project.root, file: project.pipeline.file, texts: project.pipeline.sources, lockSig, plan: plan.stages, done, seen });
  if (stamp === null) return;
  try {
    await writeTextAtomic(join(project.root, FRESH_STAMP_FILE), encodeStamp(stamp));
  } catch {
    /* the stamp is a shortcut only */
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
