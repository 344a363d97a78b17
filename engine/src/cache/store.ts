// The workspace side of the cache: save workspace outputs as objects, check presence, restore them
// into the workspace (reflink / hardlink / copy from a local store, a stream from any other),
// verify, and unprotect. Objects are reached only through the ObjectStore interface.
import { createReadStream, createWriteStream, promises as fsp } from "node:fs";
import { pipeline } from "node:stream/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, join, relative } from "node:path";
import type { RelPath } from "../config/types.js";
import {
  digestFileAs,
  digestKind,
  digestStreamFor,
  isDigest,
  matchesDigest,
  type Digest,
  type HashInfo,
  type Hasher,
  type Manifest,
} from "../hashing/index.js";
import { mapLimit } from "../common/limit.js";
import type { CacheLayout } from "./layout.js";
import { localObjectStore, readObjectText, type ObjectStore } from "./object-store.js";
import { verifiedObjects, type ObjectCheck } from "./verified.js";

/**
 * Why an output could not be restored: its object (or, for a directory, one file's object or the
 * manifest) is missing, or holds bytes that do not hash to its name. A corrupt object has been
 * moved out of the store (`movedTo`, relative to the project root) so it is never used again.
 */
export interface RestoreProblem {
  readonly kind: "missing" | "corrupt" | "bad-manifest";
  readonly digest: Digest;
  /** The file inside a directory output whose object is at fault. */
  readonly file?: string;
  readonly movedTo?: string;
}

export function describeRestoreProblem(rel: string, p: RestoreProblem): string {
  const moved = p.movedTo === undefined ? "" : `; moved it to ${p.movedTo}`;
  switch (p.kind) {
    case "missing":
      return p.file === undefined ? `cannot restore ${rel}: object ${p.digest} missing` : `cannot restore ${rel}: object for ${p.file} missing (${p.digest})`;
    case "corrupt":
      return `cannot restore ${rel}: object ${p.digest}${p.file === undefined ? "" : ` (of ${p.file})`} is corrupt: its bytes do not hash to its name${moved}`;
    case "bad-manifest":
      return `cannot restore ${rel}: manifest ${p.digest} missing or corrupt${moved}`;
    default: {
      const never: never = p.kind;
      throw new Error(`unknown restore problem ${String(never)}`);
    }
  }
}

/** Thrown by `restore` (the checked form, `restoreChecked`, returns the problem instead). */
export class RestoreError extends Error {
  constructor(
    readonly path: string,
    readonly problem: RestoreProblem,
  ) {
    super(describeRestoreProblem(path, problem));
    this.name = "RestoreError";
  }
}
import { linkIn, linkOut, probeLinkMode, runningAsRoot, type LinkMode } from "./link.js";

const IO_CONCURRENCY = 8;

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
  /** Where objects live; by default the local `.cache/objects/`. */
  readonly objects?: ObjectStore;
}

export function createStore(deps: StoreDeps) {
  const { root, hasher, layout } = deps;
  const abs = (rel: string): string => (rel === "" ? root : join(root, rel));
  let mode: LinkMode | undefined = deps.linkMode;
  const linkMode = (): LinkMode => (mode ??= probeLinkMode(layout.tmp, deps.asRoot ?? runningAsRoot()));
  const objects = deps.objects ?? localObjectStore(layout);
  const exists = (d: Digest): Promise<boolean> => objects.has(d);
  const verified = verifiedObjects(layout.verified);

  /** Read an object back: do its bytes hash to its name? (Local objects remember the answer.) */
  async function checkObject(d: Digest): Promise<ObjectCheck> {
    if (objects.localPath !== undefined) return verified.check(d, objects.localPath(d));
    if (!(await exists(d))) return "missing";
    return (await verifyFile(d)) ? "ok" : "corrupt";
  }

  /** Move a bad object out of the store (to `.cache/quarantine/`), so no restore uses it again. */
  async function quarantine(d: Digest): Promise<string | undefined> {
    verified.forget(d);
    if (objects.localPath === undefined) {
      await objects.remove(d);
      return undefined;
    }
    const dst = join(layout.quarantine, `${d}.${Date.now()}`);
    await fsp.mkdir(layout.quarantine, { recursive: true });
    try {
      await fsp.rename(objects.localPath(d), dst);
      return relative(root, dst);
    } catch {
      await objects.remove(d);
      return undefined;
    }
  }

  const bad = async (kind: "corrupt" | "bad-manifest", digest: Digest, file?: string): Promise<RestoreProblem> => {
    const movedTo = await quarantine(digest);
    return { kind, digest, ...(file !== undefined ? { file } : {}), ...(movedTo !== undefined ? { movedTo } : {}) };
  };

  async function putFile(srcAbs: string, digest: Digest): Promise<void> {
    if (await exists(digest)) return; // already stored: no copy
    if (objects.stagingPath === undefined || objects.adopt === undefined) return objects.write(digest, createReadStream(srcAbs));
    await fsp.mkdir(layout.tmp, { recursive: true });
    const tmp = objects.stagingPath();
    try {
      await linkIn(srcAbs, tmp, linkMode());
      await objects.adopt(tmp, digest);
    } catch (e) {
      await fsp.rm(tmp, { force: true });
      throw e;
    }
  }

  /** Materialize object `digest` at `dst` (which must not exist): a link or clone when local, else its bytes. */
  async function materialize(digest: Digest, dst: string, mode: LinkMode): Promise<void> {
    if (objects.localPath !== undefined) {
      await linkOut(objects.localPath(digest), dst, mode);
      return;
    }
    const stream = await objects.read(digest);
    if (stream === null) throw new Error(`object ${digest} vanished from ${objects.name}`);
    await pipeline(stream, createWriteStream(dst, { mode: 0o644 }));
  }

  async function readManifest(digest: Digest): Promise<Manifest | null> {
    let text: string | null;
    try {
      text = await readObjectText(objects, digest);
    } catch {
      return null;
    }
    return text === null ? null : parseManifest(text);
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
    await objects.write(info.digest, JSON.stringify(hashed.manifest));
  }

  async function has(info: HashInfo): Promise<boolean> {
    if (!info.isDir) return exists(info.digest);
    const manifest = await readManifest(info.digest);
    if (manifest === null) return false;
    const present = await mapLimit(manifest, 32, ([, d]) => exists(d));
    return present.every(Boolean);
  }

  /**
   * Replace whatever is at `rel` by the stored content, putting into the workspace only bytes that
   * hash to the digests being restored: every object is read back (or known verified and
   * untouched) before the workspace is touched, so a bad object leaves the output as it was.
   */
  async function restoreChecked(rel: RelPath, info: HashInfo): Promise<RestoreProblem | null> {
    const dst = abs(rel);
    const mode = linkMode();
    if (!info.isDir) {
      const check = await checkObject(info.digest);
      if (check === "missing") return { kind: "missing", digest: info.digest };
      if (check === "corrupt") return bad("corrupt", info.digest);
      await fsp.rm(dst, { recursive: true, force: true });
      await fsp.mkdir(dirname(dst), { recursive: true });
      await materialize(info.digest, dst, mode);
      // The bytes just written are the ones verified: the stat cache may say so.
      await hasher.remember(rel, info.digest);
      return null;
    }
    let text: string | null = null;
    try {
      text = await readObjectText(objects, info.digest);
    } catch {
      /* unreadable: as missing */
    }
    if (text === null) return { kind: "bad-manifest", digest: info.digest };
    const manifest = matchesDigest(text, info.digest) ? parseManifest(text) : null;
    if (manifest === null) return bad("bad-manifest", info.digest);
    const checks = await mapLimit(manifest, 4, ([, d]) => checkObject(d));
    const gap = checks.findIndex((c) => c !== "ok");
    if (gap >= 0) {
      const [file, d] = manifest[gap] as [string, Digest, number];
      return checks[gap] === "missing" ? { kind: "missing", digest: d, file } : bad("corrupt", d, file);
    }
    await fsp.rm(dst, { recursive: true, force: true });
    await fsp.mkdir(dst, { recursive: true });
    const dirs = new Set<string>();
    for (const [p] of manifest) {
      const slash = p.lastIndexOf("/");
      if (slash > 0) dirs.add(p.slice(0, slash));
    }
    for (const d of [...dirs].sort()) await fsp.mkdir(join(dst, d), { recursive: true });
    await mapLimit(manifest, IO_CONCURRENCY, async ([p, d]) => {
      await materialize(d, join(dst, p), mode);
      await hasher.remember(joinRel(rel, p), d);
    });
    return null;
  }

  async function restore(rel: RelPath, info: HashInfo): Promise<void> {
    const problem = await restoreChecked(rel, info);
    if (problem !== null) throw new RestoreError(rel, problem);
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
      if (objects.localPath !== undefined) return (await digestFileAs(objects.localPath(digest), digestKind(digest))) === digest;
      const stream = await objects.read(digest);
      if (stream === null) return false;
      const h = digestStreamFor(digest);
      for await (const chunk of stream) h.update(chunk as Uint8Array);
      return h.digest() === digest;
    } catch {
      return false;
    }
  }

  async function verify(info: HashInfo): Promise<boolean> {
    if (!info.isDir) return verifyFile(info.digest);
    let text: string | null;
    try {
      text = await readObjectText(objects, info.digest);
    } catch {
      return false;
    }
    if (text === null) return false;
    if (!matchesDigest(text, info.digest)) return false;
    const manifest = parseManifest(text);
    if (manifest === null) return false;
    const ok = await mapLimit(manifest, 4, ([, d]) => verifyFile(d));
    return ok.every(Boolean);
  }

  return { linkMode, objects, save, has, restore, restoreChecked, unprotect, verify, checkObject, quarantine, readManifest, flush: () => verified.flush() };
}
