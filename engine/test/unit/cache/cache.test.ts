// The content-addressed store: save, has, restore (per link mode), unprotect, verify.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RelPath } from "../../../src/config/types.js";
import { createCache, objectPath, probeLinkMode, type Cache, type LinkMode } from "../../../src/cache/index.js";
import { createHasher, nodeHashFs, type HashFs, type HashInfo, type Hasher } from "../../../src/hashing/index.js";

let root: string;
let reads: string[];
let hasher: Hasher;
const rel = (p: string): RelPath => p as RelPath;
const write = (p: string, text: string): void => {
  mkdirSync(join(root, p, ".."), { recursive: true });
  writeFileSync(join(root, p), text);
};
const read = (p: string): string => readFileSync(join(root, p), "utf8");
const make = (linkMode?: LinkMode): Cache => createCache({ root, hasher, ...(linkMode && { linkMode }) });
const hash = async (p: string): Promise<HashInfo> => (await hasher.hashPath(rel(p)))!;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pipe-cache-"));
  reads = [];
  const fs: HashFs = { ...nodeHashFs, digestFile: (abs, size) => (reads.push(abs), nodeHashFs.digestFile(abs, size)) };
  hasher = createHasher({ root, statePath: join(root, ".cache/state.json"), fs });
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("save / has", () => {
  it("stores a file as a read-only object under objects/<2>/<rest>", async () => {
    write("out.bin", "payload");
    const cache = make("copy");
    const info = await hash("out.bin");
    expect(await cache.has(info)).toBe(false);
    await cache.save(rel("out.bin"), info);
    const obj = join(root, ".cache/objects", info.digest.slice(0, 2), info.digest.slice(2));
    expect(objectPath(cache.layout, info.digest)).toBe(obj);
    expect(readFileSync(obj, "utf8")).toBe("payload");
    expect(statSync(obj).mode & 0o777).toBe(0o444);
    expect(await cache.has(info)).toBe(true);
  });

  it("costs no copy when the object already exists", async () => {
    write("a", "same");
    write("b", "same");
    const cache = make("copy");
    await cache.save(rel("a"), await hash("a"));
    const obj = objectPath(cache.layout, (await hash("a")).digest);
    const before = statSync(obj);
    await cache.save(rel("b"), await hash("b"));
    const after = statSync(obj);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it("stores a directory as a .dir manifest plus its files; has() needs all of them", async () => {
    write("d/a", "1");
    write("d/s/b", "2");
    const cache = make("copy");
    const info = await hash("d");
    await cache.save(rel("d"), info);
    expect(await cache.has(info)).toBe(true);
    const manifest = await cache.readManifest(info.digest);
    expect(manifest?.map((e) => e[0])).toEqual(["a", "s/b"]);
    rmSync(objectPath(cache.layout, manifest![1]![1]), { force: true });
    expect(await cache.has(info)).toBe(false);
  });

  it("refuses to save a directory that changed since it was hashed", async () => {
    write("d/a", "1");
    const info = await hash("d");
    write("d/b", "2");
    await expect(make("copy").save(rel("d"), info)).rejects.toThrow(/changed/);
  });
});

describe("restore", () => {
  for (const mode of ["copy", "hardlink"] as const) {
    it(`restores files and directories (${mode}), replacing what is there`, async () => {
      write("f", "file");
      write("d/a", "1");
      write("d/s/b", "2");
      const cache = make(mode);
      const f = await hash("f");
      const d = await hash("d");
      await cache.save(rel("f"), f);
      await cache.save(rel("d"), d);
      rmSync(join(root, "f"));
      write("d/extra", "x");
      rmSync(join(root, "d/a")); // replace, not edit in place: in hardlink mode d/a is the object
      write("d/a", "changed");
      await cache.restore(rel("f"), f);
      await cache.restore(rel("d"), d);
      expect(read("f")).toBe("file");
      expect(read("d/a")).toBe("1");
      expect(read("d/s/b")).toBe("2");
      expect(existsSync(join(root, "d/extra"))).toBe(false);
      const st = statSync(join(root, "d/a"));
      expect(st.nlink).toBe(mode === "hardlink" ? 2 : 1);
      expect(st.mode & 0o200).toBe(mode === "hardlink" ? 0 : 0o200);
      // restored files are recorded in the stat cache: hashing them again reads nothing
      reads.length = 0;
      expect((await hash("d")).digest).toBe(d.digest);
      expect((await hash("f")).digest).toBe(f.digest);
      expect(reads).toEqual([]);
    });
  }

  it("throws when an object is missing, leaving the workspace untouched", async () => {
    write("f", "x");
    const info = await hash("f");
    await expect(make("copy").restore(rel("f"), info)).rejects.toThrow(/missing/);
    write("d/a", "1");
    write("d/b", "2");
    const cache = make("copy");
    const d = await hash("d");
    await cache.save(rel("d"), d);
    rmSync(objectPath(cache.layout, (await cache.readManifest(d.digest))![1]![1]), { force: true });
    write("d/a", "mine");
    await expect(cache.restore(rel("d"), d)).rejects.toThrow(/object for b missing/);
    expect(read("d/a")).toBe("mine");
  });

  it("in copy mode an in-place edit of a restored file cannot reach the cache", async () => {
    write("f", "original");
    const cache = make("copy");
    const info = await hash("f");
    await cache.save(rel("f"), info);
    await cache.restore(rel("f"), info);
    writeFileSync(join(root, "f"), "edited in place");
    expect(await cache.verify(info)).toBe(true);
  });
});

describe("link mode", () => {
  it("never probes hardlink as root (modes are not enforced for root)", () => {
    const tmp = join(root, ".cache/tmp");
    expect(["reflink", "copy"]).toContain(probeLinkMode(tmp, true));
    expect(["reflink", "hardlink"]).toContain(probeLinkMode(tmp, false));
    expect(existsSync(tmp) && statSync(tmp).isDirectory()).toBe(true);
  });

  it("is probed once per cache and exposed as linkMode", () => {
    const cache = createCache({ root, hasher, asRoot: true });
    expect(["reflink", "copy"]).toContain(cache.linkMode);
    expect(createCache({ root, hasher, asRoot: false }).linkMode).not.toBe("copy");
    expect(make("copy").linkMode).toBe("copy");
  });
});

describe("hardlinks and file modes", () => {
  const asRoot = process.getuid?.() === 0;

  it.runIf(asRoot)("as root, a hardlinked restore lets an in-place edit corrupt the object (why root never gets hardlink)", async () => {
    write("f", "original");
    const cache = make("hardlink");
    const info = await hash("f");
    await cache.save(rel("f"), info);
    await cache.restore(rel("f"), info);
    writeFileSync(join(root, "f"), "edited in place"); // 0o444 is not enforced for root
    expect(await cache.verify(info)).toBe(false);
  });

  it.runIf(!asRoot)("as a normal user, an in-place edit of a hardlinked restore fails with EACCES", async () => {
    write("f", "original");
    const cache = make("hardlink");
    const info = await hash("f");
    await cache.save(rel("f"), info);
    await cache.restore(rel("f"), info);
    expect(() => writeFileSync(join(root, "f"), "edited in place")).toThrow(/EACCES/);
    expect(await cache.verify(info)).toBe(true);
  });
});

describe("unprotect", () => {
  it("turns hardlinked files (file or dir) into private writable copies", async () => {
    write("f", "file");
    write("d/a", "1");
    const cache = make("hardlink");
    const f = await hash("f");
    const d = await hash("d");
    await cache.save(rel("f"), f);
    await cache.save(rel("d"), d);
    await cache.restore(rel("f"), f);
    await cache.restore(rel("d"), d);
    await cache.unprotect(rel("f"));
    await cache.unprotect(rel("d"));
    await cache.unprotect(rel("missing"));
    for (const p of ["f", "d/a"]) {
      const st = statSync(join(root, p));
      expect(st.nlink).toBe(1);
      expect(st.mode & 0o200).toBe(0o200);
    }
    writeFileSync(join(root, "f"), "appended");
    writeFileSync(join(root, "d/a"), "changed");
    expect(await cache.verify(f)).toBe(true);
    expect(await cache.verify(d)).toBe(true);
    expect(read("f")).toBe("appended");
  });
});

describe("verify", () => {
  it("detects an object whose bytes no longer match its name", async () => {
    write("d/a", "1");
    const cache = make("copy");
    const d = await hash("d");
    await cache.save(rel("d"), d);
    const a = (await cache.readManifest(d.digest))![0]!;
    const obj = objectPath(cache.layout, a[1]);
    expect(await cache.verify({ digest: a[1], size: 1, isDir: false })).toBe(true);
    chmodSync(obj, 0o644);
    writeFileSync(obj, "2");
    expect(await cache.verify({ digest: a[1], size: 1, isDir: false })).toBe(false);
    expect(await cache.verify(d)).toBe(false);
    expect(await cache.verify({ digest: "0000000000000000" as HashInfo["digest"], size: 0, isDir: false })).toBe(false);
  });
});
