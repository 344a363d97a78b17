// Earning the up-to-date stamp (memo/fresh-stamp.ts) at the end of a run: only a run over every
// stage, forcing none, that found each fresh or frozen, may vouch for the whole pipeline.
import { join } from "node:path";
import { FRESH_STAMP_FILE, encodeStamp, type StampedOutcome, type StatSig } from "../memo/fresh-stamp.js";
import { stampOf, type StatRecorder } from "../memo/stamp-recorder.js";
import { writeTextAtomic } from "../files/atomic-write.js";
import type { RunResult } from "../exec/index.js";
import type { Plan } from "../plan/index.js";
import { GITIGNORE } from "./ignore.js";
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
export async function writeStamp(
  project: Project,
  plan: Plan,
  result: RunResult,
  recorder: StatRecorder,
  lockSig: StatSig,
  subLockSigs: ReadonlyMap<string, StatSig> = new Map(),
  scope = "",
): Promise<void> {
  if (result.interrupted) return;
  const done: Array<[string, StampedOutcome]> = [];
  for (const [stage, outcome] of result.outcomes) {
    if (outcome !== "fresh" && outcome !== "frozen") return;
    done.push([stage, outcome]);
  }
  if (done.length !== plan.stages.length) return;
  const seen = recorder.seen();
  if (seen === null) return;
  // Every other lock, and every folder listed while collecting the pipelines (one appearing
  // anywhere changes a listed folder), as they were before the run looked.
  const all = new Map([...seen, ...subLockSigs]);
  const gi = project.collected.gitignore;
  if (gi !== null) all.set(GITIGNORE, gi);
  const stamp = stampOf({ root: project.root, file: project.pipeline.file, texts: project.pipeline.sources, lockSig, plan: plan.stages, done, seen: all });
  if (stamp === null) return;
  const folders = { ...stamp, folders: project.collected.folders };
  const scoped = project.pipelines.length > 1 ? { ...folders, pipelines: project.pipelines.length, scope } : folders;
  try {
    await writeTextAtomic(join(project.root, FRESH_STAMP_FILE), encodeStamp(scoped));
  } catch {
    /* the stamp is a shortcut only */
  }
}
