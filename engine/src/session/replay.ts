// The no-op fast path of a repro: when the up-to-date stamp still holds (memo/fresh-stamp.ts),
// replay its verdict to the caller's sink without loading the pipeline, the graph, the lock or
// the stat cache. Any doubt (targets, -f, another repro running, a changed path) answers null,
// and the caller runs a real session. Light on purpose: node:fs and the stamp only.
import { existsSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import type { StageName } from "../config/types.js";
import type { EventSink, StageOutcome } from "../events/events.js";
import { emitTo, newRunId } from "../events/sinks.js";
import { readFreshStamp, stampHolds } from "../memo/fresh-stamp.js";
import { reproGuardPath } from "./repro-guard.js";

export interface ReplayRequest {
  readonly targets: readonly string[];
  readonly force: boolean;
  readonly jobs: number;
  readonly sink: EventSink;
  readonly now?: () => number;
  /**
   * With several pipelines a no-target repro covers the current folder's pipeline (DVC's default):
   * the root-relative working folder, or `*` for `--all-pipelines`. A stamp earned under another
   * scope does not answer (with one pipeline every scope is the whole pipeline).
   */
  readonly scope?: string;
}

export interface Replayed {
  readonly runId: string;
  readonly counts: Readonly<Record<StageOutcome, number>>;
}

/** The scope a no-target request answers: `*` for --all-pipelines, else the root-relative working folder. */
export function reproScope(root: string, cwd: string, allPipelines: boolean): string {
  return allPipelines ? "*" : relative(root, resolve(cwd)).split(sep).join("/");
}

/** The replayed run, or null when a real run must decide. */
export function replayIfUpToDate(root: string, req: ReplayRequest): Replayed | null {
  if (req.targets.length > 0 || req.force) return null;
  // Another repro is running: the real path reports it (and its changes may not be on disk yet).
  if (existsSync(reproGuardPath(root))) return null;
  const now = req.now ?? Date.now;
  const t0 = now();
  const stamp = readFreshStamp(root);
  if (stamp === null) return null;
  if (stamp.pipelines !== undefined && stamp.pipelines > 1 && stamp.scope !== (req.scope ?? "")) return null;
  if (!stampHolds(root, stamp)) return null;
  const runId = newRunId(t0);
  const emit = emitTo(runId, req.sink);
  const counts: Record<StageOutcome, number> = { ran: 0, restored: 0, fresh: 0, frozen: 0, failed: 0, skipped: 0 };
  emit({ type: "plan", stages: stamp.plan as readonly StageName[], jobs: req.jobs });
  for (const [stage, outcome] of stamp.done) {
    counts[outcome]++;
    emit({ type: "stage-done", stage: stage as StageName, outcome, durationMs: 0 });
  }
  emit({ type: "summary", counts, durationMs: now() - t0, interrupted: false });
  return { runId, counts };
}
