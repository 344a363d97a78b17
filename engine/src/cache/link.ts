// How restored files are materialized from the store, decided once per cache by a probe.
//
// Rule: reflink when the file system supports it (a copy-on-write clone: instant and fully
// isolated); otherwise hardlink, but ONLY when not running as root; otherwise a plain copy.
// Hardlinks rely on objects being read-only (0o444) so an in-place edit of a workspace file fails
// with EACCES instead of rewriting the shared inode, i.e. the cached object. root ignores file
// modes, so as root a hardlink would let `echo x >> out` corrupt the cache silently: copy instead.
import { constants, copyFileSync, linkSync, mkdirSync, rmSync, writeFileSync, promises as fsp } from "node:fs";
import { join } from "node:path";

export type LinkMode = "reflink" | "hardlink" | "copy";

/** True when the effective uid is 0 (file modes are not enforced). Windows has no uid: false. */
export const runningAsRoot = (): boolean => (process.geteuid?.() ?? process.getuid?.() ?? -1) === 0;

/** Probe `tmpDir` (inside the cache, so the same file system as objects and usually the workspace). */
export function probeLinkMode(tmpDir: string, asRoot: boolean): LinkMode {
  mkdirSync(tmpDir, { recursive: true });
  const base = join(tmpDir, `probe-${process.pid}-${Date.now()}`);
  const src = `${base}.src`;
  try {
    writeFileSync(src, "pipe link probe");
    try {
      copyFileSync(src, `${base}.ref`, constants.COPYFILE_FICLONE_FORCE);
      return "reflink";
    } catch {
      // no copy-on-write clones here
    }
    if (asRoot) return "copy";
    try {
      linkSync(src, `${base}.lnk`);
      return "hardlink";
    } catch {
      return "copy";
    }
  } finally {
    for (const ext of [".src", ".ref", ".lnk"]) rmSync(`${base}${ext}`, { force: true });
  }
}

/**
 * Materialize `src` (a store object) at `dst` (must not exist) with `mode`, falling back to a copy
 * when the preferred way fails for this file (e.g. EXDEV across file systems, EMLINK).
 * Copies and clones are made writable (0o644); hardlinks stay read-only, being the object itself.
 */
export async function linkOut(src: string, dst: string, mode: LinkMode): Promise<LinkMode> {
  if (mode === "hardlink") {
    try {
      await fsp.link(src, dst);
      return "hardlink";
    } catch {
      // fall through to a copy
    }
  }
  let used: LinkMode = "copy";
  if (mode === "reflink") {
    try {
      await fsp.copyFile(src, dst, constants.COPYFILE_FICLONE_FORCE);
      used = "reflink";
    } catch {
      await fsp.copyFile(src, dst);
    }
  } else {
    await fsp.copyFile(src, dst);
  }
  await fsp.chmod(dst, 0o644);
  return used;
}

/**
 * Put workspace file `src` into the store at staging path `tmp` (the caller chmods and renames):
 * a clone, a hardlink (the workspace file then shares the read-only object inode, as DVC does), or
 * a copy. Never moves `src`.
 */
export async function linkIn(src: string, tmp: string, mode: LinkMode): Promise<void> {
  if (mode === "hardlink") {
    try {
      await fsp.link(src, tmp);
      return;
    } catch {
      // fall through to a copy
    }
  }
  await fsp.copyFile(src, tmp, mode === "reflink" ? constants.COPYFILE_FICLONE : 0);
}
