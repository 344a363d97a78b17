// Loads the pipeline as it was at a git revision, by handing the config loader a file system
// whose reads are `git show REV:./path`, so the comparison uses that revision's declarations.
import { execFileSync } from "node:child_process";
import { relative, resolve, sep } from "node:path";
import { loadPipeline, loadPipelines } from "../config/index.js";
import { pickPipelineFiles } from "../config/address.js";
import type { ConfigFs } from "../config/index.js";
import type { Pipeline } from "../config/types.js";
import type { Diagnostic, Result } from "../diagnostics/types.js";

/** The config entry point (`loadPipeline` of config/index.ts), injected so tests can fake it. */
export type PipelineLoader = (root: string, opts: { fs?: ConfigFs }) => Result<Pipeline, Diagnostic[]> | Promise<Result<Pipeline, Diagnostic[]>>;

/** A ConfigFs over one commit, that can also list the commit's pipeline files (several pipelines). */
export interface RevisionFs extends ConfigFs {
  /** The pipeline files the commit holds under `root`, as collection picks them (root's first). */
  readonly pipelineFiles: () => string[];
}

/** A ConfigFs over one commit: absolute paths under `root` are read with `git show`. */
export function gitConfigFs(root: string, commit: string): RevisionFs {
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
  let files: string[] | undefined;
  const pipelineFiles = (): string[] => {
    if (files !== undefined) return files;
    try {
      const listing = execFileSync("git", ["ls-tree", "-r", "--name-only", commit, "--", "."], {
        cwd: absRoot,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        maxBuffer: 256 * 1024 * 1024,
      });
      files = pickPipelineFiles(listing.split("\n").filter((l) => l !== ""));
    } catch {
      files = [];
    }
    return files;
  };
  return { readText, exists: (absPath) => readText(absPath) !== null, pipelineFiles };
}

/**
 * The default loader: config's `loadPipeline`, or, over a commit that holds several pipeline files,
 * all of them as the workspace collects them (session/collect.ts).
 */
export const defaultPipelineLoader: PipelineLoader = (root, opts) => {
  const files = (opts.fs as Partial<RevisionFs> | undefined)?.pipelineFiles?.() ?? [];
  return files.length > 1 ? loadPipelines(root, files, opts) : loadPipeline(root, opts);
};
