// The one place content names are minted: BLAKE3 (256-bit, 64 lowercase hex) of a file's bytes, of
// a directory's manifest (suffixed `.dir`) and of canonical records (fingerprints). The legacy
// 16-hex xxHash64 form is still read ("read the old form, write the new"): `digestStreamFor`
// verifies bytes against a digest of either form.
import { blake3 } from "./blake3.js";
import { xxh64Bytes, xxh64Stream, xxh64String } from "./xxh.js";

/**
 * Content identity of a file (BLAKE3 of its bytes) or of a directory (BLAKE3 of its canonical
 * manifest, suffixed `.dir` like DVC's `.dir` md5s). A digest read from an older cache or lock may
 * be the legacy 16-hex xxh64 form (see `digestKind`). Minted only here.
 */
export type Digest = string & { readonly __brand: "Digest" };
/** BLAKE3 hex of a canonical JSON record (stage fingerprints, run-cache keys). */
export type Fingerprint = string & { readonly __brand: "Fingerprint" };

/** Which algorithm named a digest: `blake3` (64 hex) or the legacy `xxh64` (16 hex). */
export type DigestKind = "blake3" | "xxh64";

/** The BLAKE3 implementation in use: the native binding or the wasm fallback. */
export const blake3Implementation: "native" | "wasm" = blake3.name;

/** Digest of an in-memory byte array. */
export function digestBytes(bytes: Uint8Array): Digest {
  return blake3.bytes(bytes) as Digest;
}

/** Digest of a UTF-8 string's bytes. */
export function digestString(text: string): Digest {
  return blake3.string(text) as Digest;
}

/** Streaming digest, for files read in chunks. Updates are synchronous, so interleaving streams is safe. */
export interface DigestStream {
  update(bytes: Uint8Array): void;
  digest(): Digest;
}

export function createDigestStream(): DigestStream {
  const h = blake3.stream();
  return { update: (b) => h.update(b), digest: () => h.digest() as Digest };
}

const DIGEST = /^(?:[0-9a-f]{64}|[0-9a-f]{16})(?:\.dir)?$/;

/** True for a well-formed digest: 64 (or, legacy, 16) lowercase hex chars, optionally followed by `.dir`. */
export function isDigest(s: unknown): s is Digest {
  return typeof s === "string" && DIGEST.test(s);
}

export const isDirDigest = (d: Digest): boolean => d.endsWith(".dir");

/** The algorithm that named `d` (by its length: 16 hex is the legacy xxh64). */
export function digestKind(d: Digest): DigestKind {
  return (d.endsWith(".dir") ? d.length - 4 : d.length) === 16 ? "xxh64" : "blake3";
}

/** The bare hex of bytes or text under `kind` (no `.dir`): for recomputing a legacy name. */
export function hexAs(kind: DigestKind, data: Uint8Array | string): string {
  if (kind === "blake3") return typeof data === "string" ? blake3.string(data) : blake3.bytes(data);
  return typeof data === "string" ? xxh64String(data) : xxh64Bytes(data);
}

/** A streaming hasher of the algorithm `kind`, producing the bare hex. */
export function hexStreamOf(kind: DigestKind): { update(bytes: Uint8Array): void; digest(): string } {
  return kind === "blake3" ? blake3.stream() : xxh64Stream();
}

/**
 * A streaming hasher of the same algorithm as `d`, whose `digest()` is comparable with `d` as it
 * is (suffixed `.dir` when `d` is a manifest's digest): bytes are what `d` names exactly when
 * `stream.digest() === d`. Use it to verify an object read from any store, of either form.
 */
export function digestStreamFor(d: Digest): DigestStream {
  const h = hexStreamOf(digestKind(d));
  const suffix = isDirDigest(d) ? ".dir" : "";
  return { update: (b) => h.update(b), digest: () => `${h.digest()}${suffix}` as Digest };
}

/** Do these bytes (or this text, as UTF-8) hash to `d`, under `d`'s own algorithm? */
export function matchesDigest(data: Uint8Array | string, d: Digest): boolean {
  return `${hexAs(digestKind(d), data)}${isDirDigest(d) ? ".dir" : ""}` === d;
}
