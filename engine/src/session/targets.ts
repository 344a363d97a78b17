// `repro`'s targets as DVC reads them (dvc/repo/reproduce.py, dvc/repo/stage.py): paths are
// relative to the working folder (`sub/dvc.yaml:train`, `sub/dvc.yaml`), a plain name is a stage
// of the working folder's pipeline, `-R DIR` means every pipeline under DIR, `-P` every pipeline,
// and no target means the working folder's pipeline (`dvc.yaml` of the current folder), whose
// upstream the plan adds as always. With one pipeline nothing changes: no target is every stage.
import { relative, resolve, sep } from "node:path";
import { isPipelineFileTarget, isSubPipeline, stageAddress } from "../config/address.js";
import { pipelineDir } from "./collect.js";
export { reproScope } from "./replay.js";
import type { Project } from "./project.js";

export interface TargetRequest {
  readonly targets: readonly string[];
  readonly recursive: boolean;
  readonly allPipelines: boolean;
}

const toRel = (root: string, cwd: string, p: string): string => relative(root, resolve(cwd, p)).split(sep).join("/");

/** The pipeline file of the working folder: the nearest folder at or above it holding one. */
export function cwdPipeline(project: Project, cwd: string): string | undefined {
  let dir = toRel(project.root, cwd, ".");
  if (dir.startsWith("..")) dir = "";
  for (;;) {
    const hit = project.pipelines.find((f) => pipelineDir(f) === dir);
    if (hit !== undefined || dir === "") return hit ?? project.pipelines[0];
    dir = pipelineDir(dir);
  }
}

/** Root-relative targets for the planner (see PlanOptions.targets). */
export function reproTargets(project: Project, cwd: string, req: TargetRequest): string[] {
  if (req.allPipelines) return [];
  const several = project.pipelines.length > 1;
  if (req.targets.length === 0) {
    const own = several ? cwdPipeline(project, cwd) : undefined;
    return own === undefined ? [] : [own];
  }
  const out: string[] = [];
  for (const t of req.targets) {
    if (req.recursive) {
      const dir = toRel(project.root, cwd, t);
      const under = project.pipelines.filter((f) => dir === "" || f.startsWith(`${dir}/`) || pipelineDir(f) === dir);
      out.push(...(under.length > 0 ? under : [t]));
      continue;
    }
    const colon = t.lastIndexOf(".yaml:");
    if (colon >= 0) {
      out.push(`${toRel(project.root, cwd, t.slice(0, colon + 5))}:${t.slice(colon + 6)}`);
    } else if (isPipelineFileTarget(t)) {
      out.push(toRel(project.root, cwd, t));
    } else {
      const own = several ? cwdPipeline(project, cwd) : undefined;
      const address = own !== undefined && isSubPipeline(own) ? stageAddress(own, t) : t;
      const known = project.graph.order.some((n) => n === address || n.startsWith(`${address}@`));
      out.push(known ? address : t);
    }
  }
  return out;
}
