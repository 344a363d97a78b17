// One stage's turn: look at the workspace, decide (status/decision.ts), then skip (fresh, frozen),
// fail (a dep missing), restore from the run cache, or run its commands through the context's
// executor and record the result (cache objects, run-cache entry, pipeline.lock). A fresh stage
// whose record was read from an older form (legacy digests, dvc.lock) is recorded anew.
import { delimiter, join } from "node:path";
import type { RelPath, Stage } from "../config/types.js";
import type { StageResult } from "../events/index.js";
import { PathEscapeError, type HashInfo } from "../hashing/index.js";
import type { Decision, Observation, Recall } from "../status/index.js";
import { cmdText, createRecall, observe, stageFingerprint, uncacheable } from "../status/index.js";
import { byPath } from "../common/order.js";
import { describeRestoreProblem } from "../cache/index.js";
import { lockItem } from "../lock/types.js";
import type { ExecContext, LockEntry, LockItem, LockStore, RunOut } from "./context.js";
import { decideWithRunCache, infoOf } from "./run-cache-lookup.js";

export type { StageResult } from "../events/index.js";

const runOut = (path: RelPath, info: HashInfo): RunOut => ({ path, ...info });

function lockEntry(stage: Stage, deps: ReadonlyMap<string, HashInfo | null>, outs: ReadonlyMap<string, HashInfo>): LockEntry {
  const depList: LockItem[] = [];
  for (const [path, info] of deps) if (info) depList.push(lockItem(path as RelPath, info));
  const outList = [...outs].map(([path, info]) => lockItem(path as RelPath, info));
  return {
    cmd: cmdText(stage),
    ...(Object.keys(stage.env).length > 0 ? { env: stage.env } : {}),
    deps: depList.sort(byPath),
    params: stage.paramValues,
    outs: outList.sort(byPath),
  };
}

/** Runs `task` when one of the plan's `jobs` slots is free (or declines to, after a stop). */
export type RunSlot = (task: () => Promise<StageResult>) => Promise<StageResult>;

/** What the walker (run-plan.ts) does with a stage when its turn comes; runStage by default. */
export type StageTurn = (stage: Stage, opts: TurnOptions, ctx: ExecContext, slot: RunSlot) => Promise<StageResult>;

export interface TurnOptions {
  readonly forced: boolean;
  readonly useRunCache: boolean;
}

const immediate: RunSlot = (task) => task();

/** One recall per lock store (so per run): its legacy hasher and dvc.lock reads are shared by the stages. */
const recalls = new WeakMap<LockStore, Recall>();
function recallOf(ctx: ExecContext): Recall {
  let r = recalls.get(ctx.lock);
  if (r === undefined) {
    r = createRecall(ctx.root, ...(ctx.expandGlob === undefined ? [] : [ctx.expandGlob]));
    recalls.set(ctx.lock, r);
  }
  return r;
}

/** A stage's turn: the check is free, restoring or running takes one of the `jobs` slots. */
export async function runStage(stage: Stage, opts: TurnOptions, ctx: ExecContext, slot: RunSlot = immediate): Promise<StageResult> {
  try {
    return await turn(stage, opts, ctx, slot);
  } catch (e) {
    if (e instanceof PathEscapeError) return { outcome: "failed", failure: { kind: "outside-project", path: e.path, target: e.target } };
    throw e;
  }
}

async function turn(stage: Stage, opts: TurnOptions, ctx: ExecContext, slot: RunSlot): Promise<StageResult> {
  if (stage.frozen && !opts.forced) return { outcome: "frozen" };
  const obs = await observe(stage, ctx.hasher, ctx.expandGlob);
  const recalled = await recallOf(ctx)(stage, obs, ctx.lock.get(stage.name));
  const input = { stage, forced: opts.forced, useRunCache: opts.useRunCache, obs, recorded: recalled.recorded };
  const d = await decideWithRunCache(input, ctx.cache);
  switch (d.kind) {
    case "frozen":
      return { outcome: "frozen" };
    case "fresh":
      if (recalled.from !== null) return slot(() => adopt(stage, ctx, obs));
      return { outcome: "fresh" };
    case "pending": // only a dry run predicts upstream changes; here upstream has finished
      return { outcome: "fresh" };
    case "fail":
      return { outcome: "failed", failure: d.failure };
    case "restore":
      return slot(() => restore(stage, d, ctx, obs));
    case "run":
      return slot(() => run(stage, d, ctx, obs));
    default: {
      const never: never = d;
      throw new Error(`unknown decision ${JSON.stringify(never)}`);
    }
  }
}

/**
 * A stage found fresh against a record of an older form (legacy xxh64 digests, or dvc.lock): its
 * outs go into the cache under their BLAKE3 names (so checkout and push find them), its result into
 * the run cache, and pipeline.lock records it with today's digests. Nothing runs.
 */
async function adopt(stage: Stage, ctx: ExecContext, obs: Observation): Promise<StageResult> {
  const outs = new Map<string, HashInfo>();
  const runOuts: RunOut[] = [];
  for (const out of stage.outs) {
    const info = obs.outs.get(out.path);
    if (info === undefined || info === null) return { outcome: "fresh" }; // cannot be: fresh means every out is there
    await ctx.cache.save(out.path, info);
    outs.set(out.path, info);
    runOuts.push(runOut(out.path, info));
  }
  const fp = uncacheable(stage) === null ? stageFingerprint(stage, obs.deps) : null;
  if (fp !== null) await ctx.cache.putRun(fp, { outs: runOuts, durationMs: 0, createdAt: new Date(ctx.now()).toISOString() });
  await ctx.lock.set(stage.name, lockEntry(stage, obs.deps, outs));
  return { outcome: "fresh" };
}

async function restore(stage: Stage, d: Extract<Decision, { kind: "restore" }>, ctx: ExecContext, obs: Observation): Promise<StageResult> {
  for (const out of stage.outs) ctx.invalidate?.(out.path);
  const outs = new Map<string, HashInfo>();
  for (const o of d.entry.outs) {
    const info = infoOf(o);
    if (obs.outs.get(o.path)?.digest !== o.digest) {
      const problem = await ctx.cache.restoreChecked(o.path, info);
      if (problem !== null) {
        // Only verified bytes reach the workspace: make the outputs again instead.
        ctx.emit({ type: "warning", message: `${describeRestoreProblem(o.path, problem)} (output of stage '${stage.name}'); running the stage instead` });
        return run(stage, { kind: "run", reasons: d.reasons, forced: false, record: d.fingerprint, consult: null, noRestore: "unusable" }, ctx, obs);
      }
    }
    outs.set(o.path, info);
  }
  await ctx.lock.set(stage.name, lockEntry(stage, obs.deps, outs));
  return d.entry.origin === undefined ? { outcome: "restored" } : { outcome: "restored", from: d.entry.origin };
}

async function run(stage: Stage, d: Extract<Decision, { kind: "run" }>, ctx: ExecContext, obs: Observation): Promise<StageResult> {
  for (const out of stage.outs) ctx.invalidate?.(out.path);
  ctx.emit({ type: "stage-start", stage: stage.name, reason: d.reasons[0] ?? "forced" });
  const started = ctx.now();
  for (const out of stage.outs) {
    const abs = join(ctx.root, out.path);
    if (out.persist) await ctx.cache.unprotect(out.path);
    else await ctx.fs.remove(abs);
  }
  const failure = await ctx.executor.run({
    stage,
    cwd: join(ctx.root, stage.wdir),
    env: stageEnv(stage, ctx),
    signal: ctx.signal,
    onLine: (stream, line) => ctx.emit({ type: "stage-output", stage: stage.name, stream, line }),
  });
  if (failure !== null) return { outcome: "failed", failure };

  const outs = new Map<string, HashInfo>();
  for (const out of stage.outs) {
    // The command may have made an out a symlink that leads out of the project: never collect it.
    const target = await ctx.fs.escapes(out.path);
    if (target !== null) return { outcome: "failed", failure: { kind: "outside-project", path: out.path, target } };
    const info = await ctx.hasher.hashPath(out.path);
    if (!info) return { outcome: "failed", failure: { kind: "missing-output", path: out.path } };
    outs.set(out.path, info);
  }
  // Every out goes to the object store (metrics with `cache: false` too, so the run cache can
  // bring them back); `cache: false` only means the file is also meant to be tracked by git.
  const runOuts: RunOut[] = [];
  for (const out of stage.outs) {
    const info = outs.get(out.path) as HashInfo;
    await ctx.cache.save(out.path, info);
    runOuts.push(runOut(out.path, info));
  }
  if (d.record !== null) {
    await ctx.cache.putRun(d.record, { outs: runOuts, durationMs: ctx.now() - started, createdAt: new Date(ctx.now()).toISOString() });
  }
  await ctx.lock.set(stage.name, lockEntry(stage, obs.deps, outs));
  return { outcome: "ran" };
}

/** The stage's environment: the base env, pipe's variables, node_modules/.bin on PATH, then `env:`. */
export function stageEnv(stage: Stage, ctx: Pick<ExecContext, "env" | "root">): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  env.PIPE_ROOT = ctx.root;
  env.PIPE_STAGE = stage.name;
  env.PATH = [join(ctx.root, "node_modules", ".bin"), env.PATH ?? ""].filter(Boolean).join(delimiter);
  return { ...env, ...stage.env };
}
