// Targets of the commands that work on outputs and tracked data (checkout, push, pull, fetch,
// status --cloud): a `.dvc` file or a tracked path (relative to the working folder), else a stage
// target as repro reads it. No target: every stage and all tracked data.
import { relative, resolve, sep } from "node:path";
import type { DataProject, TrackedData } from "../index.js";
import { resolveTargets } from "../plan/index.js";
import { reproTargets } from "../session/targets.js";
import { UserError } from "./io.js";

export interface DataTargets {
  /** The stages whose outputs are meant (every stage when there was no target). */
  readonly stages: readonly string[];
  readonly data: readonly TrackedData[];
}

export function resolveDataTargets(cmd: string, dp: DataProject, cwd: string, targets: readonly string[]): DataTargets {
  const { root, project, tracked } = dp;
  if (targets.length === 0) return { stages: project?.graph.order ?? [], data: tracked.data };
  const data: TrackedData[] = [];
  const stageTargets: string[] = [];
  for (const t of targets) {
    const rel = relative(root, resolve(cwd, t)).split(sep).join("/");
    const hit = tracked.data.filter((d) => d.file === rel || d.path === rel);
    if (hit.length > 0) data.push(...hit.filter((h) => !data.includes(h)));
    else stageTargets.push(t);
  }
  if (stageTargets.length === 0) return { stages: [], data };
  if (project === null)
    throw new UserError(`${cmd}: '${stageTargets[0] as string}' is not tracked data (no .dvc file tracks it), and the project has no pipeline`);
  const t = resolveTargets(project.graph, reproTargets(project, cwd, { targets: stageTargets, recursive: false, allPipelines: false }));
  if (!Array.isArray(t)) throw new UserError(`${cmd}: unknown target '${t.target}' (not a stage or tracked data; stages: ${t.known.join(", ")})`);
  return { stages: t, data };
}
