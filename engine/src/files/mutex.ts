// A cross-process mutex made of one lock file, for `repro` (one at a time per project) and the
// experiment index. The file is created whole and at once (hard-linked from a written temp file),
// so nobody ever reads a half-written holder. A dead holder's file is taken over through a guard
// named after that holder's token: of any number of processes that saw the same dead holder,
// exactly one creates the guard, re-reads the lock and removes it only if it is still that one.
import { randomBytes } from "node:crypto";
import { closeSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { digestHex } from "./text-digest.js";
import { holderOf, hostProcesses, liveness, parseHolder, type Holder, type Liveness, type ProcessTable } from "./holder.js";

export type MutexAttempt =
  | { readonly ok: true; readonly holder: Holder; readonly release: () => void }
  | {
      readonly ok: false;
      /** The live holder, or null when the file could not be read as one after several tries. */
      readonly holder: Holder | null;
      readonly liveness: Liveness | "unknown";
      readonly path: string;
    };

export interface MutexOptions {
  readonly procs?: ProcessTable;
  readonly pid?: number;
  /**
   * For locks held for milliseconds (the experiment index): a lock file older than this many ms
   * whose holder cannot be checked from here (another host, or a file that names no holder) counts
   * as abandoned. Without it, another host's holder is never dead and a file naming none always is.
   */
  readonly staleMs?: number;
  readonly now?: () => number;
}

const read = (path: string): string | null => {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
};

/** Create `path` holding `text`, whole, or return false when it exists. */
function createWhole(path: string, text: string): boolean {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(tmp, "wx");
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw e;
    // A file system without hard links: O_EXCL, and the text follows at once.
    try {
      const fd2 = openSync(path, "wx");
      try {
        writeSync(fd2, text);
      } finally {
        closeSync(fd2);
      }
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw e2;
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** A bare pid, as pipe 0.1 wrote `.cache/repro.lock`: alive by the signal-0 probe alone. */
function legacyPid(text: string): number | null {
  const m = /^\s*(\d+)\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}

interface Judged {
  readonly liveness: Liveness;
  readonly holder: Holder | null;
  /** Names the guard of a takeover of exactly this file's content. */
  readonly key: string;
}

/** Age of the file at `path` in ms (0 when it vanished: then it is judged again anyway). */
function ageOf(path: string, opts: MutexOptions): number {
  const st = statSync(path, { throwIfNoEntry: false });
  return st === undefined ? 0 : (opts.now ?? Date.now)() - st.mtimeMs;
}

function judge(path: string, text: string, opts: MutexOptions): Judged {
  const procs = opts.procs ?? hostProcesses();
  const h = parseHolder(text);
  const abandoned = (): boolean => opts.staleMs !== undefined && ageOf(path, opts) > opts.staleMs;
  if (h === null) {
    const pid = legacyPid(text);
    const key = digestHex(text);
    if (pid !== null) {
      const alive = pid !== (opts.pid ?? process.pid) && procs.exists(pid);
      return { liveness: alive ? "alive" : "dead", holder: { pid, host: procs.host, boot: "", start: "", since: "", token: "" }, key };
    }
    // Names no holder (another tool's file, or one written by hand).
    return { liveness: opts.staleMs === undefined || abandoned() ? "dead" : "alive", holder: null, key };
  }
  let l = liveness(h, procs);
  if (l === "elsewhere" && abandoned()) l = "dead";
  return { liveness: l, holder: h, key: /^[0-9a-f]{8,64}$/.test(h.token) ? h.token : digestHex(text) };
}

/**
 * Remove `path` if it still holds `stale` (a dead holder's text). Only the process that creates
 * the guard `<path>.reap-<key>` may look and remove; a guard left by a takeover that died midway
 * is itself taken over the same way. Returns false when another process is taking over.
 */
function reap(path: string, stale: string, key: string, me: Holder, opts: MutexOptions, depth = 0): boolean {
  if (depth > 4) return false;
  const guard = `${path}.reap-${key}`;
  const guardText = JSON.stringify({ ...me, token: randomBytes(8).toString("hex") });
  if (!createWhole(guard, guardText)) {
    const other = read(guard);
    if (other === null) return reap(path, stale, key, me, opts, depth + 1);
    const j = judge(guard, other, opts);
    if (j.liveness !== "dead") return false;
    reap(guard, other, j.key, me, opts, depth + 1);
    if (!createWhole(guard, guardText)) return false;
  }
  try {
    if (read(path) === stale) unlinkSync(path);
  } finally {
    rmSync(guard, { force: true });
  }
  return true;
}

/** Guards left by takeovers that died midway, whose holders are gone: safe to remove (see reap). */
function sweepGuards(path: string, opts: MutexOptions): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}.reap-`;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const n of names) {
    const text = read(join(dir, n));
    if (text !== null && judge(join(dir, n), text, opts).liveness === "dead") rmSync(join(dir, n), { force: true });
  }
}

/** Take the mutex at `path` now, or say who holds it. Never waits. */
export function tryLock(path: string, opts: MutexOptions = {}): MutexAttempt {
  mkdirSync(dirname(path), { recursive: true });
  const pid = opts.pid ?? process.pid;
  const me = holderOf(pid, randomBytes(8).toString("hex"), opts.procs, new Date((opts.now ?? Date.now)()));
  const text = `${JSON.stringify(me)}\n`;
  let last: Judged | null = null;
  for (let attempt = 0; attempt < 8; attempt++) {
    if (createWhole(path, text)) {
      if (attempt > 0) sweepGuards(path, opts);
      let released = false;
      return {
        ok: true,
        holder: me,
        release: () => {
          if (released) return;
          released = true;
          // Remove only our own hold (never a file that replaced it).
          if (read(path) === text) rmSync(path, { force: true });
        },
      };
    }
    const current = read(path);
    if (current === null) continue; // released meanwhile: try again
    last = judge(path, current, opts);
    if (last.liveness !== "dead") return { ok: false, holder: last.holder, liveness: last.liveness, path };
    reap(path, current, last.key, me, opts);
  }
  return { ok: false, holder: last?.holder ?? null, liveness: last?.liveness ?? "unknown", path };
}

export class MutexTimeoutError extends Error {
  constructor(readonly path: string) {
    super(`timed out waiting for lock ${path}`);
    this.name = "MutexTimeoutError";
  }
}

/**
 * Runs `fn` holding the mutex at `path`, waiting up to `timeoutMs` for it; released even when `fn`
 * throws. For short critical sections: `staleMs` defaults to 30 s (see MutexOptions).
 */
export async function withMutex<T>(path: string, fn: () => Promise<T>, options: MutexOptions & { readonly timeoutMs?: number } = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const opts: MutexOptions = { ...options, staleMs: options.staleMs ?? 30_000 };
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    const held = tryLock(path, opts);
    if (held.ok) {
      try {
        return await fn();
      } finally {
        held.release();
      }
    }
    if (Date.now() - start > timeoutMs) throw new MutexTimeoutError(path);
    await new Promise((r) => setTimeout(r, Math.min(50, 2 + attempt * 2) * (0.5 + Math.random())));
  }
}
