// The stores a project's commands work through: the stat-cached hasher, the content-addressed
// cache and the locks as recorded (each pipeline's own lock, merged under stage addresses: see
// lock/address.ts). One place opens them for every command and the session.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCache, type Cache } from "../cache/index.js";
import { createHasher, type Hasher } from "../hashing/index.js";
import type { HashFs } from "../hashing/fs.js";
import { readMemo, writeMemo } from "../memo/text-memo.js";
import type { Diagnostic, Result } from "../diagnostics/types.js";
import { addressed, isSubPipeline, lockPathOf } from "../lock/address.js";
import type { LockFile } from "../lock/index.js";
import { emptyLock, LOCK_FILE, LOCK_SCHEMA, type LockEntry } from "../lock/types.js";
import { collectPipelines } from "./collect.js";

export interface Stores {
  readonly hasher: Hasher;
  readonly cache: Cache;
  /** Every lock's entries, under stage addresses (a sub-pipeline's `sub/dvc.yaml:train`). */
  readonly lock: LockFile;
  /** The project's pipeline files (the root's first): where each lock entry is written back. */
  readonly pipelines: readonly string[];
}

/** A lock file (pipeline.lock by default), parsed (memoized by its text: a 1,000-stage lock is 1 MB of YAML). */
export async function readLockMemo(root: string, file: string = LOCK_FILE): Promise<Result<LockFile, Diagnostic>> {
  let text: string;
  try {
    text = readFileSync(join(root, file), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { ok: true, value: emptyLock() };
    throw e;
  }
  const name = file === LOCK_FILE ? "lock-v1" : `lock-v1@${file.replaceAll("/", "~")}`;
  const memo = readMemo<LockFile>(root, name, (rel) => (rel === file ? text : null));
  if (memo) return { ok: true, value: memo.value };
  // The positional YAML parser is loaded only when the memo misses.
  const { parseLock } = await import("../lock/read.js");
  const parsed = parseLock(text, file);
  if (parsed.ok) await writeMemo(root, name, new Map([[file, text]]), parsed.value);
  return parsed;
}

/** Every pipeline's lock, merged under stage addresses; the first bad one is the error. */
async function readLocks(root: string, pipelines: readonly string[]): Promise<Result<LockFile, Diagnostic>> {
  const first = await readLockMemo(root);
  if (!first.ok || !pipelines.some(isSubPipeline)) return first;
  const stages: Record<string, LockEntry> = { ...first.value.stages };
  for (const f of pipelines) {
    const path = lockPathOf(f);
    if (path === LOCK_FILE) continue;
    const part = await readLockMemo(root, path);
    if (!part.ok) return part;
    Object.assign(stages, addressed(part.value, f));
  }
  return { ok: true, value: { schema: LOCK_SCHEMA, stages } };
}

/** pipeline.lock could not be read: the diagnostic, with the text it points into. */
export interface StoresError {
  readonly kind: "bad-lock";
  readonly diagnostic: Diagnostic;
  readonly sources: ReadonlyMap<string, string>;
}

export interface StoresOptions {
  /** Non-fatal problems of the cache (a corrupt run-cache entry). */
  readonly onWarning?: (message: string) => void;
  /** The file system the hasher stats and reads through (the up-to-date stamp records it). */
  readonly fs?: HashFs;
  /** The project's pipeline files, when already collected (else the tree is walked). */
  readonly pipelines?: readonly string[];
}

export async function openStores(root: string, opts: StoresOptions = {}): Promise<Result<Stores, StoresError>> {
  const pipelines = opts.pipelines ?? collectPipelines(root).files;
  const lock = await readLocks(root, pipelines);
  if (!lock.ok) {
    const file = lock.error.location?.file ?? LOCK_FILE;
    const sources = new Map<string, string>();
    try {
      sources.set(file, readFileSync(join(root, file), "utf8"));
    } catch {
      /* printed without the source line */
    }
    return { ok: false, error: { kind: "bad-lock", diagnostic: lock.error, sources } };
  }
  const hasher = createHasher({ root, statePath: join(root, ".cache", "state.json"), ...(opts.fs === undefined ? {} : { fs: opts.fs }) });
  const cache = createCache({ root, hasher, onWarning: opts.onWarning ?? ((): void => undefined) });
  return { ok: true, value: { hasher, cache, lock: lock.value, pipelines } };
}
