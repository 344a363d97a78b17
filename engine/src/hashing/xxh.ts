// xxHash64 (xxhash-wasm, seed 0): how objects, manifests, locks and fingerprints were named before
// BLAKE3 (16 lowercase hex). Kept only to read that old form: pipe verifies legacy names with it
// and never mints new ones (see ./digest.ts). The wasm module loads once at import.
import xxhash from "xxhash-wasm";

const api = await xxhash();

/** Feed size for the streaming hasher: xxhash-wasm copies each update into wasm memory, and
 *  ~1 MiB pieces keep that copy in CPU cache (measured ~10 GB/s vs ~6 GB/s at 8 MiB). */
const FEED = 1 << 20;

const hex = (n: bigint): string => n.toString(16).padStart(16, "0");

export const xxh64Bytes = (bytes: Uint8Array): string => hex(api.h64Raw(bytes));

export const xxh64String = (text: string): string => hex(api.h64(text));

/** Streaming xxh64; updates are synchronous, so interleaving streams is safe. */
export function xxh64Stream(): { update(bytes: Uint8Array): void; digest(): string } {
  const h = api.create64();
  return {
    update(bytes) {
      for (let off = 0; off < bytes.byteLength; off += FEED) h.update(bytes.subarray(off, Math.min(off + FEED, bytes.byteLength)));
    },
    digest: () => hex(h.digest()),
  };
}
