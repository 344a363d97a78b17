// Everything the executor touches, behind one injectable context (STYLE practice 5): the workspace
// (hasher, cache, lock), how stage commands run (the executor), the clock, the environment and
// the event sink.
import type { StageName } from "../config/types.js";
import type { Cache } from "../cache/index.js";
import type { Emit } from "../events/index.js";
import type { Hasher } from "../hashing/index.js";
import type { LockEntry } from "../lock/index.js";
import type { GlobExpander } from "../status/index.js";
import type { StageExecutor } from "./executor.js";

export type { RunEntry, RunOut } from "../cache/index.js";
export type { LockEntry, LockItem } from "../lock/index.js";

/** pipeline.lock as the executor sees it: read once, updated (and persisted) after each success. */
export interface LockStore {
  get(name: StageName): LockEntry | undefined;
  /** Record a stage and write pipeline.lock atomically before resolving. */
  set(name: StageName, entry: LockEntry): Promise<void>;
}

/** The part of the content-addressed cache the executor needs (tests pass an in-memory one). */
export type CacheApi = Pick<Cache, "save" | "has" | "restoreChecked" | "unprotect" | "getRun" | "putRun">;

/** Workspace file operations the executor performs itself. */
export interface WorkspaceFs {
  /** Remove an out before its stage runs (a symlink itself, never what it points to). */
  remove(abs: string): Promise<void>;
  /** Where `rel` really leads when that is outside the project (it is, or passes, a symlink out); else null. */
  escapes(rel: string): Promise<string | null>;
}

export interface ExecContext {
  readonly root: string;
  readonly hasher: Hasher;
  readonly cache: CacheApi;
  readonly lock: LockStore;
  readonly fs: WorkspaceFs;
  /** Runs a stage's commands (the local spawner, a Slurm job, ...). */
  readonly executor: StageExecutor;
  readonly expandGlob?: GlobExpander;
  readonly now: () => number;
  /** The base environment for stage commands (usually process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly emit: Emit;
  /** Aborted on Ctrl-C: running stages are stopped, nothing new starts. */
  readonly signal: AbortSignal;
  /** Called before a stage's outs are rewritten (run or restore): drop what is known about them. */
  readonly invalidate?: (path: string) => void;
}
