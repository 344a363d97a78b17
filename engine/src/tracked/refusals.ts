// Which paths `pipe add` refuses, and which tracked paths clash with a stage's outs (pure): data a
// stage produces is the stage's to version, pipe's and git's own folders are never data, and one
// path is tracked by one file only.
import type { RelPath, Stage } from "../config/types.js";
import type { Diagnostic, SourceLocation } from "../diagnostics/types.js";
import { isWithin } from "../graph/paths.js";
import { isTrackingName } from "./types.js";

/** Folders at the project root that hold pipe's, git's or DVC's own state. */
const RESERVED = [".cache", ".git", ".pipe", ".dvc"] as const;
/** Files that describe the project rather than being data. */
const PROJECT_FILES = new Set(["pipeline.yaml", "dvc.yaml", "pipeline.lock", "dvc.lock", ".gitignore"]);

/** A path some tracking file already tracks. */
export interface TrackedPath {
  readonly path: RelPath;
  readonly file: RelPath;
}

/** A stage's out, as the config declares it. */
interface StageOut {
  readonly path: RelPath;
  readonly stage: string;
  readonly loc: SourceLocation;
}

const outsOf = (stages: readonly Stage[]): StageOut[] => stages.flatMap((s) => s.outs.map((o) => ({ path: o.path, stage: s.name, loc: o.loc })));

/** Why `pipe add` will not track the root-relative `rel` (one phrase), or null when it may. */
export function addRefusal(rel: RelPath, stages: readonly Stage[], tracked: readonly TrackedPath[]): string | null {
  if (rel === "") return "is the project root: add the data folders in it instead";
  const top = rel.split("/")[0] as string;
  const reserved = RESERVED.find((r) => r === top);
  if (reserved !== undefined) {
    const whose = reserved === ".git" ? "git's" : reserved === ".dvc" ? "DVC's" : "pipe's";
    return `${rel === reserved ? "is" : "lies inside"} ${reserved}/, which holds ${whose} own files`;
  }
  const name = rel.slice(rel.lastIndexOf("/") + 1);
  if (isTrackingName(name)) return "is a tracking file itself";
  if (PROJECT_FILES.has(name)) return `is a project file (${name}), which git versions`;
  for (const o of outsOf(stages)) {
    const where = `stage '${o.stage}' (${o.loc.file})`;
    if (isWithin(rel, o.path))
      return `${rel === o.path ? "is an output" : `lies inside '${o.path}', an output`} of ${where}: use the stage (pipe repro ${o.stage}) to version it`;
    if (isWithin(o.path, rel)) return `holds '${o.path}', an output of ${where}: add the data beside it instead`;
  }
  for (const t of tracked) {
    if (t.path === rel) continue;
    if (isWithin(rel, t.path)) return `lies inside '${t.path}', already tracked by ${t.file}`;
    if (isWithin(t.path, rel)) return `holds '${t.path}', already tracked by ${t.file}: remove ${t.file} first`;
  }
  return null;
}

/** A tracked path that is (or overlaps) a stage's out: an error at the entry, naming both files. */
export function trackedConflicts(stages: readonly Stage[], tracked: readonly (TrackedPath & { readonly loc: SourceLocation })[]): Diagnostic[] {
  const outs = outsOf(stages);
  const found: Diagnostic[] = [];
  for (const t of tracked) {
    for (const o of outs) {
      const same = t.path === o.path;
      if (!same && !isWithin(t.path, o.path) && !isWithin(o.path, t.path)) continue;
      found.push({
        severity: "error",
        code: same ? "duplicate-output" : "overlapping-output",
        message: `'${t.path}' is tracked by ${t.file} and ${same ? "is" : `overlaps '${o.path}'`}, an output of stage '${o.stage}' in ${o.loc.file}: a stage's outputs are versioned by pipeline.lock, so remove ${t.file}`,
        location: t.loc,
        related: [{ message: `stage '${o.stage}' declares '${o.path}' here`, location: o.loc }],
      });
    }
  }
  return found;
}
