// The file-system effects the hasher needs, behind one small interface (STYLE practice 5) so unit
// tests can count reads or run in memory; `nodeHashFs` is the real, default implementation.
import { constants, promises as fsp, realpathSync, statSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { writeTextAtomic } from "../files/atomic-write.js";
import { hexAs, hexStreamOf, type Digest, type DigestKind } from "./digest.js";

/** What the stat cache keys on, plus the kind of entry. */
export interface FileStat {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly isFile: boolean;
  readonly isDir: boolean;
}

export type EntryKind = "file" | "dir" | "symlink" | "other";

export interface DirEntry {
  readonly name: string;
  readonly kind: EntryKind;
}

export interface HashFs {
  /** stat(2) following symlinks; null when the path does not exist. */
  stat(abs: string): Promise<FileStat | null>;
  readdir(abs: string): Promise<DirEntry[]>;
  /** The only place file bytes are read: the BLAKE3 digest of a file's content (`sizeHint` from a stat). */
  digestFile(abs: string, sizeHint?: number): Promise<Digest>;
  /** null when the file does not exist. */
  readText(abs: string): Promise<string | null>;
  /** Write via a temp file in the same folder then rename, creating the folder if needed. */
  writeTextAtomic(abs: string, text: string): Promise<void>;
  /** Where a symlink really leads (realpath(3)); without it, symlinks are not checked. */
  realpath?(abs: string): Promise<string>;
}

/** Read size per syscall; two such buffers per in-flight file (read one while hashing the other). */
const CHUNK = 8 << 20;
/** Files below this size are read in one call and hashed in one call. */
const SMALL = 1 << 20;

// Buffers are reused across files: allocating (and page-faulting) 16 MiB per file would dominate
// the cost of hashing many files. Small files use 1 MiB buffers, large ones a pair of 8 MiB.
const pairs: Buffer[][] = [];
const smalls: Buffer[] = [];
const takePair = (): Buffer[] => pairs.pop() ?? [Buffer.allocUnsafeSlow(CHUNK), Buffer.allocUnsafeSlow(CHUNK)];
const takeSmall = (): Buffer => smalls.pop() ?? Buffer.allocUnsafeSlow(SMALL);

/**
 * Digest a file. Small files (per `sizeHint`, from the caller's stat) take one read into a pooled
 * 1 MiB buffer. Large files are read in 8 MiB chunks with two reused buffers: the next read runs on
 * the libuv pool while the current chunk is hashed on the main thread (≥3 GB/s from page cache).
 */
export function digestFileNode(abs: string, sizeHint?: number): Promise<Digest> {
  return digestFileAs(abs, "blake3", sizeHint) as Promise<Digest>;
}

/** A file's bare hex digest under `kind` (the legacy xxh64 to check an old name), read as digestFileNode reads. */
export async function digestFileAs(abs: string, kind: DigestKind, sizeHint?: number): Promise<string> {
  const fh = await fsp.open(abs, constants.O_RDONLY);
  try {
    if (sizeHint !== undefined && sizeHint < SMALL) {
      const buf = takeSmall();
      try {
        const { bytesRead } = await fh.read(buf, 0, SMALL, 0);
        // A short read of a regular file means EOF; a file that grew past SMALL is streamed.
        if (bytesRead < SMALL) return hexAs(kind, buf.subarray(0, bytesRead));
      } finally {
        if (smalls.length < 32) smalls.push(buf);
      }
    }
    return await streamDigest(fh, kind);
  } finally {
    await fh.close();
  }
}

async function streamDigest(fh: FileHandle, kind: DigestKind): Promise<string> {
  const pair = takePair();
  try {
    let [cur, next] = pair as [Buffer, Buffer];
    let pos = 0;
    let read = (await fh.read(cur, 0, CHUNK, 0)).bytesRead;
    if (read < SMALL) return hexAs(kind, cur.subarray(0, read));
    const stream = hexStreamOf(kind);
    pos = read;
    while (read > 0) {
      const pending = fh.read(next, 0, CHUNK, pos);
      stream.update(cur.subarray(0, read));
      read = (await pending).bytesRead;
      pos += read;
      [cur, next] = [next, cur];
    }
    return stream.digest();
  } finally {
    if (pairs.length < 4) pairs.push(pair);
  }
}

const isMissing = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
};

export const nodeHashFs: HashFs = {
  // Synchronous on purpose: a stat from the page cache takes microseconds, while a round trip
  // through libuv's thread pool costs ~10x that; a no-op repro is mostly stats (measured:
  // 10,000 statSync 28 ms vs fs.promises.stat 115 ms).
  async stat(abs) {
    try {
      const s = statSync(abs, { throwIfNoEntry: false });
      if (s === undefined) return null;
      return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, isFile: s.isFile(), isDir: s.isDirectory() };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  },
  async readdir(abs) {
    const ents = await fsp.readdir(abs, { withFileTypes: true });
    return ents.map((d) => ({
      name: d.name,
      kind: d.isFile() ? "file" : d.isDirectory() ? "dir" : d.isSymbolicLink() ? "symlink" : "other",
    }));
  },
  digestFile: digestFileNode,
  async readText(abs) {
    try {
      return await fsp.readFile(abs, "utf8");
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  },
  writeTextAtomic,
  realpath: async (abs) => realpathSync.native(abs),
};
