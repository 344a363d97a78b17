// Which files a queued experiment's workspace starts with (pure): the project as git sees it
// (tracked files as they are now, plus untracked ones git does not ignore) or, outside git, every
// file but the stages' outputs; never pipe's state; plus the inputs no stage makes that git ignores.

/** What the planner is told about the project; every path root-relative, POSIX. */
export interface WorkspaceInputs {
  /** Files listed by git (`ls-files --cached --others --exclude-standard`) or by a walk of the tree. */
  readonly listed: readonly string[];
  /** "git": git's list is the project (kept as is); "walk": no git, so stage outputs are dropped. */
  readonly source: "git" | "walk";
  /** Every stage's outs, metrics and plots. */
  readonly outs: readonly string[];
  /** Every stage's (non-glob) deps. */
  readonly deps: readonly string[];
  /** Copied whenever they exist (the locks, `.pipe/config`, `.pipe/config.local`). */
  readonly always: readonly string[];
}

export interface WorkspaceSelection {
  /** Files to copy. */
  readonly files: readonly string[];
  /** Files or folders to copy whole when they exist: raw inputs git ignores, the locks, pipe's settings. */
  readonly extra: readonly string[];
}

/** Top-level folders a workspace never copies: git's, the cache, pipe's state (the workspaces among it). */
const NEVER = [".git", ".cache", ".pipe"];

export const isUnder = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);

export function selectWorkspaceFiles(inp: WorkspaceInputs): WorkspaceSelection {
  const madeByStage = (p: string): boolean => inp.outs.some((o) => isUnder(p, o));
  const listed = new Set(inp.listed);
  // A dep no stage makes and that git does not list whole (an ignored raw-data file or folder).
  const inputs = inp.deps.filter((d) => !madeByStage(d) && !listed.has(d));
  const extra = [...new Set([...inputs, ...inp.always])].filter((p) => !isPipeState(p) || inp.always.includes(p)).sort();
  const files = inp.listed.filter((p) => {
    if (isPipeState(p)) return false;
    if (inp.source === "walk" && (madeByStage(p) || p.split("/").includes("node_modules"))) return false;
    return !extra.some((e) => isUnder(p, e)); // copied with its folder
  });
  return { files: [...new Set(files)].sort(), extra };
}

const isPipeState = (p: string): boolean => NEVER.some((n) => isUnder(p, n));
