// A cache written before BLAKE3 (objects and manifests named by 16-hex xxh64) still restores and
// verifies: every check hashes an object under its own name's algorithm.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RelPath } from "../../../src/config/types.js";
import { createCache, localObjectStore, objectPath, parseRunEntry, type Cache, type ObjectStore } from "../../../src/cache/index.js";
import { fsck } from "../../../src/cache/fsck.js";
import { createHasher, digestKind, hexAs, type Digest, type HashInfo, type Manifest } from "../../../src/hashing/index.js";

let root: string;
const rel = (p: string): RelPath => p as RelPath;
const legacy = (data: string): Digest => hexAs("xxh64", data) as Digest;

/** Put `bytes` into the store under `digest` the way the old engine did (read-only, `ab/cdef…`). */
function putLegacy(cache: Cache, digest: Digest, bytes: string): void {
  const p = objectPath(cache.layout, digest);
  mkdirSync(join(p, ".."), { recursive: true });
  writeFileSync(p, bytes);
  chmodSync(p, 0o444);
}

/** An old cache holding the file `model.bin` and the directory `data/` ({a.txt, sub/b.txt}). */
function oldCache(objects?: ObjectStore): { cache: Cache; file: HashInfo; dir: HashInfo } {
  const hasher = createHasher({ root, statePath: join(root, ".cache/state.json") });
  const cache = createCache({ root, hasher, linkMode: "copy", ...(objects && { objects }) });
  const file: HashInfo = { digest: legacy("weights"), size: 7, isDir: false };
  putLegacy(cache, file.digest, "weights");
  const manifest: Manifest = [
    ["a.txt", legacy("alpha"), 5],
    ["sub/b.txt", legacy("beta"), 4],
  ];
  putLegacy(cache, manifest[0]![1], "alpha");
  putLegacy(cache, manifest[1]![1], "beta");
  const text = JSON.stringify(manifest);
  const dir: HashInfo = { digest: `${hexAs("xxh64", text)}.dir` as Digest, size: 9, isDir: true, nfiles: 2 };
  putLegacy(cache, dir.digest, text);
  return { cache, file, dir };
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pipe-legacy-cache-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("a cache of legacy xxh64 objects", () => {
  it("restores files and directories, verified", async () => {
    const { cache, file, dir } = oldCache();
    expect(digestKind(file.digest)).toBe("xxh64");
    expect(await cache.has(dir)).toBe(true);
    expect(await cache.restoreChecked(rel("model.bin"), file)).toBeNull();
    expect(await cache.restoreChecked(rel("data"), dir)).toBeNull();
    expect(readFileSync(join(root, "model.bin"), "utf8")).toBe("weights");
    expect(readFileSync(join(root, "data/sub/b.txt"), "utf8")).toBe("beta");
    expect(await cache.verify(file)).toBe(true);
    expect(await cache.verify(dir)).toBe(true);
    expect(await cache.checkObject(file.digest)).toBe("ok");
  });

  it("verifies through a store without local paths (a remote) too", async () => {
    const local = localObjectStore(createCache({ root, hasher: createHasher({ root, statePath: join(root, "s.json") }) }).layout);
    const { localPath: _l, adopt: _a, stagingPath: _s, ...streamOnly } = local;
    const { cache, file, dir } = oldCache(streamOnly);
    expect(await cache.verify(file)).toBe(true);
    expect(await cache.verify(dir)).toBe(true);
    expect(await cache.restoreChecked(rel("data"), dir)).toBeNull();
    expect(readFileSync(join(root, "data/a.txt"), "utf8")).toBe("alpha");
  });

  it("still finds a corrupt legacy object, and leaves the workspace alone", async () => {
    const { cache, file } = oldCache();
    const p = objectPath(cache.layout, file.digest);
    chmodSync(p, 0o644);
    writeFileSync(p, "tampered");
    writeFileSync(join(root, "model.bin"), "mine");
    expect(await cache.verify(file)).toBe(false);
    expect(await cache.restoreChecked(rel("model.bin"), file)).toMatchObject({ kind: "corrupt", digest: file.digest });
    expect(readFileSync(join(root, "model.bin"), "utf8")).toBe("mine");
  });

  it("passes `cache verify` (fsck), and run-cache entries naming legacy objects parse", async () => {
    const { cache, file, dir } = oldCache();
    const report = await fsck({
      layout: cache.layout,
      objects: cache.objects,
      recorded: [
        { stage: "train", path: "model.bin", hash: file.digest },
        { stage: "prep", path: "data", hash: dir.digest },
      ],
      repair: false,
    });
    expect(report.findings).toEqual([]);
    expect(report.objects).toBe(4);
    const entry = parseRunEntry(
      JSON.stringify({ outs: [{ path: "model.bin", digest: file.digest, size: 7, isDir: false }], durationMs: 1, createdAt: "2024-01-01T00:00:00.000Z" }),
    );
    expect(entry).toMatchObject({ outs: [{ digest: file.digest }] });
  });
});
