// The lock file model (`pipeline.lock`, committed to git): what each stage last ran with and
// produced, so `status` can say what changed. Pure helpers only; I/O lives in ./read.ts, ./write.ts.
import type { RelPath } from "../config/types.js";
import { globInfo, type Digest, type HashInfo } from "../hashing/index.js";
import { byteOrder } from "../common/order.js";

export const LOCK_SCHEMA = "1.0";
export const LOCK_FILE = "pipeline.lock";

/**
 * A dep or out as locked: its content identity at the time the stage ran. A glob dep is one item
 * under its pattern, whose `hash` covers the matched list (`globInfo`).
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
  return info.nfiles === undefined ? { path, hash: info.digest, size: info.size } : { path, hash: info.digest, size: info.size, nfiles: info.nfiles };
}

/**
 * Lock items for a glob dep with one item per match as well as the pattern item (`globInfo`).
 * The executor records only the pattern item (status compares recorded deps with declared ones,
 * so per-match items would read as removed deps); this fuller form is for tools that want to
 * show which matched file changed.
 */
export function globDepItems(pattern: RelPath, matches: readonly { path: RelPath; info: HashInfo }[]): LockItem[] {
  const sorted = [...matches].sort((a, b) => cmp(a.path, b.path));
  const patternItem = lockItem(pattern, globInfo(sorted));
  return [patternItem, ...sorted.map((m) => lockItem(m.path, m.info))];
}

export const cmp = byteOrder;

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
