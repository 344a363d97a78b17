// The storage seam: the cache's workspace side works over any ObjectStore, here one that keeps
// objects in memory and speaks only digests and streams (no local paths), as a remote would.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCache, localObjectStore, cacheLayout, readObjectText, type ObjectStore } from "../../../src/cache/index.js";
import type { RelPath } from "../../../src/config/types.js";
import { createHasher, type Digest, type Hasher } from "../../../src/hashing/index.js";

function memoryStore(): ObjectStore & { readonly bytes: Map<string, Buffer> } {
  const bytes = new Map<string, Buffer>();
  return {
    name: "memory",
    bytes,
    has: async (d) => bytes.has(d),
    read: async (d) => (bytes.has(d) ? Readable.from([bytes.get(d) as Buffer]) : null),
    async write(d, data) {
      if (typeof data === "string" || data instanceof Uint8Array) bytes.set(d, Buffer.from(data));
      else {
        const chunks: Buffer[] = [];
        for await (const c of data) chunks.push(Buffer.from(c as Uint8Array));
        bytes.set(d, Buffer.concat(chunks));
      }
    },
    remove: async (d) => void bytes.delete(d),
    async *list() {
      yield* [...bytes.keys()] as Digest[];
    },
  };
}

let root: string;
let hasher: Hasher;
const rel = (p: string): RelPath => p as RelPath;
const write = (p: string, text: string): void => {
  mkdirSync(join(root, p, ".."), { recursive: true });
  writeFileSync(join(root, p), text);
};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pipe-objects-"));
  hasher = createHasher({ root, statePath: join(root, ".cache/state.json") });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("a cache over a store without local paths", () => {
  it("saves, checks, verifies and restores files and directories through streams only", async () => {
    const objects = memoryStore();
    const cache = createCache({ root, hasher, objects, linkMode: "copy" });
    write("model.bin", "weights");
    write("data/a.txt", "A");
    write("data/sub/b.txt", "B");
    const file = (await hasher.hashPath(rel("model.bin")))!;
    const dir = (await hasher.hashPath(rel("data")))!;
    await cache.save(rel("model.bin"), file);
    await cache.save(rel("data"), dir);
    expect(objects.bytes.get(file.digest)?.toString()).toBe("weights");
    expect(objects.bytes.size).toBe(4); // the file, two dir files, the manifest
    expect(await cache.has(dir)).toBe(true);
    expect(await cache.verify(dir)).toBe(true);
    rmSync(join(root, "model.bin"));
    rmSync(join(root, "data"), { recursive: true });
    await cache.restore(rel("model.bin"), file);
    await cache.restore(rel("data"), dir);
    expect(readFileSync(join(root, "model.bin"), "utf8")).toBe("weights");
    expect(readFileSync(join(root, "data/sub/b.txt"), "utf8")).toBe("B");
    objects.bytes.set(file.digest, Buffer.from("tampered"));
    expect(await cache.verify(file)).toBe(false);
  });
});

describe("the local object store", () => {
  it("writes atomically, reads, lists and removes by digest", async () => {
    const store = localObjectStore(cacheLayout(root));
    const d = "0123456789abcdef" as Digest;
    expect(await store.has(d)).toBe(false);
    expect(await store.read(d)).toBeNull();
    await store.write(d, Readable.from([Buffer.from("hello "), Buffer.from("world")]));
    expect(await readObjectText(store, d)).toBe("hello world");
    const listed: string[] = [];
    for await (const x of store.list()) listed.push(x);
    expect(listed).toEqual([d]);
    await store.remove(d);
    expect(await store.has(d)).toBe(false);
  });
});
