// Digest primitives, streaming file reads and the canonical fingerprint.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { canonicalJson, digestBytes, digestFileNode, digestString, fingerprint, isDigest } from "../../../src/hashing/index.js";

const dir = mkdtempSync(join(tmpdir(), "pipe-xxh-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("digests", () => {
  it("match the xxh64 reference vectors (seed 0)", () => {
    expect(digestBytes(new Uint8Array())).toBe("ef46db3751d8e999");
    expect(digestString("abc")).toBe("44bc2cf5ad770999");
    expect(digestBytes(Buffer.from("abc"))).toBe("44bc2cf5ad770999");
  });

  it("streamed file reads equal the one-shot digest, across chunk boundaries", async () => {
    for (const size of [0, 5, (1 << 20) - 1, 1 << 20, (9 << 20) + 13, 16 << 20]) {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i += 4093) bytes[i] = (i * 31) & 0xff;
      const f = join(dir, `f${size}`);
      writeFileSync(f, bytes);
      expect(await digestFileNode(f, size)).toBe(digestBytes(bytes));
    }
  });

  it("isDigest accepts file and dir digests only", () => {
    expect(isDigest("0123456789abcdef")).toBe(true);
    expect(isDigest("0123456789abcdef.dir")).toBe(true);
    expect(isDigest("0123456789ABCDEF")).toBe(false);
    expect(isDigest("0123456789abcde")).toBe(false);
    expect(isDigest(42)).toBe(false);
  });
});

describe("fingerprint", () => {
  it("is independent of key order, recursively", () => {
    const a = { cmd: "x", deps: [{ path: "a", hash: "1" }], params: { lr: 1, bs: { x: 1, y: 2 } } };
    const b = { params: { bs: { y: 2, x: 1 }, lr: 1 }, deps: [{ hash: "1", path: "a" }], cmd: "x" };
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(fingerprint(a)).toMatch(/^[0-9a-f]{16}$/);
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
