// The lock file model (`pipeline.lock`, committed to git): what each stage last ran with and
// produced, so `status` can say what changed. Pure helpers only; I/O lives in ./read.ts, ./write.ts.
import type { RelPath } from "../config/types.js";
import { fingerprint, type Digest, type HashInfo } from "../hashing/index.js";

export const LOCK_SCHEMA = "1.0";
export const LOCK_FILE = "pipeline.lock";

/**
 * A dep or out as locked: its content identity at the time the stage ran. For a glob dep the
 * pattern itself is also an item (see `globDepItems`), whose `hash` covers the matched list.
 */
export interface LockItem {
  readonly path: RelPath;
  readonly hash: Digest;
  readonly size: number;
  readonly nfiles?: number;
}

export interface LockEntry {
  /** One command as a string, several as a list (as in pipeline.yaml). */
  readonly cmd: string | readonly string[];
  readonly deps: readonly LockItem[];
  /** Params file → dotted key → value, only the keys the stage declares. */
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly outs: readonly LockItem[];
  /** Present only when the stage sets environment variables (they can change its result). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface LockFile {
  readonly schema: typeof LOCK_SCHEMA;
  readonly stages: Readonly<Record<string, LockEntry>>;
}

export const emptyLock = (): LockFile => ({ schema: LOCK_SCHEMA, stages: {} });

/** The lock item for a hashed path. */
export function lockItem(path: RelPath, info: HashInfo): LockItem {
  return info.nfiles === undefined
    ? { path, hash: info.digest, size: info.size }
    : { path, hash: info.digest, size: info.size, nfiles: info.nfiles };
}

/**
 * Lock items for a glob dep: one item per matched path (so a modified match is reported by its
 * own path) plus one item for the pattern, whose `hash` is the fingerprint of the sorted
 * `[path, digest]` list, `size` the total and `nfiles` the match count: a new or removed match
 * changes it, so the stage becomes stale. Status recognizes the pattern item by its path being
 * the stage's glob dep pattern.
 */
export function globDepItems(pattern: RelPath, matches: readonly { path: RelPath; info: HashInfo }[]): LockItem[] {
  const sorted = [...matches].sort((a, b) => cmp(a.path, b.path));
  const listing = sorted.map((m) => [m.path, m.info.digest]);
  const size = sorted.reduce((n, m) => n + m.info.size, 0);
  const patternItem: LockItem = { path: pattern, hash: fingerprint(listing) as string as Digest, size, nfiles: sorted.length };
  return [patternItem, ...sorted.map((m) => lockItem(m.path, m.info))];
}

export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A new lock with `name` set to `entry` (pure). */
export function withStage(lock: LockFile, name: string, entry: LockEntry): LockFile {
  return { schema: lock.schema, stages: { ...lock.stages, [name]: entry } };
}

/** A new lock without `name` (pure; the same object when absent). */
export function withoutStage(lock: LockFile, name: string): LockFile {
  if (!Object.hasOwn(lock.stages, name)) return lock;
  const stages = { ...lock.stages };
  delete stages[name];
  return { schema: lock.schema, stages };
}
