// One `repro` at a time per project: `.cache/repro.lock` holds the owner's pid, created with O_EXCL.
// A second run fails fast naming the holder; the lock of a dead process is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";

export type LockAttempt =
  | { readonly ok: true; readonly release: () => void }
  | { readonly ok: false; readonly holderPid: number; readonly path: string };

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

export function processLockPath(root: string): string {
  return join(root, ".cache", "repro.lock");
}

export function acquireProcessLock(root: string, pid = process.pid): LockAttempt {
  const path = processLockPath(root);
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      let released = false;
      return {
        ok: true,
        release: () => {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let holder = Number.NaN;
      try {
        holder = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
      } catch {
        /* vanished meanwhile: retry */
      }
      if (Number.isInteger(holder) && holder !== pid && alive(holder)) return { ok: false, holderPid: holder, path };
      // Stale (dead holder, or garbage): take it over.
      rmSync(path, { force: true });
    }
  }
  return { ok: false, holderPid: Number.NaN, path };
}
