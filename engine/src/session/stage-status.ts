// Each stage's status as `pipe status` reports it and `pipe ui` colours it: observe the workspace,
// recall what the lock records (legacy digests and dvc.lock translated where the workspace matches),
// and decide without the run cache. One loop, so the two can never disagree.
import type { Stage } from "../config/types.js";
import { createRecall, decideStage, observe, type Decision, type Observation } from "../status/index.js";
import type { Project } from "./project.js";
import type { Stores } from "./stores.js";

export interface StageStatus {
  readonly stage: Stage;
  /** null for a frozen stage (not looked at). */
  readonly obs: Observation | null;
  readonly decision: Decision;
}

/** Every stage of the project, in graph order. */
export async function stageStatuses(project: Project, stores: Pick<Stores, "hasher" | "lock">): Promise<StageStatus[]> {
  const recall = createRecall(project.root);
  const out: StageStatus[] = [];
  for (const name of project.graph.order) {
    const stage = project.graph.stage(name);
    if (stage.frozen) {
      out.push({ stage, obs: null, decision: { kind: "frozen" } });
      continue;
    }
    const obs = await observe(stage, stores.hasher);
    const { recorded } = await recall(stage, obs, stores.lock.stages[name]);
    out.push({ stage, obs, decision: decideStage({ stage, forced: false, useRunCache: false, obs, recorded }) });
  }
  return out;
}
