// Digest primitives (BLAKE3, and the legacy xxh64 form still read), streaming file reads and the
// canonical fingerprint.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  canonicalJson,
  digestBytes,
  digestFileAs,
  digestFileNode,
  digestKind,
  digestStreamFor,
  digestString,
  fingerprint,
  isDigest,
  manifestDigest,
  matchesDigest,
  type Digest,
} from "../../../src/hashing/index.js";
import { nativeBlake3, wasmBlake3 } from "../../../src/hashing/blake3.js";

const dir = mkdtempSync(join(tmpdir(), "pipe-digest-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ABC = "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85";
const EMPTY = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262";

/** Bytes with some structure, so a chunking mistake changes the digest. */
function pattern(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4093) bytes[i] = (i * 31) & 0xff;
  return bytes;
}

describe("digests", () => {
  it("are BLAKE3-256: the reference vectors", () => {
    expect(digestString("abc")).toBe(ABC);
    expect(digestBytes(Buffer.from("abc"))).toBe(ABC);
    expect(digestBytes(new Uint8Array())).toBe(EMPTY);
    expect(digestKind(digestString("abc"))).toBe("blake3");
  });

  it("the wasm fallback gives the native binding's digests, one-shot and streamed", async () => {
    const wasm = await wasmBlake3();
    const native = nativeBlake3();
    expect(wasm.string("abc")).toBe(ABC);
    expect(wasm.bytes(new Uint8Array())).toBe(EMPTY);
    const big = pattern((3 << 20) + 7);
    const s1 = wasm.stream();
    const s2 = wasm.stream(); // two open at once keep separate states
    s1.update(big.subarray(0, 1000));
    s2.update(Buffer.from("a"));
    s1.update(big.subarray(1000));
    s2.update(Buffer.from("bc"));
    expect(s2.digest()).toBe(ABC);
    expect(s1.digest()).toBe(wasm.bytes(big));
    expect(wasm.bytes(big)).toBe(digestBytes(big));
    if (native !== null) {
      expect(native.bytes(big)).toBe(wasm.bytes(big));
      expect(native.string("héllo ✓")).toBe(wasm.string("héllo ✓"));
    }
  });

  it("streamed file reads equal the one-shot digest, across chunk boundaries", async () => {
    for (const size of [0, 5, (1 << 20) - 1, 1 << 20, (9 << 20) + 13, 16 << 20]) {
      const bytes = pattern(size);
      const f = join(dir, `f${size}`);
      writeFileSync(f, bytes);
      expect(await digestFileNode(f, size)).toBe(digestBytes(bytes));
      expect(await digestFileNode(f)).toBe(digestBytes(bytes));
    }
  });

  it("isDigest accepts BLAKE3 and legacy xxh64 file and dir digests only", () => {
    expect(isDigest(ABC)).toBe(true);
    expect(isDigest(`${ABC}.dir`)).toBe(true);
    expect(isDigest("0123456789abcdef")).toBe(true);
    expect(isDigest("0123456789abcdef.dir")).toBe(true);
    expect(isDigest(ABC.toUpperCase())).toBe(false);
    expect(isDigest(ABC.slice(1))).toBe(false);
    expect(isDigest("0123456789abcde")).toBe(false);
    expect(isDigest(`${ABC}0`)).toBe(false);
    expect(isDigest("d41d8cd98f00b204e9800998ecf8427e")).toBe(false); // an md5
    expect(isDigest(42)).toBe(false);
  });
});

describe("legacy xxh64 digests", () => {
  const legacy = (s: string): Digest => s as Digest;

  it("are recognised by length and verified under xxh64 (the seed-0 reference vectors)", async () => {
    expect(digestKind(legacy("44bc2cf5ad770999"))).toBe("xxh64");
    expect(digestKind(legacy("44bc2cf5ad770999.dir"))).toBe("xxh64");
    expect(matchesDigest("abc", legacy("44bc2cf5ad770999"))).toBe(true);
    expect(matchesDigest(new Uint8Array(), legacy("ef46db3751d8e999"))).toBe(true);
    expect(matchesDigest("abd", legacy("44bc2cf5ad770999"))).toBe(false);
    const f = join(dir, "abc");
    writeFileSync(f, "abc");
    expect(await digestFileAs(f, "xxh64")).toBe("44bc2cf5ad770999");
    expect(await digestFileAs(f, "blake3")).toBe(ABC);
  });

  it("digestStreamFor hashes as the digest it is given, `.dir` included", () => {
    for (const d of [legacy("44bc2cf5ad770999"), digestString("abc")]) {
      const h = digestStreamFor(d);
      h.update(Buffer.from("a"));
      h.update(Buffer.from("bc"));
      expect(h.digest()).toBe(d);
    }
    const manifest = [["a.txt", legacy("d24ec4f1a98c6e5b"), 1]] as const;
    for (const kind of ["xxh64", "blake3"] as const) {
      const d = manifestDigest(manifest, kind);
      expect(digestKind(d)).toBe(kind);
      const h = digestStreamFor(d);
      h.update(Buffer.from(JSON.stringify(manifest)));
      expect(h.digest()).toBe(d);
      expect(matchesDigest(JSON.stringify(manifest), d)).toBe(true);
    }
  });
});

describe("fingerprint", () => {
  it("is independent of key order, recursively, and a BLAKE3 digest", () => {
    const a = { cmd: "x", deps: [{ path: "a", hash: "1" }], params: { lr: 1, bs: { x: 1, y: 2 } } };
    const b = { params: { bs: { y: 2, x: 1 }, lr: 1 }, deps: [{ hash: "1", path: "a" }], cmd: "x" };
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(fingerprint(a)).toBe(digestString(canonicalJson(a)));
    expect(digestKind(fingerprint(a) as string as Digest)).toBe("blake3");
  });

  it("changes with any value, and with array order", () => {
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
    expect(fingerprint([1, 2])).not.toBe(fingerprint([2, 1]));
    expect(fingerprint({ a: "1" })).not.toBe(fingerprint({ a: 1 }));
  });

  it("writes canonical JSON like JSON.stringify, with sorted keys", () => {
    expect(canonicalJson({ b: [1, undefined, "x"], a: null, c: undefined, d: NaN, e: 10n })).toBe('{"a":null,"b":[1,null,"x"],"d":null,"e":"10"}');
    expect(canonicalJson(undefined)).toBe("null");
  });
});
