// Stage addresses across several pipelines, as DVC spells them: a root pipeline's stage is `train`,
// a sub-pipeline's is `sub/dvc.yaml:train` (its file, root-relative, then its name).

/** Is this (root-relative) pipeline file in a subfolder, so its stages are addressed `file:name`? */
export const isSubPipeline = (pipelineFile: string): boolean => pipelineFile.includes("/");

/** A stage's address: its plain name in the root pipeline, `file:name` in a sub-pipeline. */
export function stageAddress(pipelineFile: string, name: string): string {
  return isSubPipeline(pipelineFile) ? `${pipelineFile}:${name}` : name;
}

/** The pipeline file of an address among `files` (the root's for a plain name), or null. */
export function fileOfAddress(address: string, files: readonly string[]): string | null {
  for (const f of files) if (isSubPipeline(f) && address.startsWith(`${f}:`)) return f;
  return files.find((f) => !isSubPipeline(f)) ?? null;
}

const SUB_ADDRESS = /^([^@]*?\/(?:pipeline|dvc)\.yaml):/;

/** The sub-pipeline file a stage name is addressed under, or "" for a root pipeline's stage. */
export function pipelineOfStage(name: string): string {
  return SUB_ADDRESS.exec(name)?.[1] ?? "";
}

/** Is this target a pipeline file (`dvc.yaml`, `sub/pipeline.yaml`) rather than a stage? */
export const isPipelineFileTarget = (t: string): boolean => /(^|\/)(pipeline|dvc)\.yaml$/.test(t);

/** Folders collection never enters (as DVC's walk skips them): dot-folders and node_modules. */
const SKIPPED = (segment: string): boolean => segment.startsWith(".") || segment === "node_modules";

/**
 * From a list of root-relative file paths (a git tree), the pipeline files as collection would
 * pick them: one per folder (`pipeline.yaml` over `dvc.yaml`), none under a skipped folder, the
 * root's first, then in path order.
 */
export function pickPipelineFiles(paths: readonly string[]): string[] {
  const byDir = new Map<string, string>();
  for (const p of paths) {
    const m = /^(?:(.*)\/)?(pipeline|dvc)\.yaml$/.exec(p);
    if (m === null) continue;
    const dir = m[1] ?? "";
    if (dir !== "" && dir.split("/").some(SKIPPED)) continue;
    const have = byDir.get(dir);
    if (have === undefined || m[2] === "pipeline") byDir.set(dir, p);
  }
  return [...byDir].sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)).map(([, f]) => f);
}
