// Where a project is: the outermost folder at or above a working directory holding pipeline.yaml
// or dvc.yaml whose pipeline collection reaches the nearest one (a sub-pipeline's folder belongs to
// the project above it; a git-ignored or dot-folder one is a project of its own). Kept apart from
// project.ts so the no-op fast path loads nothing else. Commands that also serve a data-only project
// (`pipe add`, checkout, status, gc) ask `findDataRoot`, which falls back to project markers.
import { existsSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { reachable, readGitignore } from "./ignore.js";

const holdsPipeline = (dir: string): boolean => existsSync(join(dir, "pipeline.yaml")) || existsSync(join(dir, "dvc.yaml"));

/** The project root for `cwd` (see above), or null when no folder at or above it holds a pipeline. */
export function findRoot(cwd: string): string | null {
  let dir = resolve(cwd);
  let root: string | null = null;
  for (;;) {
    if (holdsPipeline(dir)) {
      if (root === null) root = dir;
      else if (reachable(relative(dir, root).split(sep).join("/"), readGitignore(dir))) root = dir;
    }
    const up = dirname(dir);
    if (up === dir) return root;
    dir = up;
  }
}

/** Folders that mark a project root without a pipeline, nearest first wins; `.git` only as a fallback. */
const MARKERS = [".pipe", ".dvc"] as const;

const nearestHolding = (cwd: string, names: readonly string[]): string | null => {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (names.some((n) => existsSync(join(dir, n)))) return dir;
    if (dirname(dir) === dir) return null;
  }
};

/**
 * The project root for commands that accept a data-only project: findRoot's answer when there is
 * a pipeline, else the nearest folder holding `.pipe/` or `.dvc/`, else the nearest holding `.git`.
 */
export function findDataRoot(cwd: string): string | null {
  return findRoot(cwd) ?? nearestHolding(cwd, MARKERS) ?? nearestHolding(cwd, [".git"]);
}
