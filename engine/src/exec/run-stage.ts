// One stage's turn: look at the workspace, decide, then skip (fresh), restore from the run cache,
// or run its commands and record the result (cache objects, run cache entry, pipeline.lock).
import { delimiter, join } from "node:path";
import type { RelPath, Stage } from "../config/types.js";
import type { HashInfo } from "../hashing/index.js";
import type { StageOutcome } from "../report/events.js";
import type { Observation, Verdict } from "../status/index.js";
import { cmdText, describeReason, observe, verdict } from "../status/index.js";
import { lockItem } from "../lock/types.js";
import type { ExecContext, LockEntry, LockItem, RunOut } from "./context.js";

export interface StageResult {
  readonly outcome: StageOutcome;
  readonly message?: string;
}

const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** A run-cache out is a path plus its HashInfo; these two convert. */
const infoOf = (o: RunOut): HashInfo => ({ digest: o.digest, size: o.size, isDir: o.isDir, ...(o.nfiles !== undefined ? { nfiles: o.nfiles } : {}) });
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

const immediate: RunSlot = (task) => task();

/** A stage's turn: the check is free, restoring or running takes one of the `jobs` slots. */
export async function runStage(stage: Stage, forced: boolean, useRunCache: boolean, ctx: ExecContext, slot: RunSlot = immediate): Promise<StageResult> {
  if (stage.frozen && !forced) return { outcome: "frozen" };
  const obs = await observe(stage, ctx.hasher, ctx.expandGlob);
  const v = verdict(stage, obs, ctx.lock.get(stage.name), { forced, useRunCache });
  if (v.kind === "fresh") return { outcome: "fresh" };
  const missing = v.reasons.find((r) => r.kind === "dep-missing");
  if (missing) return { outcome: "failed", message: describeReason(missing) };
  return slot(() => runStale(stage, v, ctx, obs));
}

async function runStale(stage: Stage, v: Extract<Verdict, { kind: "stale" }>, ctx: ExecContext, obs: Observation): Promise<StageResult> {
  for (const out of stage.outs) ctx.invalidate?.(out.path);

  const fp = v.fingerprint;
  if (fp && v.mayRestore) {
    const hit = await ctx.cache.getRun(fp);
    if (hit && (await restorable(stage, hit.outs, ctx))) {
      const outs = new Map<string, HashInfo>();
      for (const o of hit.outs) {
        const info = infoOf(o);
        if (obs.outs.get(o.path)?.digest !== o.digest) await ctx.cache.restore(o.path, info);
        outs.set(o.path, info);
      }
      await ctx.lock.set(stage.name, lockEntry(stage, obs.deps, outs));
      return { outcome: "restored" };
    }
  }

  ctx.emit({ type: "stage-start", stage: stage.name, reason: v.reasons[0] ?? "forced" });
  const started = ctx.now();
  for (const out of stage.outs) {
    const abs = join(ctx.root, out.path);
    if (out.persist) await ctx.cache.unprotect(out.path);
    else await ctx.fs.remove(abs);
  }
  const failure = await runCommands(stage, ctx);
  if (failure) return { outcome: "failed", message: failure };

  const outs = new Map<string, HashInfo>();
  for (const out of stage.outs) {
    const info = await ctx.hasher.hashPath(out.path);
    if (!info) return { outcome: "failed", message: `missing output: ${out.path}` };
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
  if (fp && !stage.alwaysChanged) {
    await ctx.cache.putRun(fp, { outs: runOuts, durationMs: ctx.now() - started, createdAt: new Date(ctx.now()).toISOString() });
  }
  await ctx.lock.set(stage.name, lockEntry(stage, obs.deps, outs));
  return { outcome: "ran" };
}

async function restorable(stage: Stage, outs: readonly RunOut[], ctx: ExecContext): Promise<boolean> {
  const declared = stage.outs.map((o) => o.path as string).sort();
  const cached = outs.map((o) => o.path as string).sort();
  if (declared.join("\0") !== cached.join("\0")) return false;
  for (const o of outs) if (!(await ctx.cache.has(infoOf(o)))) return false;
  return true;
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

async function runCommands(stage: Stage, ctx: ExecContext): Promise<string | null> {
  const cwd = join(ctx.root, stage.wdir);
  const env = stageEnv(stage, ctx);
  for (const command of stage.cmd) {
    const result = await ctx.spawn({
      command,
      cwd,
      env,
      signal: ctx.signal,
      onLine: (stream, line) => ctx.emit({ type: "stage-output", stage: stage.name, stream, line }),
    });
    if (ctx.signal.aborted) return "interrupted";
    if (result.error) return `could not run '${command}': ${result.error}`;
    if (result.signal) return `'${command}' was killed by ${result.signal}`;
    if (result.exitCode !== 0) return `'${command}' exited with code ${String(result.exitCode)}`;
  }
  return null;
}

