// Looks at the workspace for one stage: the content of its deps (globs expanded) and outs.
// The only effectful part of status; `decide` and `stageFingerprint` are pure over its result.
import type { RelPath, Stage } from "../config/types.js";
import type { HashInfo, Hasher } from "../hashing/index.js";
import { globInfo } from "../hashing/index.js";

export interface Observation {
  /** Dep path (a glob's pattern for glob deps) → content, or null when missing. */
  readonly deps: ReadonlyMap<string, HashInfo | null>;
  readonly outs: ReadonlyMap<string, HashInfo | null>;
}

export type GlobExpander = (pattern: string, root: string) => Promise<string[]>;

/** fast-glob, loaded only when a pipeline has a glob dep. */
export const fastGlobExpander: GlobExpander = async (pattern, root) => {
  const fg = (await import("fast-glob")).default;
  return fg(pattern, { cwd: root, dot: true, onlyFiles: true, ignore: [".cache/**", ".git/**", "node_modules/**"] });
};

export async function observeDeps(stage: Stage, hasher: Hasher, expand: GlobExpander = fastGlobExpander): Promise<Map<string, HashInfo | null>> {
  const entries = await Promise.all(
    stage.deps.map(async (d): Promise<[string, HashInfo | null]> => {
      if (!d.glob) return [d.path, await hasher.hashPath(d.path)];
      // A glob's content is its expansion: a new, removed or changed matching file changes it.
      const files = await expand(d.path, hasher.root);
      const matches = await Promise.all(files.map(async (path) => ({ path, info: await hasher.hashPath(path as RelPath) })));
      return [d.path, globInfo(matches.filter((m): m is { path: string; info: HashInfo } => m.info !== null))];
    }),
  );
  return new Map(entries);
}

export async function observeOuts(stage: Stage, hasher: Hasher): Promise<Map<string, HashInfo | null>> {
  const entries = await Promise.all(stage.outs.map(async (o): Promise<[string, HashInfo | null]> => [o.path, await hasher.hashPath(o.path)]));
  return new Map(entries);
}

export async function observe(stage: Stage, hasher: Hasher, expand?: GlobExpander): Promise<Observation> {
  const [deps, outs] = await Promise.all([observeDeps(stage, hasher, expand), observeOuts(stage, hasher)]);
  return { deps, outs };
}
