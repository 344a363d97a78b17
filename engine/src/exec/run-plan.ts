// The executor: walks a plan, running up to `jobs` independent stages at once. A stage starts when
// its planned upstream all finished well; a failure stops new work (fail-fast) or skips only its
// dependents (keep-going). Ctrl-C (the context's signal) stops what runs and starts nothing new.
import type { StageName } from "../config/types.js";
import type { StageOutcome, StageResult } from "../events/index.js";
import type { Plan } from "../plan/index.js";
import { plannedUpstream } from "../plan/index.js";
import type { ExecContext } from "./context.js";
import { createLimiter } from "../common/limit.js";
import { memoizeHasher } from "./observation-memo.js";
import { runStage, type RunSlot, type StageTurn } from "./run-stage.js";

/**
 * Stages whose freshness is checked at once. Checking only stats and compares; it is the running
 * (or restoring) that `jobs` limits, so a no-op repro of 1,000 stages is not checked 2 at a time.
 */
const CHECKS_IN_FLIGHT = 32;

export interface RunResult {
  readonly outcomes: ReadonlyMap<StageName, StageOutcome>;
  /** Wall time of each stage's turn (decide + run or restore). */
  readonly durations: ReadonlyMap<StageName, number>;
  readonly counts: Readonly<Record<StageOutcome, number>>;
  readonly durationMs: number;
  readonly interrupted: boolean;
  readonly failed: boolean;
}

const GOOD: ReadonlySet<StageOutcome> = new Set(["ran", "restored", "fresh", "frozen"]);

/**
 * Walks `plan`: each stage's `turn` (runStage: decide, then restore or run through the context's
 * executor) starts once its planned upstream finished well.
 */
export async function runPlan(plan: Plan, baseCtx: ExecContext, turn: StageTurn = runStage): Promise<RunResult> {
  const hasher = memoizeHasher(baseCtx.hasher);
  const ctx: ExecContext = { ...baseCtx, hasher, invalidate: (path) => hasher.invalidate(path) };
  const started = ctx.now();
  ctx.emit({ type: "plan", stages: plan.stages, jobs: plan.jobs });
  const outcomes = new Map<StageName, StageOutcome>();
  const durations = new Map<StageName, number>();
  const pending = [...plan.stages];
  const running = new Map<StageName, Promise<void>>();
  let stopNew = false;
  const limiter = createLimiter(plan.jobs);
  // A stage checked stale but still waiting for a slot when the run stops does not start.
  // A failure stops the run before its slot passes to the next waiter.
  const runSlot: RunSlot = (task) =>
    limiter(async () => {
      if (stopNew || ctx.signal.aborted) return { outcome: "skipped", skip: { kind: "run-stopped" } };
      const result = await task();
      if (result.outcome === "failed" && plan.policy === "fail-fast") stopNew = true;
      return result;
    });
  const checkLimit = Math.max(plan.jobs, CHECKS_IN_FLIGHT);

  const finish = (name: StageName, result: StageResult, t0: number): void => {
    outcomes.set(name, result.outcome);
    durations.set(name, ctx.now() - t0);
    ctx.emit({ type: "stage-done", stage: name, durationMs: ctx.now() - t0, ...result });
    if (result.outcome === "failed" && plan.policy === "fail-fast") stopNew = true;
  };

  const launch = (name: StageName): void => {
    const t0 = ctx.now();
    const task = turn(plan.graph.stage(name), { forced: plan.forced.has(name), useRunCache: plan.useRunCache }, ctx, runSlot)
      .catch((e: unknown): StageResult => ({ outcome: "failed", failure: { kind: "internal", message: e instanceof Error ? e.message : String(e) } }))
      .then((r) => finish(name, r, t0))
      .finally(() => running.delete(name));
    running.set(name, task);
  };

  while (pending.length > 0 || running.size > 0) {
    if (ctx.signal.aborted) stopNew = true;
    for (let i = 0; i < pending.length && !stopNew && running.size < checkLimit;) {
      const name = pending[i] as StageName;
      const ups = plannedUpstream(plan, name);
      const bad = ups.find((u) => outcomes.has(u) && !GOOD.has(outcomes.get(u) as StageOutcome));
      if (bad !== undefined) {
        pending.splice(i, 1);
        finish(name, { outcome: "skipped", skip: { kind: outcomes.get(bad) === "failed" ? "upstream-failed" : "upstream-skipped", stage: bad } }, ctx.now());
        continue;
      }
      if (ups.every((u) => outcomes.has(u))) {
        pending.splice(i, 1);
        launch(name);
        continue;
      }
      i++;
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  const counts: Record<StageOutcome, number> = { ran: 0, restored: 0, fresh: 0, frozen: 0, failed: 0, skipped: 0 };
  for (const o of outcomes.values()) counts[o]++;
  const interrupted = ctx.signal.aborted;
  const durationMs = ctx.now() - started;
  ctx.emit({ type: "summary", counts, durationMs, interrupted });
  return { outcomes, durations, counts, durationMs, interrupted, failed: counts.failed > 0 || interrupted || pending.length > 0 };
}
