// Where a project is: the nearest folder at or above a working directory holding pipeline.yaml or
// dvc.yaml. Kept apart from project.ts so the no-op fast path loads nothing else.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The nearest folder at or above `cwd` holding pipeline.yaml or dvc.yaml, or null. */
export function findRoot(cwd: string): string | null {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, "pipeline.yaml")) || existsSync(join(dir, "dvc.yaml"))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}
