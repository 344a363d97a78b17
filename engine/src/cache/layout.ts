// Where things live in the content-addressed store `<root>/.cache/`: objects/<2>/<rest>, runs/,
// tmp/ (staging for atomic renames), state.json (the hasher's stat cache), verified.json (objects
// read back and found good) and quarantine/ (bad objects moved out of the store).
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Digest } from "../hashing/index.js";

export interface CacheLayout {
  readonly dir: string;
  readonly objects: string;
  readonly runs: string;
  readonly tmp: string;
  readonly state: string;
  /** Objects read back and found good, with the (ino, size, mtime) they had (cache/verified.ts). */
  readonly verified: string;
  /** Where bad objects are moved out of the store. */
  readonly quarantine: string;
}

export function cacheLayout(root: string): CacheLayout {
  const dir = join(root, ".cache");
  return {
    dir,
    objects: join(dir, "objects"),
    runs: join(dir, "runs"),
    tmp: join(dir, "tmp"),
    state: join(dir, "state.json"),
    verified: join(dir, "verified.json"),
    quarantine: join(dir, "quarantine"),
  };
}

/** `objects/ab/cdef0123456789` for a file, `objects/ab/cdef0123456789.dir` for a manifest. */
export function objectPath(layout: CacheLayout, digest: Digest): string {
  return join(layout.objects, digest.slice(0, 2), digest.slice(2));
}

/** A unique staging path in tmp/ (same file system as objects/, so rename is atomic). */
export function tmpPath(layout: CacheLayout): string {
  return join(layout.tmp, `${process.pid}-${randomBytes(6).toString("hex")}`);
}
