// Several pipelines, one lock each: a sub-pipeline's stages are addressed as DVC addresses them
// (`sub/dvc.yaml:train`) everywhere but in their own lock (`sub/pipeline.lock`, keyed `train`);
// the root pipeline's keep their plain names and `pipeline.lock`. Pure helpers.
import { isSubPipeline, stageAddress } from "../config/address.js";
import { LOCK_FILE, type LockEntry, type LockFile } from "./types.js";

export { isSubPipeline, stageAddress };

/** The lock beside a pipeline file: `pipeline.lock` for the root's, `sub/pipeline.lock` for `sub/dvc.yaml`. */
export function lockPathOf(pipelineFile: string): string {
  const slash = pipelineFile.lastIndexOf("/");
  return slash < 0 ? LOCK_FILE : `${pipelineFile.slice(0, slash)}/${LOCK_FILE}`;
}

/** The sub-pipeline file an address belongs to (one of `subFiles`), or null for a root stage. */
export function pipelineOfAddress(address: string, subFiles: readonly string[]): string | null {
  for (const f of subFiles) if (address.startsWith(`${f}:`)) return f;
  return null;
}

/** The merged lock's entries, split into each pipeline's own lock (keyed by plain names). */
export function splitLock(lock: LockFile, pipelineFiles: readonly string[]): Map<string, LockFile> {
  const subs = pipelineFiles.filter(isSubPipeline);
  const parts = new Map<string, Record<string, LockEntry>>([[LOCK_FILE, {}]]);
  for (const f of subs) parts.set(lockPathOf(f), {});
  for (const [address, entry] of Object.entries(lock.stages)) {
    const f = pipelineOfAddress(address, subs);
    const part = parts.get(f === null ? LOCK_FILE : lockPathOf(f)) as Record<string, LockEntry>;
    part[f === null ? address : address.slice(f.length + 1)] = entry;
  }
  return new Map([...parts].map(([path, stages]) => [path, { schema: lock.schema, stages }]));
}

/** One pipeline's own lock, its keys turned into addresses. */
export function addressed(lock: LockFile, pipelineFile: string): Readonly<Record<string, LockEntry>> {
  if (!isSubPipeline(pipelineFile)) return lock.stages;
  return Object.fromEntries(Object.entries(lock.stages).map(([name, e]) => [stageAddress(pipelineFile, name), e]));
}
