// push / fetch between two projects' caches through an in-memory remote: only what is missing moves,
// existence is asked in one batch, a directory's manifest follows its files, bytes are verified on
// the way in, and a corrupt local object never leaves.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RelPath } from "../../../src/config/types.js";
import { createCache, objectPath, type Cache } from "../../../src/cache/index.js";
import { createHasher, type HashInfo, type Hasher } from "../../../src/hashing/index.js";
import { RemoteError } from "../../../src/remote/backends/backend.js";
import { objectKey } from "../../../src/remote/keys.js";
import { checkoutItems, fetchItems, pushItems, type CheckoutItem } from "../../../src/session/transfer.js";
import { pushRunCache } from "../../../src/remote/runs.js";
import { memoryRemote, type MemoryRemote } from "../../helpers/memory-remote.js";

interface Side {
  root: string;
  hasher: Hasher;
  cache: Cache;
}
let dirs: string[] = [];
const side = (): Side => {
  const root = mkdtempSync(join(tmpdir(), "pipe-transfer-"));
  dirs.push(root);
  const hasher = createHasher({ root, statePath: join(root, ".cache/state.json") });
  return { root, hasher, cache: createCache({ root, hasher, linkMode: "copy" }) };
};
const write = (s: Side, p: string, text: string): void => {
  mkdirSync(join(s.root, p, ".."), { recursive: true });
  writeFileSync(join(s.root, p), text);
};
/** Hash and cache a path: what a stage run leaves behind. */
const produce = async (s: Side, p: string): Promise<CheckoutItem> => {
  const info = (await s.hasher.hashPath(p as RelPath)) as HashInfo;
  await s.cache.save(p as RelPath, info);
  return {
    digest: info.digest,
    size: info.size,
    label: `${p} (stage make)`,
    path: p as RelPath,
    ...(info.nfiles !== undefined ? { nfiles: info.nfiles } : {}),
  };
};

let a: Side;
let b: Side;
let remote: MemoryRemote;
beforeEach(() => {
  a = side();
  b = side();
  remote = memoryRemote();
});
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

const push = (items: CheckoutItem[], s: Side = a) => pushItems({ cache: s.cache, remote, items, jobs: 4, runCache: false });
const fetch = (items: CheckoutItem[], s: Side = b) => fetchItems({ cache: s.cache, remote, items, jobs: 4, runCache: false });

describe("push", () => {
  it("uploads a file and a directory, asks existence in one batch, and moves nothing the second time", async () => {
    write(a, "model.bin", "weights");
    write(a, "images/x.txt", "x");
    write(a, "images/sub/y.txt", "y");
    const items = [await produce(a, "model.bin"), await produce(a, "images")];
    const first = await push(items);
    expect(first.objects.moved.length).toBe(4); // model, x, y, manifest
    expect(first.objects.problems).toEqual([]);
    expect(remote.calls.filter((c) => c.startsWith("existsMany"))).toEqual(["existsMany 4"]);
    // The manifest is uploaded after every file of its directory.
    const puts = remote.calls.filter((c) => c.startsWith("put "));
    expect(puts.at(-1)).toBe(`put ${objectKey(items[1]!.digest)}`);

    remote.calls.length = 0;
    const second = await push(items);
    expect(second.objects.moved).toEqual([]);
    expect(second.objects.present).toBe(4);
    expect(remote.calls.filter((c) => c.startsWith("put "))).toEqual([]);
  });

  it("never uploads a corrupt local object, and holds back the manifest of its directory", async () => {
    write(a, "images/x.txt", "x");
    write(a, "images/y.txt", "y");
    const dir = await produce(a, "images");
    const x = (await a.hasher.hashPath("images/x.txt" as RelPath))!;
    const obj = objectPath(a.cache.layout, x.digest);
    chmodSync(obj, 0o644);
    writeFileSync(obj, "X"); // same size, other bytes
    const r = await push([dir]);
    expect(r.objects.problems.map((p) => [p.want.label, p.why])).toEqual([
      ["images/x.txt (stage make)", "its local object is corrupt (run 'pipe cache verify --repair')"],
      ["images (stage make)", "some of its files could not be pushed"],
    ]);
    expect(remote.objects.has(objectKey(x.digest))).toBe(false);
    expect(remote.objects.has(objectKey(dir.digest))).toBe(false);
  });

  it("reports an output whose object is not in the local cache", async () => {
    write(a, "gone.txt", "g");
    const info = (await a.hasher.hashPath("gone.txt" as RelPath))!;
    const r = await push([{ digest: info.digest, size: info.size, label: "gone.txt (stage make)", path: "gone.txt" as RelPath }]);
    expect(r.objects.problems.map((p) => p.why)).toEqual(["not in the local cache"]);
  });

  it("stops at a fatal remote error and throws it", async () => {
    write(a, "m.bin", "m");
    const item = await produce(a, "m.bin");
    remote.failOn(objectKey(item.digest), new RemoteError("auth", "remote mem://team refused the credentials"));
    await expect(push([item])).rejects.toThrow("refused the credentials");
  });
});

describe("fetch and checkout", () => {
  it("brings a file and a directory into another clone's cache, then into its workspace byte for byte", async () => {
    write(a, "model.bin", "weights");
    write(a, "images/x.txt", "x");
    write(a, "images/sub/y.txt", "y");
    const items = [await produce(a, "model.bin"), await produce(a, "images")];
    await push(items);
    const got = await fetch(items);
    expect(got.objects.problems).toEqual([]);
    // The manifest came first (to learn the files), the three file objects after it.
    expect(got.objects.moved.length).toBe(3);
    for (const key of remote.objects.keys()) expect(await b.cache.objects.has(key.slice(8).replace("/", "") as never)).toBe(true);
    const c = await checkoutItems(b.cache, b.hasher, items);
    expect([...c.restored].sort()).toEqual(["images", "model.bin"]);
    expect(readFileSync(join(b.root, "images/sub/y.txt"), "utf8")).toBe("y");
    expect(readFileSync(join(b.root, "model.bin"), "utf8")).toBe("weights");
    // A second fetch moves nothing.
    expect((await fetch(items)).objects.moved).toEqual([]);
  });

  it("keeps nothing whose bytes do not hash to its name", async () => {
    write(a, "model.bin", "weights");
    const item = await produce(a, "model.bin");
    await push([item]);
    remote.objects.set(objectKey(item.digest), Buffer.from("tampered"));
    const got = await fetch([item]);
    expect(got.objects.problems.map((p) => p.why)).toEqual([`object ${item.digest} on remote mem://team is corrupt: its bytes do not hash to its name`]);
    expect(await b.cache.objects.has(item.digest)).toBe(false);
  });

  it("names the output and the object when the remote lacks it", async () => {
    write(a, "model.bin", "weights");
    const item = await produce(a, "model.bin");
    const got = await fetch([item]);
    expect(got.objects.problems).toEqual([
      { want: { digest: item.digest, size: item.size, label: "model.bin (stage make)" }, why: `object ${item.digest} is not on remote mem://team` },
    ]);
  });
});

describe("the run cache through a remote", () => {
  it("sends entries after their objects, asking existence once for entries and once for objects, and holds back an entry whose object is gone", async () => {
    write(a, "m1.bin", "one");
    write(a, "m2.bin", "two");
    const one = await produce(a, "m1.bin");
    const two = await produce(a, "m2.bin");
    const entry = (o: CheckoutItem) => ({
      outs: [{ path: o.path, digest: o.digest, size: o.size, isDir: false }],
      durationMs: 1,
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    await a.cache.putRun("a".repeat(64), entry(one));
    await a.cache.putRun("b".repeat(64), entry(two));
    rmSync(objectPath(a.cache.layout, two.digest), { force: true });
    const r = await pushRunCache(a.cache, remote, { jobs: 4 });
    expect(r.moved).toBe(1);
    expect(r.problems.map((p) => p.want.digest)).toEqual([two.digest]);
    expect(remote.objects.has(`runs/${"a".repeat(64)}.json`)).toBe(true);
    expect(remote.objects.has(`runs/${"b".repeat(64)}.json`)).toBe(false);
    expect(remote.calls.filter((c) => c.startsWith("existsMany"))).toEqual(["existsMany 2", "existsMany 2"]);
  });
});
