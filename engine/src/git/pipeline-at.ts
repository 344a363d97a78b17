// Loads the pipeline as it was at a git revision, by handing the config loader a file system
// whose reads are `git show REV:./path`, so the comparison uses that revision's declarations.
import { execFileSync } from "node:child_process";
import { relative, resolve, sep } from "node:path";
import { loadPipeline } from "../config/index.js";
import type { ConfigFs } from "../config/index.js";
import type { Pipeline } from "../config/types.js";
import type { Diagnostic, Result } from "../diagnostics/types.js";

/** The config entry point (`loadPipeline` of config/index.ts), injected so tests can fake it. */
export type PipelineLoader = (root: string, opts: { fs?: ConfigFs }) => Result<Pipeline, Diagnostic[]> | Promise<Result<Pipeline, Diagnostic[]>>;

/** A ConfigFs over one commit: absolute paths under `root` are read with `git show`. */
export function gitConfigFs(root: string, commit: string): ConfigFs {
  const absRoot = resolve(root);
  const cache = new Map<string, string | null>();
  const readText = (absPath: string): string | null => {
    const rel = relative(absRoot, absPath).split(sep).join("/");
    if (rel.startsWith("..")) return null;
    const hit = cache.get(rel);
    if (hit !== undefined) return hit;
    let text: string | null;
    try {
      text = execFileSync("git", ["show", `${commit}:./${rel}`], {
        cwd: absRoot,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        maxBuffer: 256 * 1024 * 1024,
      });
    } catch {
      text = null;
    }
    cache.set(rel, text);
    return text;
  };
  return { readText, exists: (absPath) => readText(absPath) !== null };
}

/** The default loader: config's `loadPipeline`. */
export const defaultPipelineLoader: PipelineLoader = loadPipeline;
