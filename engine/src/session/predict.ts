// `repro --dry`: each planned stage's predicted fate, from the workspace as it is now, through the
// same decision the run makes (status/decision.ts) and the same run-cache lookup. Changes nothing
// (no stat-cache flush, no lock, no cache writes). Returns data; the CLI renders it.
import type { StageName } from "../config/types.js";
import { decideWithRunCache } from "../exec/index.js";
import type { Plan } from "../plan/index.js";
import { plannedUpstream } from "../plan/index.js";
import { createRecall, observe, type Decision } from "../status/index.js";
import type { Stores } from "./stores.js";

export interface Prediction {
  readonly stage: StageName;
  readonly decision: Decision;
}

/** Fates that change a stage's outputs, so their downstream may have to run too. */
const changes = (d: Decision): boolean => d.kind === "run" || d.kind === "restore" || d.kind === "pending";

export async function predictRun(plan: Plan, stores: Pick<Stores, "hasher" | "cache" | "lock">): Promise<Prediction[]> {
  const decided = new Map<StageName, Decision>();
  const out: Prediction[] = [];
  // As the run reads pipeline.lock: legacy digests and dvc.lock entries translated where the workspace matches.
  const recall = createRecall(stores.hasher.root);
  for (const name of plan.stages) {
    const stage = plan.graph.stage(name);
    const forced = plan.forced.has(name);
    const pendingUpstream = plannedUpstream(plan, name).filter((u) => {
      const d = decided.get(u);
      return d !== undefined && changes(d);
    });
    const observed = stage.frozen && !forced ? null : await observe(stage, stores.hasher);
    const recorded = observed === null ? stores.lock.stages[name] : (await recall(stage, observed, stores.lock.stages[name])).recorded;
    const input = { stage, forced, useRunCache: plan.useRunCache, obs: observed, recorded, pendingUpstream };
    const d = await decideWithRunCache(input, stores.cache);
    decided.set(name, d);
    out.push({ stage: name, decision: d });
  }
  return out;
}
