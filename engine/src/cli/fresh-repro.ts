// The no-op fast path of `pipe repro`: when the up-to-date stamp still holds (see
// cache/fresh-stamp.ts), replay its verdict through the usual reporter, without loading the
// pipeline, the graph, the lock or the stat cache. Any doubt falls through to a real run.
import { existsSync } from "node:fs";
import { readFreshStamp, stampHolds } from "../cache/fresh-stamp.js";
import { processLockPath } from "../exec/process-lock.js";
import type { StageName } from "../config/types.js";
import type { StageOutcome } from "../report/index.js";
import { ExitCode, type CliIO } from "./io.js";
import { makeReporter } from "./reporter.js";

export interface FastPathOptions {
  readonly targets: readonly string[];
  readonly force: boolean;
  readonly dry: boolean;
  readonly json: boolean;
  readonly jobs: number;
}

/** The exit code when the stamp answered, or null when a real run must decide. */
export function replayIfUpToDate(root: string, opts: FastPathOptions, io: CliIO, now: () => number = Date.now): number | null {
  if (opts.targets.length > 0 || opts.force || opts.dry) return null;
  // Another repro is running: the real path reports it (and its changes may not be on disk yet).
  if (existsSync(processLockPath(root))) return null;
  const t0 = now();
  const stamp = readFreshStamp(root);
  if (stamp === null || !stampHolds(root, stamp)) return null;
  const reporter = makeReporter(io, opts.json);
  const counts: Record<StageOutcome, number> = { ran: 0, restored: 0, fresh: 0, frozen: 0, failed: 0, skipped: 0 };
  reporter.emit({ type: "plan", stages: stamp.plan as readonly StageName[], jobs: opts.jobs });
  for (const [stage, outcome] of stamp.done) {
    counts[outcome]++;
    reporter.emit({ type: "stage-done", stage: stage as StageName, outcome, durationMs: 0 });
  }
  reporter.emit({ type: "summary", counts, durationMs: now() - t0, interrupted: false });
  reporter.close();
  return ExitCode.ok;
}
