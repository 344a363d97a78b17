// pipeline.lock: parse/validate with positions, deterministic atomic write, pure helpers, globs.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RelPath } from "../../../src/config/types.js";
import type { Digest, HashInfo } from "../../../src/hashing/index.js";
import { digestKind, isDigest, isDirDigest } from "../../../src/hashing/index.js";
import {
  emptyLock,
  globDepItems,
  lockItem,
  parseLock,
  readLock,
  serializeLock,
  withStage,
  withoutStage,
  writeLock,
  type LockEntry,
  type LockFile,
} from "../../../src/lock/index.js";

const rel = (p: string): RelPath => p as RelPath;
const dg = (s: string): Digest => s as Digest;
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pipe-lock-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const train: LockEntry = {
  cmd: "tsx stages/train.ts",
  deps: [
    { path: rel("stages/train.ts"), hash: dg("00000000000000aa"), size: 10 },
    { path: rel("data/processed"), hash: dg("3f2a000000000000.dir"), size: 1234, nfiles: 3 },
  ],
  params: { "params.yaml": { "train.lr": 0.01, "train.arch": { layers: 2, act: "relu" } } },
  outs: [{ path: rel("artifacts/head"), hash: dg("00000000000000bb"), size: 99 }],
};
const prep: LockEntry = {
  cmd: ["tsx a.ts", "tsx b.ts 'quoted' \"x\""],
  deps: [],
  params: {},
  outs: [{ path: rel("data/processed"), hash: dg("3f2a000000000000.dir"), size: 1234, nfiles: 3 }],
  env: { SEED: "1" },
};
const lock: LockFile = withStage(withStage(emptyLock(), "train", train), "prep", prep);

describe("serializeLock", () => {
  it("writes the documented layout: schema, stages by name, items by path", () => {
    expect(serializeLock(lock)).toBe(
      [
        "schema: '1.0'",
        "stages:",
        "  prep:",
        "    cmd:",
        "    - tsx a.ts",
        "    - tsx b.ts 'quoted' \"x\"",
        "    outs:",
        "    - path: data/processed",
        "      hash: 3f2a000000000000.dir",
        "      size: 1234",
        "      nfiles: 3",
        "    env:",
        "      SEED: '1'",
        "  train:",
        "    cmd: tsx stages/train.ts",
        "    deps:",
        "    - path: data/processed",
        "      hash: 3f2a000000000000.dir",
        "      size: 1234",
        "      nfiles: 3",
        "    - path: stages/train.ts",
        "      hash: 00000000000000aa",
        "      size: 10",
        "    params:",
        "      params.yaml:",
        "        train.arch:",
        "          act: relu",
        "          layers: 2",
        "        train.lr: 0.01",
        "    outs:",
        "    - path: artifacts/head",
        "      hash: 00000000000000bb",
        "      size: 99",
        "",
      ].join("\n"),
    );
  });

  it("is independent of insertion order", () => {
    const reordered = withStage(withStage(emptyLock(), "prep", prep), "train", { ...train, deps: [...train.deps].reverse() });
    expect(serializeLock(reordered)).toBe(serializeLock(lock));
  });

  it("round-trips through parseLock", () => {
    const parsed = parseLock(serializeLock(lock));
    expect(parsed.ok && serializeLock(parsed.value)).toBe(serializeLock(lock));
    expect(parsed.ok && parsed.value.stages.prep).toEqual(prep);
  });
});

describe("readLock / writeLock", () => {
  it("reads an absent lock as empty and does not create an empty one", async () => {
    expect(await readLock(root)).toEqual({ ok: true, value: emptyLock() });
    expect(await writeLock(root, emptyLock())).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });

  it("writes atomically, then is a no-op while the content is unchanged", async () => {
    expect(await writeLock(root, lock)).toBe(true);
    const file = join(root, "pipeline.lock");
    const mtime = statSync(file).mtimeMs;
    const ino = statSync(file).ino;
    expect(await writeLock(root, withStage(emptyLock(), "prep", prep) && lock)).toBe(false);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(readdirSync(root)).toEqual(["pipeline.lock"]);
    const r = await readLock(root);
    expect(r.ok && serializeLock(r.value)).toBe(readFileSync(file, "utf8"));
    expect(await writeLock(root, withoutStage(lock, "prep"))).toBe(true);
    expect(statSync(file).ino).not.toBe(ino); // replaced by rename, never rewritten in place
    expect(readdirSync(root)).toEqual(["pipeline.lock"]);
  });

  it("supports another file name (dvc.lock-style projects)", async () => {
    expect(await writeLock(root, lock, "other.lock")).toBe(true);
    const r = await readLock(root, "other.lock");
    expect(r.ok && Object.keys(r.value.stages)).toEqual(["prep", "train"]);
  });

  it("reports a corrupt lock as bad-lock with file:line:col", async () => {
    writeFileSync(join(root, "pipeline.lock"), "schema: '1.0'\nstages:\n  train:\n    cmd: [unclosed\n");
    const r = await readLock(root);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe("bad-lock");
      expect(r.error.severity).toBe("error");
      expect(r.error.location?.file).toBe("pipeline.lock");
      expect(r.error.location?.line).toBeGreaterThanOrEqual(4);
    }
  });
});

describe("parseLock validation", () => {
  const bad = (text: string): { message: string; line: number; col: number } => {
    const r = parseLock(text);
    if (r.ok) throw new Error("expected a diagnostic");
    expect(r.error.code).toBe("bad-lock");
    return { message: r.error.message, line: r.error.location!.line, col: r.error.location!.col };
  };

  it("points at the offending node", () => {
    const text = "schema: '1.0'\nstages:\n  train:\n    cmd: x\n    outs:\n    - path: a\n      hash: nothex\n      size: 1\n";
    expect(bad(text)).toMatchObject({ line: 7, col: 13 });
    expect(bad(text).message).toMatch(/hash is not a digest/);
    expect(bad("schema: '1.0'\nstages:\n  s:\n    deps:\n    - path: a\n      hash: 0000000000000000\n      size: -1\n    cmd: x\n")).toMatchObject({
      line: 7,
      col: 13,
    });
    expect(bad("schema: '1.0'\nstages:\n  s:\n    cmd: 12\n")).toMatchObject({ line: 4, col: 10 });
  });

  it("rejects unknown schemas, a non-mapping document and duplicate keys", () => {
    expect(bad("schema: '2.0'\nstages: {}\n").message).toMatch(/unsupported schema/);
    expect(bad("- a\n").message).toMatch(/mapping/);
    expect(bad("schema: '1.0'\nstages:\n  a:\n    cmd: x\n  a:\n    cmd: y\n").line).toBe(5);
  });

  it("reads an unquoted all-digit or exponent-like hash as written", () => {
    const r = parseLock(
      "schema: '1.0'\nstages:\n  s:\n    cmd: x\n    outs:\n    - path: a\n      hash: 0123456789012345\n      size: 1\n    - path: b\n      hash: 1234567890123e45\n      size: 1\n",
    );
    expect(r.ok && r.value.stages.s?.outs.map((o) => o.hash)).toEqual(["0123456789012345", "1234567890123e45"]);
    expect(serializeLock(r.ok ? r.value : emptyLock())).toContain("hash: '0123456789012345'");
  });

  it("accepts an empty document as an empty lock", () => {
    expect(parseLock("")).toEqual({ ok: true, value: emptyLock() });
  });
});

describe("pure helpers", () => {
  it("withStage / withoutStage do not mutate", () => {
    const before = serializeLock(lock);
    const without = withoutStage(lock, "train");
    expect(Object.keys(without.stages)).toEqual(["prep"]);
    expect(withoutStage(lock, "absent")).toBe(lock);
    const replaced = withStage(lock, "prep", { ...prep, cmd: "new" });
    expect(replaced.stages.prep?.cmd).toBe("new");
    expect(serializeLock(lock)).toBe(before);
  });

  it("lockItem copies nfiles only for directories", () => {
    const f: HashInfo = { digest: dg("0000000000000001"), size: 5, isDir: false };
    const d: HashInfo = { digest: dg("0000000000000002.dir"), size: 7, isDir: true, nfiles: 2 };
    expect(lockItem(rel("f"), f)).toEqual({ path: "f", hash: f.digest, size: 5 });
    expect(lockItem(rel("d"), d)).toEqual({ path: "d", hash: d.digest, size: 7, nfiles: 2 });
  });

  it("globDepItems records each match and a pattern item that changes when a match appears", () => {
    const m = (p: string, h: string): { path: RelPath; info: HashInfo } => ({ path: rel(p), info: { digest: dg(h), size: 1, isDir: false } });
    const two = globDepItems(rel("data/*.csv"), [m("data/b.csv", "000000000000000b"), m("data/a.csv", "000000000000000a")]);
    expect(two.map((i) => i.path)).toEqual(["data/*.csv", "data/a.csv", "data/b.csv"]);
    expect(two[0]).toMatchObject({ size: 2, nfiles: 2 });
    expect(isDigest(two[0]?.hash) && !isDirDigest(two[0].hash) && digestKind(two[0].hash)).toBe("blake3");
    const same = globDepItems(rel("data/*.csv"), [m("data/a.csv", "000000000000000a"), m("data/b.csv", "000000000000000b")]);
    expect(same[0]?.hash).toBe(two[0]?.hash);
    const three = globDepItems(rel("data/*.csv"), [
      m("data/a.csv", "000000000000000a"),
      m("data/b.csv", "000000000000000b"),
      m("data/c.csv", "000000000000000c"),
    ]);
    expect(three[0]?.hash).not.toBe(two[0]?.hash);
    const renamed = globDepItems(rel("data/*.csv"), [m("data/a.csv", "000000000000000a"), m("data/z.csv", "000000000000000b")]);
    expect(renamed[0]?.hash).not.toBe(two[0]?.hash);
  });
});
