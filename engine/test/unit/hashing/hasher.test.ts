// The hasher: file and directory digests, the stat cache (no re-read of unchanged files) and its
// persistence.
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RelPath } from "../../../src/config/types.js";
import { createLimiter } from "../../../src/common/limit.js";
import {
  createHasher,
  digestKind,
  digestString,
  isDigest,
  isDirDigest,
  manifestDigest,
  nodeHashFs,
  type HashFs,
  type Hasher,
} from "../../../src/hashing/index.js";
let root: string;
const rel = (p: string): RelPath => p as RelPath;
const write = (p: string, text: string): void => {
  mkdirSync(join(root, p, ".."), { recursive: true });
  writeFileSync(join(root, p), text);
};

/** The real fs, counting content reads. */
function spyFs(): { fs: HashFs; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    fs: {
      ...nodeHashFs,
      digestFile: (abs, size) => {
        reads.push(abs.slice(root.length + 1));
        return nodeHashFs.digestFile(abs, size);
      },
    },
  };
}

const statePath = (): string => join(root, ".cache", "state.json");
const make = (fs?: HashFs): Hasher => createHasher({ root, statePath: statePath(), ...(fs && { fs }) });

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pipe-hasher-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("hashPath", () => {
  it("returns null for a missing path and file info for a file", async () => {
    write("a.txt", "abc");
    const h = make();
    expect(await h.hashPath(rel("nope"))).toBeNull();
    expect(await h.hashPath(rel("a.txt"))).toEqual({ digest: digestString("abc"), size: 3, isDir: false });
    expect(await h.hashFile(rel("a.txt"))).toEqual({ digest: digestString("abc"), size: 3, isDir: false });
  });

  it("does not re-read an unchanged file, and re-reads a modified one", async () => {
    write("a.txt", "abc");
    const { fs, reads } = spyFs();
    const h = make(fs);
    await h.hashPath(rel("a.txt"));
    await h.hashPath(rel("a.txt"));
    expect(reads).toEqual(["a.txt"]);
    write("a.txt", "abcd");
    utimesSync(join(root, "a.txt"), new Date(), new Date(Date.now() + 5000));
    const info = await h.hashPath(rel("a.txt"));
    expect(info?.digest).toBe(digestString("abcd"));
    expect(reads).toEqual(["a.txt", "a.txt"]);
  });

  it("shares one read between concurrent requests for the same file", async () => {
    write("big", "x".repeat(100));
    const { fs, reads } = spyFs();
    const h = make(fs);
    const [a, b] = await Promise.all([h.hashPath(rel("big")), h.hashPath(rel("big"))]);
    expect(a).toEqual(b);
    expect(reads).toEqual(["big"]);
  });

  it("persists the stat cache on flush, atomically, for the next hasher", async () => {
    write("d/a", "1");
    write("d/b", "2");
    await make().hashPath(rel("d"));
    await make().flush(); // a hasher that did nothing writes nothing
    const first = make();
    await first.hashPath(rel("d"));
    await first.flush();
    expect(readdirSync(join(root, ".cache"))).toEqual(["state.json"]); // no temp file left behind
    const { fs, reads } = spyFs();
    const second = make(fs);
    expect((await second.hashPath(rel("d")))?.nfiles).toBe(2);
    expect(reads).toEqual([]);
  });

  it("ignores a corrupt state file", async () => {
    write("a", "1");
    mkdirSync(join(root, ".cache"));
    for (const junk of ["{not json", "[]", '{"version":1,"entries":{"a":{"ino":"x"}}}', "null"]) {
      writeFileSync(statePath(), junk);
      const { fs, reads } = spyFs();
      expect((await make(fs).hashPath(rel("a")))?.digest).toBe(digestString("1"));
      expect(reads).toEqual(["a"]);
    }
  });

  it("remember() records a file so it is not read", async () => {
    write("a", "hello");
    const { fs, reads } = spyFs();
    const h = make(fs);
    await h.remember(rel("a"), digestString("hello"));
    expect((await h.hashPath(rel("a")))?.digest).toBe(digestString("hello"));
    expect(reads).toEqual([]);
  });
});

describe("directories", () => {
  beforeEach(() => {
    write("d/a.txt", "a");
    write("d/sub/b.txt", "bb");
    write("d/sub/deeper/c.txt", "ccc");
  });

  it("digest the sorted manifest of files, with size and nfiles", async () => {
    const h = make();
    const hashed = await h.hashDir(rel("d"));
    expect(hashed?.manifest).toEqual([
      ["a.txt", digestString("a"), 1],
      ["sub/b.txt", digestString("bb"), 2],
      ["sub/deeper/c.txt", digestString("ccc"), 3],
    ]);
    expect(hashed?.info).toEqual({ digest: manifestDigest(hashed!.manifest), size: 6, isDir: true, nfiles: 3 });
    expect(isDigest(hashed?.info.digest) && isDirDigest(hashed.info.digest) && digestKind(hashed.info.digest)).toBe("blake3");
    expect(await h.hashPath(rel("d"))).toEqual(hashed?.info);
    expect(await h.hashDir(rel("d/a.txt"))).toBeNull();
    expect(await h.hashDir(rel("missing"))).toBeNull();
  });

  it("ignores empty directories and depends only on content, not location", async () => {
    const h = make();
    const before = (await h.hashPath(rel("d")))!.digest;
    mkdirSync(join(root, "d/empty"));
    write("e/a.txt", "a");
    write("e/sub/b.txt", "bb");
    write("e/sub/deeper/c.txt", "ccc");
    expect((await h.hashPath(rel("d")))!.digest).toBe(before);
    expect((await h.hashPath(rel("e")))!.digest).toBe(before);
  });

  it("changes when a file is added, removed, renamed or modified", async () => {
    const h = make();
    const seen = new Set<string>();
    const snap = async (): Promise<void> => {
      const d = (await h.hashPath(rel("d")))!.digest;
      expect(seen.has(d)).toBe(false);
      seen.add(d);
    };
    await snap();
    write("d/new.txt", "n");
    await snap();
    rmSync(join(root, "d/new.txt"));
    rmSync(join(root, "d/a.txt"));
    await snap();
    renameSync(join(root, "d/sub/b.txt"), join(root, "d/sub/b2.txt"));
    await snap();
    write("d/sub/deeper/c.txt", "cc!");
    utimesSync(join(root, "d/sub/deeper/c.txt"), new Date(), new Date(Date.now() + 5000));
    await snap();
  });

  it("hashes a warm directory with stats only", async () => {
    for (let i = 0; i < 200; i++) write(`many/f${i}`, String(i));
    const { fs, reads } = spyFs();
    const h = make(fs);
    const cold = await h.hashPath(rel("many"));
    expect(reads).toHaveLength(200);
    expect(await h.hashPath(rel("many"))).toEqual(cold);
    expect(reads).toHaveLength(200);
  });
});

describe("createLimiter", () => {
  it("never runs more than max tasks at once", async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 1));
    await Promise.all(
      Array.from({ length: 20 }, () =>
        limit(async () => {
          peak = Math.max(peak, ++active);
          await tick();
          active--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });
});
