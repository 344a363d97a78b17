// Where the offline mirror of datasets and model files lives: $PIPE_MIRROR, else
// `<project root>/../shared/mirror` when that folder exists, else nowhere (null).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { projectRoot } from "./params.js";

export function mirrorRoot(env: NodeJS.ProcessEnv = process.env, root: string = projectRoot()): string | null {
  const fromEnv = env.PIPE_MIRROR;
  if (fromEnv !== undefined && fromEnv !== "") return resolve(root, fromEnv);
  const fallback = resolve(root, "..", "shared", "mirror");
  return existsSync(fallback) ? fallback : null;
}

/** `models/<name>/` inside the mirror, or null when there is no mirror or no such folder. */
export function mirrorModelDir(name: string, env: NodeJS.ProcessEnv = process.env, root?: string): string | null {
  const base = mirrorRoot(env, root ?? projectRoot());
  if (base === null) return null;
  const dir = join(base, "models", name);
  return existsSync(dir) ? dir : null;
}
