// The local cache (`.cache/objects/`) as transfers see it: presence, size, a checked read for
// uploads, and `receive`, which stages a download in `.cache/tmp/`, hashes it as it is written,
// and moves it into the store only when it hashes to its name.
import { createReadStream, createWriteStream, promises as fsp } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Cache } from "../cache/index.js";
import { digestStreamFor, isDirDigest, matchesDigest } from "../hashing/index.js";
import type { LocalObjects } from "./transfer.js";

export function localObjects(cache: Pick<Cache, "objects" | "checkObject" | "layout">): LocalObjects {
  const store = cache.objects;
  const { localPath, stagingPath, adopt } = store;
  if (localPath === undefined || stagingPath === undefined || adopt === undefined) throw new Error("the local cache must be a local object store");
  return {
    has: (d) => store.has(d),
    async check(d) {
      if (!isDirDigest(d)) return cache.checkObject(d);
      // A manifest is small: read it and hash it under its own name's algorithm.
      try {
        return matchesDigest(await fsp.readFile(localPath(d)), d) ? "ok" : "corrupt";
      } catch {
        return "missing";
      }
    },
    async size(d) {
      try {
        return (await fsp.stat(localPath(d))).size;
      } catch {
        return null;
      }
    },
    read: (d) => createReadStream(localPath(d)),
    async receive(d, body, onBytes) {
      await fsp.mkdir(cache.layout.tmp, { recursive: true });
      const staged = stagingPath();
      const hash = digestStreamFor(d);
      const tap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          onBytes(chunk.byteLength);
          done(null, chunk);
        },
      });
      try {
        await pipeline(body, tap, createWriteStream(staged));
        if (hash.digest() !== d) {
          await fsp.rm(staged, { force: true });
          return "corrupt";
        }
        await adopt(staged, d);
        return "ok";
      } catch (e) {
        await fsp.rm(staged, { force: true });
        throw e;
      }
    },
  };
}
