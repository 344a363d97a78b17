// Turning a finished `pipe repro` into an experiment record: what ran (durations, dep digests),
// under which params and git state, with which metrics. Called by the repro command.
import { randomBytes } from "node:crypto";
import type { Pipeline } from "../config/types.js";
import type { Result } from "../diagnostics/types.js";
import { err, ok } from "../diagnostics/types.js";
import { readLock } from "../lock/index.js";
import { declaredOf, gitState, readMetrics, readParams, workspaceReader } from "../metrics/index.js";
import type { TreeReader } from "../metrics/index.js";
import { DuplicateNameError, ExpStore, newId } from "./store.js";
import type { ExperimentRecord, FileValues } from "./types.js";

/** What repro knows at the end of a run that ran or restored at least one stage. */
export interface RunSummary {
  /** The pipeline that ran: its declared params and metrics files are recorded. */
  readonly pipeline: Pipeline;
  /** Digest of each data dep, root-relative path → digest. */
  readonly deps: Readonly<Record<string, string>>;
  /** Milliseconds per stage that ran or was restored. */
  readonly durations: Readonly<Record<string, number>>;
  /** False when a stage failed. */
  readonly ok: boolean;
  /** Experiment name; defaults to the `pipe exp run --name` in progress, then `$PIPE_EXP_NAME`, then generated. */
  readonly name?: string;
  readonly now?: Date;
  /** Where `$PIPE_EXP_NAME` is looked up (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Set by `pipe exp run` around its in-process call to repro, read by `recordExperiment`. */
interface ActiveRun {
  readonly name: string | undefined;
  readonly overrides: FileValues | undefined;
  readonly recorded: ExperimentRecord[];
}
let active: ActiveRun | null = null;

/**
 * Runs `fn` (a repro) as experiment `name` with `overrides`; returns what it recorded, so the
 * caller can record the run itself when repro had nothing to run.
 */
export async function asExperiment<T>(
  ctx: { name?: string; overrides?: FileValues },
  fn: () => Promise<T>,
): Promise<{ result: T; recorded: readonly ExperimentRecord[] }> {
  const run: ActiveRun = { name: ctx.name, overrides: ctx.overrides, recorded: [] };
  const previous = active;
  active = run;
  try {
    return { result: await fn(), recorded: run.recorded };
  } finally {
    active = previous;
  }
}

/**
 * Records one run in `<root>/.pipe/exp/`. Never throws: a store problem comes back as a one-line
 * error for repro to print as a warning (a finished run must not fail because of its bookkeeping).
 */
export async function recordExperiment(root: string, summary: RunSummary): Promise<Result<ExperimentRecord, string>> {
  try {
    const record = await buildRecord(root, summary);
    await new ExpStore(root).add(record);
    active?.recorded.push(record);
    return ok(record);
  } catch (e) {
    if (e instanceof DuplicateNameError) return err(`experiment not recorded: ${e.message}`);
    return err(`experiment not recorded: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Builds the record from the workspace as it is now (params files still hold any overrides). */
export async function buildRecord(root: string, summary: RunSummary): Promise<ExperimentRecord> {
  const now = summary.now ?? new Date();
  const declared = declaredOf(summary.pipeline);
  const reader = workspaceReader(root);
  const [params, metrics, git, plots] = await Promise.all([
    readParams(reader, declared.params),
    readMetrics(reader, declared.metrics),
    gitState(root),
    readPlotTexts(reader, declared.plots.map((p) => p.path)),
  ]);
  const id = newId(now);
  const name = summary.name ?? active?.name ?? (summary.env ?? process.env)["PIPE_EXP_NAME"] ?? `exp-${randomBytes(3).toString("hex")}`;
  const overrides = active?.overrides;
  return {
    schema: 1,
    id,
    name,
    createdAt: now.toISOString(),
    git,
    status: summary.ok ? "success" : "failed",
    params: params.files,
    metrics: metrics.files,
    deps: sortRecord(summary.deps),
    durations: sortRecord(summary.durations),
    ...(Object.keys(plots).length > 0 ? { plots } : {}),
    ...(overrides !== undefined && Object.keys(overrides).length > 0 ? { overrides } : {}),
  };
}

const MAX_PLOT_BYTES = 1024 * 1024;

async function readPlotTexts(reader: TreeReader, paths: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const path of paths) {
    const text = await reader.readText(path);
    if (text !== undefined && Buffer.byteLength(text) <= MAX_PLOT_BYTES) out[path] = text;
  }
  return out;
}

function sortRecord<T>(r: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** What repro-session hands over: its RunResult, structurally (per-stage durations when it has them). */
export interface ReproRun {
  readonly root: string;
  readonly pipeline: Pipeline;
  readonly result: {
    readonly failed: boolean;
    readonly durationMs: number;
    readonly outcomes: ReadonlyMap<string, string>;
    /** Milliseconds per stage; without it only the run's total is recorded (as `total`). */
    readonly durations?: ReadonlyMap<string, number>;
  };
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The repro command's entry point: dep digests come from the pipeline.lock just written. Throws a
 * one-line Error when the run could not be recorded (repro prints it as a warning).
 */
export async function recordRun(run: ReproRun): Promise<ExperimentRecord> {
  const deps: Record<string, string> = {};
  const lock = await readLock(run.root);
  if (lock.ok) {
    for (const entry of Object.values(lock.value.stages)) for (const d of entry.deps) deps[d.path] = d.hash;
  }
  const durations: Record<string, number> = {};
  if (run.result.durations !== undefined) {
    for (const [stage, ms] of run.result.durations) {
      const outcome = run.result.outcomes.get(stage);
      if (outcome === "ran" || outcome === "restored") durations[stage] = ms;
    }
  } else {
    durations["total"] = run.result.durationMs;
  }
  const recorded = await recordExperiment(run.root, {
    pipeline: run.pipeline,
    deps,
    durations,
    ok: !run.result.failed,
    ...(run.env !== undefined ? { env: run.env } : {}),
  });
  if (!recorded.ok) throw new Error(recorded.error);
  return recorded.value;
}
