// A repro session, the engine's front door for running: take the project's repro guard, open the
// stores, run the plan through the chosen executor with every event going to the caller's sink,
// record the experiment, and leave the guard, the lock and the cache consistent whatever happens.
// The CLI, `exp run`, `watch`, the UI and a cluster driver all run a repro through this.
import { withSharedRuns, type SharedRuns } from "./shared-runs.js";
import { join } from "node:path";
import type { Result } from "../diagnostics/types.js";
import { emitTo, newRunId, type EventSink } from "../events/index.js";
import { createLockStore, execaSpawner, localExecutor, runPlan, type ExecContext, type RunResult, type StageExecutor } from "../exec/index.js";
import type { ExperimentRecord, ExperimentSpec } from "../exp/index.js";
import type { Holder, Liveness } from "../files/holder.js";
import { nodeHashFs } from "../hashing/fs.js";
import { lockPathOf, splitLock } from "../lock/address.js";
import type { LockFile } from "../lock/index.js";
import { LOCK_FILE } from "../lock/types.js";
import { dropFreshStamp, statSig, type StatSig } from "../memo/fresh-stamp.js";
import { recordStats } from "../memo/stamp-recorder.js";
import type { Plan } from "../plan/index.js";
import type { Project } from "./project.js";
import { followRun } from "./live-follow.js";
import { takeReproGuard } from "./repro-guard.js";
import { coversWholePipeline, writeStamp } from "./stamp.js";
import { openStores, type StoresError } from "./stores.js";
import { workspaceFs } from "./workspace-fs.js";

export interface SessionRequest {
  readonly project: Project;
  readonly plan: Plan;
  /** Every event of the run, each carrying the run id (fan out with events/fanOut). */
  readonly sink: EventSink;
  /** Abort to stop: running stages are stopped, nothing new starts. */
  readonly signal: AbortSignal;
  /** The base environment of stage commands. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Run as this experiment (`pipe exp run`): recorded even when nothing had to run. */
  readonly experiment?: ExperimentSpec;
  /** How stage commands run; local processes by default. */
  readonly executor?: StageExecutor;
  readonly runId?: string;
  /** `repro --pull`: a remote whose run cache is consulted on a local miss. */
  readonly sharedRuns?: SharedRuns;
  /** Which no-target request this plan answers (see ReplayRequest.scope), kept in the up-to-date stamp. */
  readonly scope?: string;
}

export interface SessionResult {
  readonly runId: string;
  readonly run: RunResult;
  /** The experiment record, or why it could not be written; absent when none was due. */
  readonly experiment?: Result<ExperimentRecord, string>;
}

export type SessionError =
  { readonly kind: "busy"; readonly holder: Holder | null; readonly liveness: Liveness | "unknown"; readonly path: string } | StoresError;

export async function runSession(req: SessionRequest): Promise<Result<SessionResult, SessionError>> {
  const { project, plan } = req;
  const guard = takeReproGuard(project.root);
  if (!guard.ok) return { ok: false, error: { kind: "busy", holder: guard.holder, liveness: guard.liveness, path: guard.path } };
  // A hard exit (a second Ctrl-C) still gives the guard back.
  const onExit = (): void => guard.release();
  process.on("exit", onExit);
  const runId = req.runId ?? newRunId();
  // The live feed for `pipe ui` and each stage's last log (best effort: never throws).
  const follow = await followRun(project.root, runId, req.sink);
  const emit = emitTo(runId, follow.sink);
  try {
    // The stamp vouches for the workspace as it was; whatever this run does, it is re-earned.
    dropFreshStamp(project.root);
    const recorder = coversWholePipeline(plan) ? recordStats(nodeHashFs, project.root) : null;
    const lockSig = statSig(join(project.root, LOCK_FILE));
    const subLockSigs = subLockSignatures(project);
    const opened = await openStores(project.root, {
      pipelines: project.pipelines,
      onWarning: (message) => emit({ type: "warning", message }),
      ...(recorder === null ? {} : { fs: recorder.fs }),
    });
    if (!opened.ok) return opened;
    const stores = opened.value;
    const lock =
      project.pipelines.length > 1 ? createLockStore(project.root, stores.lock, splitWriter(project.pipelines)) : createLockStore(project.root, stores.lock);
    const ctx: ExecContext = {
      root: project.root,
      hasher: stores.hasher,
      cache: req.sharedRuns === undefined ? stores.cache : withSharedRuns(stores.cache, req.sharedRuns, (message) => emit({ type: "warning", message })),
      lock,
      fs: workspaceFs(project.root),
      executor: req.executor ?? localExecutor(execaSpawner),
      now: Date.now,
      env: req.env,
      emit,
      signal: req.signal,
    };
    let run: RunResult;
    try {
      run = await runPlan(plan, ctx);
      if (recorder !== null && lockSig !== null) await writeStamp(project, plan, run, recorder, lockSig, subLockSigs, req.scope ?? "");
    } finally {
      await stores.hasher.flush();
      await stores.cache.flush();
    }
    const due = run.counts.ran + run.counts.restored > 0 || (req.experiment !== undefined && !run.failed);
    if (!due) return { ok: true, value: { runId, run } };
    const experiment = await recordExperiment(project, run, lock.current(), req);
    return { ok: true, value: { runId, run, experiment } };
  } finally {
    follow.close();
    process.off("exit", onExit);
    guard.release();
  }
}

/** Each sub-pipeline's lock signature, taken before the locks are read (absent ones left out). */
function subLockSignatures(project: Project): Map<string, StatSig> {
  const sigs = new Map<string, StatSig>();
  for (const f of project.pipelines) {
    const path = lockPathOf(f);
    if (path === LOCK_FILE) continue;
    const sig = statSig(join(project.root, path));
    if (sig !== null) sigs.set(path, sig);
  }
  return sigs;
}

/** Writes the merged lock back as each pipeline's own lock (each only when its content changed). */
function splitWriter(pipelines: readonly string[]): (root: string, lock: LockFile) => Promise<boolean> {
  return async (root, lock) => {
    const { writeLock } = await import("../lock/write.js");
    let wrote = false;
    for (const [path, part] of splitLock(lock, pipelines)) wrote = (await writeLock(root, part, path)) || wrote;
    return wrote;
  };
}

/** Every repro that ran or restored a stage is an experiment (see `pipe exp show`). */
async function recordExperiment(project: Project, run: RunResult, lock: LockFile, req: SessionRequest): Promise<Result<ExperimentRecord, string>> {
  try {
    const exp = await import("../exp/index.js");
    const record = await exp.recordRun({
      root: project.root,
      pipeline: project.pipeline,
      lock,
      result: run,
      env: req.env,
      ...(req.experiment !== undefined ? { experiment: req.experiment } : {}),
    });
    return { ok: true, value: record };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
