// The stores a project's commands work through: the stat-cached hasher, the content-addressed
// cache and pipeline.lock as recorded. One place opens them for every command and the session.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCache, type Cache } from "../cache/index.js";
import { createHasher, type Hasher } from "../hashing/index.js";
import type { HashFs } from "../hashing/fs.js";
import { readMemo, writeMemo } from "../memo/text-memo.js";
import type { Diagnostic, Result } from "../diagnostics/types.js";
import type { LockFile } from "../lock/index.js";
import { emptyLock, LOCK_FILE } from "../lock/types.js";

export interface Stores {
  readonly hasher: Hasher;
  readonly cache: Cache;
  readonly lock: LockFile;
}

/** pipeline.lock, parsed (memoized by its text: a 1,000-stage lock is 1 MB of YAML). */
export async function readLockMemo(root: string): Promise<Result<LockFile, Diagnostic>> {
  let text: string;
  try {
    text = readFileSync(join(root, LOCK_FILE), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { ok: true, value: emptyLock() };
    throw e;
  }
  const memo = readMemo<LockFile>(root, "lock-v1", (rel) => (rel === LOCK_FILE ? text : null));
  if (memo) return { ok: true, value: memo.value };
  // The positional YAML parser is loaded only when the memo misses.
  const { parseLock } = await import("../lock/read.js");
  const parsed = parseLock(text, LOCK_FILE);
  if (parsed.ok) await writeMemo(root, "lock-v1", new Map([[LOCK_FILE, text]]), parsed.value);
  return parsed;
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
}

export async function openStores(root: string, opts: StoresOptions = {}): Promise<Result<Stores, StoresError>> {
  const lock = await readLockMemo(root);
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
  return { ok: true, value: { hasher, cache, lock: lock.value } };
}
