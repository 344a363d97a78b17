// Earning the up-to-date stamp (memo/fresh-stamp.ts) at the end of a run: only a run over every
// stage, forcing none, that found each fresh or frozen, may vouch for the whole pipeline.
import { join } from "node:path";
import { FRESH_STAMP_FILE, encodeStamp, type StampedOutcome, type StatSig } from "../memo/fresh-stamp.js";
import { stampOf, type StatRecorder } from "../memo/stamp-recorder.js";
import { writeTextAtomic } from "../files/atomic-write.js";
import type { RunResult } from "../exec/index.js";
import type { Plan } from "../plan/index.js";
import type { Project } from "./project.js";

/** Glob deps are expanded outside the hasher, so their folders' listings would not be recorded. */
export function coversWholePipeline(plan: Plan): boolean {
  if (plan.stages.length !== plan.graph.order.length || plan.forced.size > 0) return false;
  return plan.stages.every((name) => {
    const stage = plan.graph.stage(name);
    return !stage.alwaysChanged && !stage.deps.some((d) => d.glob);
  });
}

/** Writes the stamp when every stage of the run was fresh or frozen (best effort: it is a shortcut). */
export async function writeStamp(project: Project, plan: Plan, result: RunResult, recorder: StatRecorder, lockSig: StatSig): Promise<void> {
  if (result.interrupted) return;
  const done: Array<[string, StampedOutcome]> = [];
  for (const [stage, outcome] of result.outcomes) {
    if (outcome !== "fresh" && outcome !== "frozen") return;
    done.push([stage, outcome]);
  }
  if (done.length !== plan.stages.length) return;
  const seen = recorder.seen();
  if (seen === null) return;
  const stamp = stampOf({ root: project.root, file: project.pipeline.file, texts: project.pipeline.sources, lockSig, plan: plan.stages, done, seen });
  if (stamp === null) return;
  try {
    await writeTextAtomic(join(project.root, FRESH_STAMP_FILE), encodeStamp(stamp));
  } catch {
    /* the stamp is a shortcut only */
  }
}
