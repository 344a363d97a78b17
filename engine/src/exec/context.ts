// Everything the executor touches, behind one injectable context (STYLE practice 5): the workspace
// (hasher, cache, lock), process spawning, the clock, the environment and the event sink.
import type { RelPath, StageName } from "../config/types.js";
import type { Digest, Fingerprint, HashInfo, Hasher } from "../hashing/index.js";
import type { Emit } from "../report/events.js";
import type { GlobExpander, RecordedStage } from "../status/index.js";
import type { Spawner } from "./spawn.js";

export interface RecordedPath {
  readonly path: string;
  readonly hash: string;
  readonly size: number;
  readonly nfiles?: number;
}

/** A pipeline.lock stage entry as the executor writes it. */
export interface LockedStage extends RecordedStage {
  readonly deps: readonly RecordedPath[];
  readonly outs: readonly RecordedPath[];
}

/** The lock as the executor sees it: read once, updated (and persisted) after each success. */
export interface LockStore {
  get(name: StageName): LockedStage | undefined;
  /** Record a stage and write pipeline.lock atomically before resolving. */
  set(name: StageName, entry: LockedStage): Promise<void>;
}

export interface RunCacheOut {
  readonly path: RelPath;
  readonly digest: Digest;
  readonly size: number;
  readonly isDir: boolean;
  readonly nfiles?: number;
}

export interface RunCacheEntry {
  readonly outs: readonly RunCacheOut[];
  readonly durationMs: number;
  readonly createdAt: string;
}

/** The part of the content-addressed cache the executor needs. */
export interface CacheApi {
  save(rel: RelPath, info: HashInfo): Promise<void>;
  has(info: HashInfo): Promise<boolean>;
  restore(rel: RelPath, info: HashInfo): Promise<void>;
  unprotect(rel: RelPath): Promise<void>;
  getRun(fp: Fingerprint): Promise<RunCacheEntry | null>;
  putRun(fp: Fingerprint, entry: RunCacheEntry): Promise<void>;
}

/** Workspace file operations the executor performs itself (removing outs before a run). */
export interface WorkspaceFs {
  remove(abs: string): Promise<void>;
  mkdirp(abs: string): Promise<void>;
}

export interface ExecContext {
  readonly root: string;
  readonly hasher: Hasher;
  readonly cache: CacheApi;
  readonly lock: LockStore;
  readonly fs: WorkspaceFs;
  readonly spawn: Spawner;
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
