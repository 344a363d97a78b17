// The run cache (corrupt entries are warnings and misses) and garbage collection.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RelPath } from "../../../src/config/types.js";
import { createCache, objectPath, type Cache, type RunEntry } from "../../../src/cache/index.js";
import { createHasher, type Digest, type HashInfo, type Hasher } from "../../../src/hashing/index.js";

let root: string;
let hasher: Hasher;
let cache: Cache;
let warnings: string[];
const rel = (p: string): RelPath => p as RelPath;
const write = (p: string, text: string): void => {
  mkdirSync(join(root, p, ".."), { recursive: true });
  writeFileSync(join(root, p), text);
};
const saved = async (p: string): Promise<HashInfo> => {
  const info = (await hasher.hashPath(rel(p)))!;
  await cache.save(rel(p), info);
  return info;
};
const entry = (outs: { path: string; info: HashInfo }[]): RunEntry => ({
  outs: outs.map((o) => ({
    path: rel(o.path),
    digest: o.info.digest,
    size: o.info.size,
    isDir: o.info.isDir,
    ...(o.info.nfiles !== undefined && { nfiles: o.info.nfiles }),
  })),
  durationMs: 12,
  createdAt: "2024-01-01T00:00:00.000Z",
});

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pipe-runs-"));
  hasher = createHasher({ root, statePath: join(root, ".cache/state.json") });
  warnings = [];
  cache = createCache({ root, hasher, linkMode: "copy", onWarning: (m) => warnings.push(m) });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("run cache", () => {
  it("round-trips an entry and misses on an unknown fingerprint", async () => {
    write("m", "model");
    write("d/x", "x");
    const e = entry([
      { path: "m", info: await saved("m") },
      { path: "d", info: await saved("d") },
    ]);
    await cache.putRun("00112233aabbccdd", e);
    const got = await cache.getRun("00112233aabbccdd");
    expect(got?.outs.map((o) => o.path)).toEqual(["d", "m"]);
    expect(got?.durationMs).toBe(12);
    expect(await cache.getRun("ffffffffffffffff")).toBeNull();
    expect(warnings).toEqual([]);
  });

  it("treats a corrupt entry as a miss with a warning", async () => {
    mkdirSync(join(root, ".cache/runs"), { recursive: true });
    const bad = ['{"outs": [', '{"outs": [{"path": 1}], "durationMs": 1, "createdAt": "x"}', "[]", '{"outs": [], "durationMs": "1", "createdAt": "x"}'];
    for (const [i, text] of bad.entries()) {
      const fp = `aaaaaaaaaaaaaaa${i}`;
      writeFileSync(join(root, ".cache/runs", `${fp}.json`), text);
      expect(await cache.getRun(fp)).toBeNull();
    }
    expect(warnings).toHaveLength(bad.length);
    expect(warnings[0]).toMatch(/corrupt run-cache entry/);
  });

  it("works without an onWarning callback", async () => {
    const quiet = createCache({ root, hasher, linkMode: "copy" });
    mkdirSync(join(root, ".cache/runs"), { recursive: true });
    writeFileSync(join(root, ".cache/runs/abcdabcdabcdabcd.json"), "garbage");
    expect(await quiet.getRun("abcdabcdabcdabcd")).toBeNull();
  });
});

describe("gc", () => {
  it("keeps referenced objects (a kept .dir keeps its files) and removes the rest", async () => {
    write("d/a", "a");
    write("d/b", "b");
    write("old", "old bytes");
    write("m", "model");
    const d = await saved("d");
    const old = await saved("old");
    const m = await saved("m");
    await cache.putRun(
      "1111111111111111",
      entry([
        { path: "d", info: d },
        { path: "m", info: m },
      ]),
    );
    await cache.putRun("2222222222222222", entry([{ path: "old", info: old }]));
    const keep = new Set<Digest>([d.digest, m.digest]);

    const dry = await cache.gc(keep, { dry: true });
    const oldRel = objectPath(cache.layout, old.digest).slice(cache.layout.dir.length + 1);
    expect(dry).toEqual({ removed: [oldRel, "runs/2222222222222222.json"], bytes: 9 });
    expect(existsSync(objectPath(cache.layout, old.digest))).toBe(true);

    const real = await cache.gc(keep);
    expect(real).toEqual(dry);
    expect(existsSync(objectPath(cache.layout, old.digest))).toBe(false);
    expect(await cache.has(d)).toBe(true);
    expect(await cache.has(m)).toBe(true);
    expect(await cache.getRun("1111111111111111")).not.toBeNull();
    expect(readdirSync(join(root, ".cache/runs"))).toEqual(["1111111111111111.json"]);
    expect(await cache.gc(keep)).toEqual({ removed: [], bytes: 0 });
  });

  it("with nothing kept, empties the store", async () => {
    write("a", "1");
    await saved("a");
    const r = await cache.gc(new Set());
    expect(r.removed).toHaveLength(1);
    expect(readdirSync(join(root, ".cache/objects"))).toEqual([]);
  });
});
