// A cross-process mutex made of one O_EXCL lock file: whoever creates it holds the lock. Held for
// milliseconds (an index append), so a lock older than `staleMs` is a crashed writer's and is taken over.
import { open, rename, stat, unlink } from "node:fs/promises";
import { randomBytes } from "node:crypto";

export interface LockOptions {
  /** Give up after this long (ms). */
  readonly timeoutMs?: number;
  /** A lock file older than this (ms) is considered abandoned. */
  readonly staleMs?: number;
}

export class LockTimeoutError extends Error {
  constructor(readonly path: string) {
    super(`timed out waiting for lock ${path}`);
    this.name = "LockTimeoutError";
  }
}

/** Runs `fn` while holding `lockPath`; the lock file is removed afterwards, even when `fn` throws. */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const staleMs = opts.staleMs ?? 30_000;
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(lockPath, "wx");
      try {
        await fh.writeFile(JSON.stringify({ pid: process.pid, at: new Date().toISOString() }));
      } finally {
        await fh.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      await takeOverIfStale(lockPath, staleMs);
      if (Date.now() - start > timeoutMs) throw new LockTimeoutError(lockPath);
      await sleep(Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

/** Moves an abandoned lock aside (rename is atomic: of two rescuers only one succeeds). */
async function takeOverIfStale(lockPath: string, staleMs: number): Promise<void> {
  try {
    const s = await stat(lockPath);
    if (Date.now() - s.mtimeMs <= staleMs) return;
    const aside = `${lockPath}.stale-${randomBytes(4).toString("hex")}`;
    await rename(lockPath, aside);
    await unlink(aside).catch(() => undefined);
  } catch {
    // gone already, or another process took it over: retry
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
