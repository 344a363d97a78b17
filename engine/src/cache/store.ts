// The content-addressed store: save workspace outputs as read-only objects, check presence,
// restore them into the workspace (reflink / hardlink / copy), verify, and unprotect.
import { promises as fsp } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import type { RelPath } from "../config/types.js";
import {
  digestFileNode,
  digestString,
  isDigest,
  type Digest,
  type HashInfo,
  type Hasher,
  type Manifest,
} from "../hashing/index.js";
import { mapLimit } from "../common/limit.js";
import { objectPath, tmpPath, type CacheLayout } from "./layout.js";
import { linkIn, linkOut, probeLinkMode, runningAsRoot, type LinkMode } from "./link.js";

const IO_CONCURRENCY = 8;

const exists = async (p: string): Promise<boolean> => {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
};

const joinRel = (base: string, p: string): RelPath => (base === "" ? p : `${base}/${p}`) as RelPath;

/** Parse a stored manifest; null when it is not a well-formed manifest. */
export function parseManifest(text: string): Manifest | null {
  try {
    const raw: unknown = JSON.parse(text);
    if (!Array.isArray(raw)) return null;
    for (const e of raw) {
      if (!Array.isArray(e) || e.length !== 3) return null;
      const [p, d, s] = e as unknown[];
      if (typeof p !== "string" || p === "" || p.startsWith("/") || p.split("/").includes("..")) return null;
      if (!isDigest(d) || d.endsWith(".dir") || typeof s !== "number") return null;
    }
    return raw as Manifest;
  } catch {
    return null;
  }
}

/** Regular files under `dir`, recursively, as POSIX paths relative to it (no reads, no hashing). */
async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const p = prefix === "" ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

export interface StoreDeps {
  readonly root: string;
  readonly hasher: Hasher;
  readonly layout: CacheLayout;
  /** Forced strategy; by default probed once on first use (see ./link.ts for the rule). */
  readonly linkMode?: LinkMode;
  readonly asRoot?: boolean;
}

export function createStore(deps: StoreDeps) {
  const { root, hasher, layout } = deps;
  const abs = (rel: string): string => (rel === "" ? root : join(root, rel));
  let mode: LinkMode | undefined = deps.linkMode;
  const linkMode = (): LinkMode => (mode ??= probeLinkMode(layout.tmp, deps.asRoot ?? runningAsRoot()));
  const obj = (d: Digest): string => objectPath(layout, d);

  /** Move a staged file into place as a read-only object (rename is atomic within the cache). */
  async function commit(tmp: string, digest: Digest): Promise<void> {
    const dst = obj(digest);
    await fsp.chmod(tmp, 0o444);
    await fsp.mkdir(dirname(dst), { recursive: true });
    await fsp.rename(tmp, dst);
  }

  async function putFile(srcAbs: string, digest: Digest): Promise<void> {
    if (await exists(obj(digest))) return; // already stored: no copy
    await fsp.mkdir(layout.tmp, { recursive: true });
    const tmp = tmpPath(layout);
    try {
      await linkIn(srcAbs, tmp, linkMode());
      await commit(tmp, digest);
    } catch (e) {
      await fsp.rm(tmp, { force: true });
      throw e;
    }
  }

  async function putText(text: string, digest: Digest): Promise<void> {
    if (await exists(obj(digest))) return;
    await fsp.mkdir(layout.tmp, { recursive: true });
    const tmp = tmpPath(layout);
    await fsp.writeFile(tmp, text);
    await commit(tmp, digest);
  }

  async function readManifest(digest: Digest): Promise<Manifest | null> {
    let text: string;
    try {
      text = await fsp.readFile(obj(digest), "utf8");
    } catch {
      return null;
    }
    return parseManifest(text);
  }

  async function save(rel: RelPath, info: HashInfo): Promise<void> {
    if (!info.isDir) return putFile(abs(rel), info.digest);
    // Re-hash (a stat per file with a warm stat cache) to get the manifest and to make sure the
    // directory still is what `info` describes.
    const hashed = await hasher.hashDir(rel);
    if (hashed === null || hashed.info.digest !== info.digest) {
      throw new Error(`cannot save ${rel}: it changed since it was hashed`);
    }
    await mapLimit(hashed.manifest, IO_CONCURRENCY, ([p, d]) => putFile(abs(joinRel(rel, p)), d));
    await putText(JSON.stringify(hashed.manifest), info.digest);
  }

  async function has(info: HashInfo): Promise<boolean> {
    if (!info.isDir) return exists(obj(info.digest));
    const manifest = await readManifest(info.digest);
    if (manifest === null) return false;
    const present = await mapLimit(manifest, 32, ([, d]) => exists(obj(d)));
    return present.every(Boolean);
  }

  async function restore(rel: RelPath, info: HashInfo): Promise<void> {
    const dst = abs(rel);
    const mode = linkMode();
    if (!info.isDir) {
      if (!(await exists(obj(info.digest)))) throw new Error(`cannot restore ${rel}: object ${info.digest} missing`);
      await fsp.rm(dst, { recursive: true, force: true });
      await fsp.mkdir(dirname(dst), { recursive: true });
      await linkOut(obj(info.digest), dst, mode);
      await hasher.remember(rel, info.digest);
      return;
    }
    const manifest = await readManifest(info.digest);
    if (manifest === null) throw new Error(`cannot restore ${rel}: manifest ${info.digest} missing or corrupt`);
    // Check every object before touching the workspace, so a gap never leaves a half-restored dir.
    const present = await mapLimit(manifest, 32, ([, d]) => exists(obj(d)));
    const gap = present.indexOf(false);
    if (gap >= 0) throw new Error(`cannot restore ${rel}: object for ${manifest[gap]?.[0] ?? "?"} missing`);
    await fsp.rm(dst, { recursive: true, force: true });
    await fsp.mkdir(dst, { recursive: true });
    const dirs = new Set<string>();
    for (const [p] of manifest) {
      const slash = p.lastIndexOf("/");
      if (slash > 0) dirs.add(p.slice(0, slash));
    }
    for (const d of [...dirs].sort()) await fsp.mkdir(join(dst, d), { recursive: true });
    await mapLimit(manifest, IO_CONCURRENCY, async ([p, d]) => {
      await linkOut(obj(d), join(dst, p), mode);
      await hasher.remember(joinRel(rel, p), d);
    });
  }

  /** Replace one hardlinked or read-only file by a private writable copy. */
  async function unprotectFile(rel: RelPath): Promise<void> {
    const p = abs(rel);
    const st = await fsp.stat(p);
    if (st.nlink <= 1 && (st.mode & 0o200) !== 0) return;
    const info = await hasher.hashFile(rel); // warm stat cache: no read
    const tmp = join(dirname(p), `.${basename(p)}.${process.pid}-${randomBytes(4).toString("hex")}.unprotect`);
    try {
      await fsp.copyFile(p, tmp);
      await fsp.chmod(tmp, (st.mode & 0o777) | 0o200);
      await fsp.rename(tmp, p);
    } catch (e) {
      await fsp.rm(tmp, { force: true });
      throw e;
    }
    if (info && !info.isDir) await hasher.remember(rel, info.digest);
  }

  async function unprotect(rel: RelPath): Promise<void> {
    const st = await fsp.stat(abs(rel)).catch(() => null);
    if (st === null) return;
    if (!st.isDirectory()) return unprotectFile(rel);
    const files = await listFiles(abs(rel));
    await mapLimit(files, IO_CONCURRENCY, (p) => unprotectFile(joinRel(rel, p)));
  }

  async function verifyFile(digest: Digest): Promise<boolean> {
    try {
      return (await digestFileNode(obj(digest))) === digest;
    } catch {
      return false;
    }
  }

  async function verify(info: HashInfo): Promise<boolean> {
    if (!info.isDir) return verifyFile(info.digest);
    let text: string;
    try {
      text = await fsp.readFile(obj(info.digest), "utf8");
    } catch {
      return false;
    }
    if (`${digestString(text)}.dir` !== info.digest) return false;
    const manifest = parseManifest(text);
    if (manifest === null) return false;
    const ok = await mapLimit(manifest, 4, ([, d]) => verifyFile(d));
    return ok.every(Boolean);
  }

  return { linkMode, save, has, restore, unprotect, verify, readManifest, objectPath: obj };
}

