// Where cache objects live, addressed by digest and moved as streams: the local `.cache/objects/`
// folder here; a remote (S3, SSH, a shared folder) is another implementation of ObjectStore.
// The workspace side (cache/store.ts: save, restore, links) speaks only this interface, and uses
// `localPath` when a store has one, to link or clone files instead of copying their bytes.
import { createWriteStream, promises as fsp } from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { dirname, join } from "node:path";
import { isDigest, type Digest } from "../hashing/index.js";
import { objectPath, tmpPath, type CacheLayout } from "./layout.js";

export interface ObjectStore {
  /** For messages: `local`, `s3://bucket/prefix`. */
  readonly name: string;
  has(digest: Digest): Promise<boolean>;
  /** The object's bytes; null when it is absent. */
  read(digest: Digest): Promise<Readable | null>;
  /** Store `bytes` under `digest`, atomically (never a partial object); the caller vouches for the digest. */
  write(digest: Digest, bytes: Readable | Uint8Array | string): Promise<void>;
  remove(digest: Digest): Promise<void>;
  /** Every stored digest, in no particular order. */
  list(): AsyncIterable<Digest>;
  /** Local stores only: the object's file, for links and clones. */
  readonly localPath?: (digest: Digest) => string;
  /** Local stores only: move a file already written in the store's staging area into place as `digest`. */
  readonly adopt?: (staged: string, digest: Digest) => Promise<void>;
  /** Local stores only: a fresh staging path on the store's file system. */
  readonly stagingPath?: () => string;
}

const exists = async (p: string): Promise<boolean> => {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
};

/** The store in `<root>/.cache/objects/`: `ab/cdef…` files, read-only, renamed into place from tmp/. */
export function localObjectStore(layout: CacheLayout): ObjectStore {
  const path = (d: Digest): string => objectPath(layout, d);
  const adopt = async (staged: string, digest: Digest): Promise<void> => {
    const dst = path(digest);
    await fsp.chmod(staged, 0o444);
    await fsp.mkdir(dirname(dst), { recursive: true });
    await fsp.rename(staged, dst);
  };
  const stagingPath = (): string => tmpPath(layout);
  return {
    name: "local",
    has: (d) => exists(path(d)),
    async read(d) {
      try {
        return (await fsp.open(path(d), "r")).createReadStream();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw e;
      }
    },
    async write(d, bytes) {
      if (await exists(path(d))) return;
      await fsp.mkdir(layout.tmp, { recursive: true });
      const tmp = stagingPath();
      try {
        if (typeof bytes === "string" || bytes instanceof Uint8Array) await fsp.writeFile(tmp, bytes);
        else await pipeline(bytes, createWriteStream(tmp));
        await adopt(tmp, d);
      } catch (e) {
        await fsp.rm(tmp, { force: true });
        throw e;
      }
    },
    remove: (d) => fsp.rm(path(d), { force: true }),
    async *list() {
      for (const prefix of await fsp.readdir(layout.objects).catch(() => [] as string[])) {
        for (const rest of await fsp.readdir(join(layout.objects, prefix)).catch(() => [] as string[])) {
          const d = prefix + rest;
          if (isDigest(d)) yield d;
        }
      }
    },
    localPath: path,
    adopt,
    stagingPath,
  };
}

/** The whole object as text (manifests); null when absent. */
export async function readObjectText(store: ObjectStore, digest: Digest): Promise<string | null> {
  const stream = await store.read(digest);
  if (stream === null) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString("utf8");
}
