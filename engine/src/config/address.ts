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
