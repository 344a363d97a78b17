// The effectful pieces a command needs over a project's workspace: the stat-cached hasher, the
// content-addressed cache and the recorded lock. One place builds them for every command.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCache, type Cache } from "../cache/index.js";
import { formatDiagnostics } from "../diagnostics/index.js";
import { createHasher, type Hasher } from "../hashing/index.js";
import type { HashFs } from "../hashing/fs.js";
import { readMemo, writeMemo } from "../cache/memo.js";
import type { Diagnostic, Result } from "../diagnostics/types.js";
import type { LockFile } from "../lock/index.js";
import { emptyLock, LOCK_FILE } from "../lock/types.js";
import { ExitCode, UserError } from "./io.js";

export interface Workspace {
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

export async function openWorkspace(
  root: string,
  onWarning: (message: string) => void = () => {},
  fs?: HashFs,
): Promise<Workspace> {
  const lock = await readLockMemo(root);
  if (!lock.ok) {
    const file = lock.error.location?.file ?? LOCK_FILE;
    const sources = new Map<string, string>();
    try {
      sources.set(file, readFileSync(join(root, file), "utf8"));
    } catch {
      /* printed without the source line */
    }
    throw new UserError(formatDiagnostics([lock.error], sources).trimEnd(), ExitCode.badPipeline);
  }
  const hasher = createHasher({ root, statePath: join(root, ".cache", "state.json"), ...(fs === undefined ? {} : { fs }) });
  const cache = createCache({ root, hasher, onWarning });
  return { hasher, cache, lock: lock.value };
}
