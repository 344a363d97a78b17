// The data the remote benchmark moves: a tree of many small random files, and one large file made
// fast from a repeated random block whose first bytes carry the block's number (so no two blocks
// are alike and nothing along the way can deduplicate them).
import { randomBytes } from "node:crypto";
import { mkdirSync, openSync, closeSync, writeSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** `count` files of 1-8 KiB random bytes under `dir`, in 100 folders of 10 subfolders (`d12/e4/f1234.bin`). */
export function writeSmallFiles(dir: string, count: number): { files: number; bytes: number } {
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const folder = join(dir, `d${String(Math.floor(i / 100) % 100).padStart(2, "0")}`, `e${String(i % 10)}`);
    mkdirSync(folder, { recursive: true });
    const size = 1024 + Math.floor(Math.random() * 7 * 1024);
    writeFileSync(join(folder, `f${String(i)}.bin`), randomBytes(size));
    bytes += size;
  }
  return { files: count, bytes };
}

const BLOCK = 64 * 1024 * 1024;

/** One file of `mib` MiB: a random 64 MiB block written over and over, its first 8 bytes the block's number. */
export function writeLargeFile(file: string, mib: number): { files: number; bytes: number } {
  const total = mib * 1024 * 1024;
  const block = randomBytes(Math.min(BLOCK, total));
  const fd = openSync(file, "w");
  try {
    for (let at = 0, n = 0; at < total; at += block.length, n++) {
      block.writeBigUInt64LE(BigInt(n), 0);
      const len = Math.min(block.length, total - at);
      for (let off = 0; off < len;) off += writeSync(fd, block, off, len - off, at + off);
    }
  } finally {
    closeSync(fd);
  }
  return { files: 1, bytes: total };
}

/** Files and bytes under `path` (a file or a folder), to check that a copy is whole. */
export function countTree(path: string): { files: number; bytes: number } {
  const st = statSync(path);
  if (!st.isDirectory()) return { files: 1, bytes: st.size };
  let files = 0;
  let bytes = 0;
  const pending = [path];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) pending.push(p);
      else if (e.isFile()) {
        files++;
        bytes += statSync(p).size;
      }
    }
  }
  return { files, bytes };
}
