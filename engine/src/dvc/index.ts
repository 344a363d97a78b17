// Moving from DVC: what a project's `dvc.lock` files recorded (the root's, and `sub/dvc.lock` beside
// each `sub/dvc.yaml`), and whether the workspace still holds it by DVC's own md5 rules. Used by
// status/recall.ts, for a stage pipe has no lock entry for yet.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pipelineOfStage } from "../config/address.js";
import { parseDvcLock, resolveStage, type DvcItem, type DvcStage, type RawDvcStage } from "./lock.js";
import { pathMd5 } from "./md5.js";

export type { DvcItem, DvcStage } from "./lock.js";
export type { Md5Rule } from "./md5.js";
export { parseDvcLock } from "./lock.js";
export { dirListingJson, dos2unix, fileMd5, isTextBlock, pathMd5, pyJsonString } from "./md5.js";

export const DVC_LOCK = "dvc.lock";

export interface DvcLocks {
  /** What dvc.lock recorded for the stage pipe addresses as `name` (root or `sub/dvc.yaml:name`), paths root-relative; null when nothing. */
  stage(name: string, wdir: string): Promise<DvcStage | null>;
  /** Does the workspace hold, by DVC's md5, what `item` recorded? */
  matches(item: DvcItem): Promise<boolean>;
}

/** The dvc.lock beside a pipeline file (`dvc.lock`, `sub/dvc.lock`) and the stage's name in it. */
export function dvcLockOf(name: string): { file: string; key: string } {
  const pipeline = pipelineOfStage(name);
  if (pipeline === "") return { file: DVC_LOCK, key: name };
  const dir = pipeline.slice(0, pipeline.lastIndexOf("/"));
  return { file: `${dir}/${DVC_LOCK}`, key: name.slice(pipeline.length + 1) };
}

/** The project's dvc.lock files, each read (once) when a stage first asks for it. */
export function openDvcLocks(root: string): DvcLocks {
  const files = new Map<string, Promise<Map<string, RawDvcStage>>>();
  const read = (file: string): Promise<Map<string, RawDvcStage>> => {
    let p = files.get(file);
    if (p === undefined) {
      p = readFile(join(root, file), "utf8").then(parseDvcLock, () => new Map<string, RawDvcStage>());
      files.set(file, p);
    }
    return p;
  };
  return {
    async stage(name, wdir) {
      const { file, key } = dvcLockOf(name);
      const raw = (await read(file)).get(key);
      return raw === undefined ? null : resolveStage(raw, root, wdir);
    },
    async matches(item) {
      if (item.md5 === null) return false;
      return (await pathMd5(join(root, item.path), item.rule)) === item.md5;
    },
  };
}
