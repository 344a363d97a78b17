// Collecting a project's pipelines as DVC does (dvc/repo/index.py collect_files): walk the tree
// from the root, top-down in byte order, not following symlinks, skipping dot-folders,
// node_modules and git-ignored folders; each folder's pipeline.yaml (else dvc.yaml) is one
// pipeline. Each folder's signature is taken before it is listed, for the up-to-date stamp: a
// pipeline appearing anywhere changes a listed folder.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { byteOrder } from "../common/order.js";
import type { RelPath } from "../config/types.js";
import { keyOfEntries, statSig, type StatSig } from "../memo/fresh-stamp.js";
import { GITIGNORE, readGitignore, skippedName } from "./ignore.js";

export interface Collected {
  /** Pipeline files, root-relative, the root's first, then in walk order. */
  readonly files: readonly RelPath[];
  /** Every folder listed, with its signature before listing and what was read there (`keyOfEntries`). */
  readonly folders: ReadonlyArray<readonly [path: string, sig: StatSig, key: string]>;
  /** The root .gitignore's signature, when there is one. */
  readonly gitignore: StatSig | null;
}

const PIPELINE_NAMES = ["pipeline.yaml", "dvc.yaml"] as const;

export function collectPipelines(root: string): Collected {
  const ignored = readGitignore(root);
  const files: RelPath[] = [];
  const folders: Array<readonly [string, StatSig, string]> = [];
  const gitignore = statSig(join(root, GITIGNORE));
  const walk = (rel: string): void => {
    const abs = rel === "" ? root : join(root, rel);
    const sig = statSig(abs);
    if (sig === null) return;
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    folders.push([rel, sig, keyOfEntries(entries)]);
    const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
    const file = PIPELINE_NAMES.find((n) => names.has(n));
    if (file !== undefined) files.push((rel === "" ? file : `${rel}/${file}`) as RelPath);
    const dirs = entries
      .filter((e) => e.isDirectory() && !skippedName(e.name))
      .map((e) => (rel === "" ? e.name : `${rel}/${e.name}`))
      .filter((d) => !ignored(d))
      .sort(byteOrder);
    for (const d of dirs) walk(d);
  };
  walk("");
  return { files, folders, gitignore };
}

/** The folder of a pipeline file ("" for the root's). */
export const pipelineDir = (file: string): string => {
  const slash = file.lastIndexOf("/");
  return slash < 0 ? "" : file.slice(0, slash);
};
