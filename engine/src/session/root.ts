// Where a project is: the outermost folder at or above a working directory holding pipeline.yaml
// or dvc.yaml whose pipeline collection reaches the nearest one (a sub-pipeline's folder belongs to
// the project above it; a git-ignored or dot-folder one is a project of its own). Kept apart from
// project.ts so the no-op fast path loads nothing else.
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
