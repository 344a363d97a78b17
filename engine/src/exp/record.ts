// Turning a finished `pipe repro` into an experiment record: what ran (durations, dep digests),
// under which params and git state, with which metrics. Called by the session (session/run.ts)
// with the pipeline.lock it holds in memory and the experiment it was asked to run, if any.
import { randomBytes } from "node:crypto";
import type { Pipeline } from "../config/types.js";
import type { Result } from "../diagnostics/types.js";
import { err, ok } from "../diagnostics/types.js";
import { gitState } from "../git/index.js";
import type { LockFile } from "../lock/index.js";
import { declaredOf, readMetrics, readParams, workspaceReader } from "../metrics/index.js";
import type { TreeReader } from "../metrics/index.js";
import { byteOrder } from "../common/order.js";
import { DuplicateNameError, ExpStore, newId } from "./store.js";
import type { ExperimentRecord, FileValues } from "./types.js";

/** The experiment a run is: its name (else `$PIPE_EXP_NAME`, else generated) and the `-S` overrides it ran under. */
export interface ExperimentSpec {
  readonly name?: string;
  readonly overrides?: FileValues;
}

/** What repro knows at the end of a run. */
export interface RunSummary {
  /** The pipeline that ran: its declared params and metrics files are recorded. */
  readonly pipeline: Pipeline;
  /** Digest of each data dep, root-relative path → digest. */
  readonly deps: Readonly<Record<string, string>>;
  /** Milliseconds per stage that ran or was restored. */
  readonly durations: Readonly<Record<string, number>>;
  /** False when a stage failed. */
  readonly ok: boolean;
  readonly experiment?: ExperimentSpec;
  readonly now?: Date;
  /** Where `$PIPE_EXP_NAME` is looked up. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Records one run in `<root>/.pipe/exp/`. Never throws: a store problem comes back as a one-line
 * error for repro to print as a warning (a finished run must not fail because of its bookkeeping).
 */
export async function recordExperiment(root: string, summary: RunSummary): Promise<Result<ExperimentRecord, string>> {
  try {
    const record = await buildRecord(root, summary);
    await new ExpStore(root).add(record);
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
    readPlotTexts(
      reader,
      declared.plots.map((p) => p.path),
    ),
  ]);
  const id = newId(now);
  const name = summary.experiment?.name ?? summary.env["PIPE_EXP_NAME"] ?? `exp-${randomBytes(3).toString("hex")}`;
  const overrides = summary.experiment?.overrides;
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
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => byteOrder(a, b)));
}

/** What the session hands over at the end of a run. */
export interface ReproRun {
  readonly root: string;
  readonly pipeline: Pipeline;
  /** pipeline.lock as the run left it (in memory: never read back from disk). */
  readonly lock: LockFile;
  readonly result: {
    readonly failed: boolean;
    readonly outcomes: ReadonlyMap<string, string>;
    readonly durations: ReadonlyMap<string, number>;
  };
  readonly experiment?: ExperimentSpec;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Records the run; dep digests come from the lock the run wrote. Throws a one-line Error when it could not. */
export async function recordRun(run: ReproRun): Promise<ExperimentRecord> {
  const deps: Record<string, string> = {};
  for (const entry of Object.values(run.lock.stages)) for (const d of entry.deps) deps[d.path] = d.hash;
  const durations: Record<string, number> = {};
  for (const [stage, ms] of run.result.durations) {
    const outcome = run.result.outcomes.get(stage);
    if (outcome === "ran" || outcome === "restored") durations[stage] = ms;
  }
  const recorded = await recordExperiment(run.root, {
    pipeline: run.pipeline,
    deps,
    durations,
    ok: !run.result.failed,
    env: run.env,
    ...(run.experiment !== undefined ? { experiment: run.experiment } : {}),
  });
  if (!recorded.ok) throw new Error(recorded.error);
  return recorded.value;
}
