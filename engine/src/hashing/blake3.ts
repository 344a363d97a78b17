// BLAKE3 (256-bit) for pipe's content names: `@napi-rs/blake-hash`'s native binding (prebuilt, an
// optional dependency of that package) when it loads, else hash-wasm's BLAKE3 (same digests,
// slower). One is loaded once, at import (hash-wasm, ~100 ms to import, only when the native
// binding cannot load); `PIPE_BLAKE3=wasm` forces the fallback.
import { createRequire } from "node:module";

/** One BLAKE3 implementation: 64 lowercase hex chars out, whatever the input. */
export interface Blake3Impl {
  readonly name: "native" | "wasm";
  bytes(data: Uint8Array): string;
  string(text: string): string;
  stream(): { update(data: Uint8Array): void; digest(): string };
}

interface NativeModule {
  blake3(input: string | Uint8Array): Buffer;
  Blake3Hasher: new () => { update(input: Uint8Array): unknown; digest(format: "hex"): string };
}

/** The native binding, or null when it cannot load on this platform. */
export function nativeBlake3(): Blake3Impl | null {
  let mod: NativeModule;
  try {
    mod = createRequire(import.meta.url)("@napi-rs/blake-hash") as NativeModule;
    if (typeof mod.blake3 !== "function" || typeof mod.Blake3Hasher !== "function") return null;
  } catch {
    return null;
  }
  return {
    name: "native",
    bytes: (data) => mod.blake3(data).toString("hex"),
    string: (text) => mod.blake3(text).toString("hex"),
    stream() {
      const h = new mod.Blake3Hasher();
      return { update: (data) => void h.update(data), digest: () => h.digest("hex") };
    },
  };
}

/** hash-wasm copies each update into wasm memory: ~1 MiB pieces keep that copy in CPU cache. */
const FEED = 1 << 20;

/**
 * hash-wasm's BLAKE3: one wasm instance serves every digest. Calls are synchronous, so a one-shot
 * digest cannot interleave with anything; a stream keeps its own state (`save`/`load`) between updates.
 */
export async function wasmBlake3(): Promise<Blake3Impl> {
  const { createBLAKE3 } = await import("hash-wasm");
  const h = await createBLAKE3();
  const feed = (data: Uint8Array): void => {
    for (let off = 0; off < data.byteLength; off += FEED) h.update(data.subarray(off, Math.min(off + FEED, data.byteLength)));
  };
  const once = (data: Uint8Array | string): string => {
    h.init();
    if (typeof data === "string") h.update(data);
    else feed(data);
    return h.digest("hex");
  };
  return {
    name: "wasm",
    bytes: once,
    string: once,
    stream() {
      let state = h.init().save();
      return {
        update(data) {
          h.load(state);
          feed(data);
          state = h.save();
        },
        digest: () => h.load(state).digest("hex"),
      };
    },
  };
}

/** The implementation pipe uses. */
export const blake3: Blake3Impl = (process.env.PIPE_BLAKE3 === "wasm" ? null : nativeBlake3()) ?? (await wasmBlake3());
