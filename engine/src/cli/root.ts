// Where a command's project is: the nearest folder at or above the working directory holding
// pipeline.yaml or dvc.yaml. Kept apart from project.ts so the no-op fast path loads nothing else.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ExitCode, UserError } from "./io.js";

/** The nearest folder at or above `cwd` holding pipeline.yaml or dvc.yaml. */
export function findRoot(cwd: string): string | null {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, "pipeline.yaml")) || existsSync(join(dir, "dvc.yaml"))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

export function requireRoot(cwd: string): string {
  const root = findRoot(cwd);
  if (!root) throw new UserError(`no pipeline.yaml (or dvc.yaml) in ${resolve(cwd)} or any folder above it`, ExitCode.usage);
  return root;
}
