// The hasher: content digests of workspace files and directories, backed by the stat cache so an
// unchanged file costs one stat. Directory digests hash a canonical manifest (DVC's `.dir` object).
import { join } from "node:path";
import { isInside } from "../files/inside.js";
import type { RelPath } from "../config/types.js";
import { digestFileAs, nodeHashFs, type FileStat, type HashFs } from "./fs.js";
import { createLimiter, mapLimit } from "../common/limit.js";
import { loadStatCache, memoryStatCache, type StatCache } from "./state.js";
import { canonicalJson } from "./canonical.js";
import { hexAs, type Digest, type DigestKind } from "./digest.js";
import { byPath, byteOrder } from "../common/order.js";

/** What a path's content is, as recorded in the lock and the run cache. */
export interface HashInfo {
  readonly digest: Digest;
  /** Bytes; for a directory, the sum of its files' sizes. */
  readonly size: number;
  readonly isDir: boolean;
  /** Number of files, directories only. */
  readonly nfiles?: number;
}

/** One file of a directory: POSIX path relative to the directory, digest, size. */
export type ManifestEntry = readonly [path: string, digest: Digest, size: number];
/** Files only, recursive, sorted by path (code-unit order): the canonical listing of a directory. */
export type Manifest = readonly ManifestEntry[];

export interface HashedDir {
  readonly info: HashInfo;
  readonly manifest: Manifest;
}

export interface Hasher {
  readonly root: string;
  /** A file's or a directory's HashInfo; null when the path does not exist. */
  hashPath(rel: RelPath): Promise<HashInfo | null>;
  /** null when missing; a directory is hashed as a directory. */
  hashFile(rel: RelPath): Promise<HashInfo | null>;
  /** null when missing or not a directory. */
  hashDir(rel: RelPath): Promise<HashedDir | null>;
  /** Record that `rel` (a file) now holds `digest`, e.g. right after the cache restored it. */
  remember(rel: RelPath, digest: Digest): Promise<void>;
  /** Save the stat cache if it changed. Call once at the end of a command. */
  flush(): Promise<void>;
}

export interface HasherOptions {
  /** Absolute project root. */
  readonly root: string;
  /** Absolute path of the stat cache file (usually `<root>/.cache/state.json`). */
  readonly statePath: string;
  readonly fs?: HashFs;
  /** Large files (≥ 1 MiB) read at once (default 2): each streams at GB/s, more only thrashes. */
  readonly readConcurrency?: number;
  /** Small files read at once (default 8): their cost is open/read/close latency, so overlap it. */
  readonly smallReadConcurrency?: number;
  /**
   * "xxh64": a hasher of the legacy names, to check what an old lock recorded. It reads files with
   * node:fs (not `fs.digestFile`) and keeps no stat cache (`statePath` is neither read nor written).
   */
  readonly algorithm?: DigestKind;
}

/**
 * Digest of a directory from its manifest: BLAKE3 of the manifest's JSON, plus `.dir`. With
 * `kind` "xxh64", the legacy form: xxh64 of the JSON of a manifest whose entries carry legacy digests.
 */
export function manifestDigest(manifest: Manifest, kind: DigestKind = "blake3"): Digest {
  return `${hexAs(kind, JSON.stringify(manifest))}.dir` as Digest;
}

/** Sort manifest entries by path in code-unit order (locale-independent). */
export function sortManifest(entries: ManifestEntry[]): Manifest {
  return entries.sort((a, b) => byteOrder(a[0], b[0]));
}

/**
 * The content of a glob dep: its matched files (any order) with their digests, as one HashInfo
 * whose digest changes when a match appears, disappears, is renamed or changes.
 */
export function globInfo(matches: readonly { readonly path: string; readonly info: HashInfo }[], kind: DigestKind = "blake3"): HashInfo {
  const sorted = [...matches].sort(byPath);
  const digest = hexAs(kind, canonicalJson(sorted.map((m) => [m.path, m.info.digest]))) as Digest;
  return { digest, size: sorted.reduce((n, m) => n + m.info.size, 0), isDir: false, nfiles: sorted.length };
}

export function dirInfo(manifest: Manifest, kind: DigestKind = "blake3"): HashInfo {
  let size = 0;
  for (const e of manifest) size += e[2];
  return { digest: manifestDigest(manifest, kind), size, isDir: true, nfiles: manifest.length };
}

const STAT_CONCURRENCY = 64;
const SMALL_FILE = 1 << 20;

/**
 * A symlink inside a directory being hashed leads out of the project: pipe neither follows it nor
 * collects what it points to (a dep or out is confined to the project, symlinks included).
 */
export class PathEscapeError extends Error {
  constructor(
    readonly path: string,
    readonly target: string,
  ) {
    super(`'${path}' is a symlink out of the project (to ${target})`);
    this.name = "PathEscapeError";
  }
}

export function createHasher(opts: HasherOptions): Hasher {
  const fs = opts.fs ?? nodeHashFs;
  const { root } = opts;
  let realRoot: Promise<string> | undefined;
  /** Symlinks met while walking a directory must stay inside the project. */
  const confine = async (rel: string): Promise<void> => {
    if (fs.realpath === undefined) return;
    realRoot ??= fs.realpath(root);
    const [base, real] = await Promise.all([realRoot, fs.realpath(abs(rel)).catch(() => null)]);
    if (real !== null && !isInside(base, real)) throw new PathEscapeError(rel, real);
  };
  const bigLimit = createLimiter(opts.readConcurrency ?? 2);
  const smallLimit = createLimiter(opts.smallReadConcurrency ?? 8);
  const kind = opts.algorithm ?? "blake3";
  const digestFile = (p: string, size: number): Promise<Digest> =>
    kind === "blake3" ? fs.digestFile(p, size) : (digestFileAs(p, kind, size) as Promise<Digest>);
  let statePromise: Promise<StatCache> | undefined;
  const state = (): Promise<StatCache> => (statePromise ??= kind === "blake3" ? loadStatCache(fs, opts.statePath) : Promise.resolve(memoryStatCache()));
  const abs = (rel: string): string => (rel === "" ? root : join(root, rel));

  // Concurrent requests for the same unchanged file (two stages sharing a dep) share one read.
  const inflight = new Map<string, { st: FileStat; digest: Promise<Digest> }>();
  const sameStat = (a: FileStat, b: { ino: number; size: number; mtimeMs: number }): boolean => a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;

  /** Digest of a file we already stat'ed: from the stat cache when (ino, size, mtime) match. */
  async function fileDigest(rel: string, st: FileStat): Promise<Digest> {
    const cache = await state();
    const hit = cache.get(rel);
    if (hit && sameStat(st, hit)) return hit.digest;
    const running = inflight.get(rel);
    if (running && sameStat(st, running.st)) return running.digest;
    const limit = st.size >= SMALL_FILE ? bigLimit : smallLimit;
    const digest = limit(() => digestFile(abs(rel), st.size));
    inflight.set(rel, { st, digest });
    try {
      const d = await digest;
      cache.set(rel, { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, digest: d });
      return d;
    } finally {
      if (inflight.get(rel)?.digest === digest) inflight.delete(rel);
    }
  }

  /** Every file under `dirRel` (recursively) as [pathInDir, stat]; symlinks are followed. */
  async function walk(dirRel: string, prefix: string, out: [string, FileStat][]): Promise<void> {
    const entries = await fs.readdir(abs(dirRel));
    const subdirs: [string, string][] = [];
    await mapLimit(entries, STAT_CONCURRENCY, async (e) => {
      if (e.kind === "other") return;
      const rel = dirRel === "" ? e.name : `${dirRel}/${e.name}`;
      const inDir = prefix === "" ? e.name : `${prefix}/${e.name}`;
      if (e.kind === "dir") {
        subdirs.push([rel, inDir]);
        return;
      }
      if (e.kind === "symlink") await confine(rel);
      const st = await fs.stat(abs(rel));
      if (st?.isFile) out.push([inDir, st]);
      else if (st?.isDir) subdirs.push([rel, inDir]);
    });
    // Symlinked directories are followed like real ones (a symlink cycle would not terminate).
    await mapLimit(subdirs, 8, ([rel, inDir]) => walk(rel, inDir, out));
  }

  async function dirFromStat(rel: string): Promise<HashedDir> {
    const files: [string, FileStat][] = [];
    await walk(rel, "", files);
    const entries = await mapLimit(files, STAT_CONCURRENCY, async ([p, st]): Promise<ManifestEntry> => {
      const key = rel === "" ? p : `${rel}/${p}`;
      return [p, await fileDigest(key, st), st.size];
    });
    const manifest = sortManifest(entries);
    return { info: dirInfo(manifest, kind), manifest };
  }

  async function hashPath(rel: RelPath): Promise<HashInfo | null> {
    const st = await fs.stat(abs(rel));
    if (st === null) {
      (await state()).delete(rel);
      return null;
    }
    if (st.isDir) return (await dirFromStat(rel)).info;
    if (!st.isFile) return null;
    return { digest: await fileDigest(rel, st), size: st.size, isDir: false };
  }

  return {
    root,
    hashPath,
    hashFile: hashPath,
    async hashDir(rel) {
      const st = await fs.stat(abs(rel));
      return st?.isDir ? dirFromStat(rel) : null;
    },
    async remember(rel, digest) {
      const st = await fs.stat(abs(rel));
      if (st?.isFile) (await state()).set(rel, { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, digest });
    },
    async flush() {
      if (statePromise) await (await statePromise).save();
    },
  };
}
