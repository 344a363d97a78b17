// Cold hashing throughput through the engine's real hasher: a file of `--mb` MiB (default 1024) is
// written, read once to put it in the page cache, then hashed `--runs` times, each time by a fresh
// hasher over an empty stat cache (so every run reads and hashes every byte). The file is deleted
// at the end. Prints one JSON object. Digests are BLAKE3 (`impl` says whether the native binding or
// the wasm fallback ran: PIPE_BLAKE3=wasm forces the fallback); `--algorithm xxh64` times the same
// reads under the legacy xxHash64 (the hasher that checks old locks), for comparison.
//
//   node bench/engine/hash-bench.mjs <dir> [--mb 1024] [--runs 5] [--algorithm blake3|xxh64]
import { closeSync, mkdirSync, openSync, readSync, rmSync, statSync, writeSync } from "node:fs";
import { randomFillSync } from "node:crypto";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    mb: { type: "string", default: "1024" },
    runs: { type: "string", default: "5" },
    algorithm: { type: "string", default: "blake3" },
  },
});
const root = resolve(positionals[0] ?? "bench/out/hash");
const MB = Number(values.mb);
const runs = Number(values.runs);
const algorithm = values.algorithm;
if (algorithm !== "blake3" && algorithm !== "xxh64") throw new Error(`--algorithm: blake3 or xxh64, not ${algorithm}`);
const { createHasher, blake3Implementation } = await import(new URL("../../dist/engine/src/hashing/index.js", import.meta.url).href);

mkdirSync(root, { recursive: true });
const rel = "big.bin";
const file = join(root, rel);
const bytes = MB * 1024 * 1024;
try {
  // Incompressible, non-sparse content, written in 64 MiB pieces.
  const piece = randomFillSync(Buffer.allocUnsafe(64 << 20));
  const fd = openSync(file, "w");
  for (let done = 0; done < bytes; done += piece.length) writeSync(fd, piece, 0, Math.min(piece.length, bytes - done));
  closeSync(fd);

  // Warm-up read: the file is now in the page cache.
  const rd = openSync(file, "r");
  const buf = Buffer.allocUnsafe(8 << 20);
  while (readSync(rd, buf, 0, buf.length, null) > 0);
  closeSync(rd);

  const times = [];
  const cpu = [];
  let digest = "";
  for (let i = 0; i < runs; i++) {
    const statePath = join(root, `.state-${process.pid}-${i}.json`); // never exists: stat cache empty
    const hasher = createHasher({ root, statePath, algorithm });
    const c = process.cpuUsage();
    const t = performance.now();
    const info = await hasher.hashPath(rel);
    times.push(performance.now() - t);
    const dc = process.cpuUsage(c);
    cpu.push((dc.user + dc.system) / 1000);
    if (!info || info.size !== statSync(file).size) throw new Error("hashPath returned the wrong size");
    if (digest && info.digest !== digest) throw new Error("digest changed between runs");
    digest = info.digest;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const gbps = (ms) => +(bytes / 1e9 / (ms / 1000)).toFixed(2);
  process.stdout.write(
    JSON.stringify({
      algorithm,
      ...(algorithm === "blake3" ? { impl: blake3Implementation ?? "native" } : {}),
      bytes,
      runs,
      digest,
      ms: times.map((t) => +t.toFixed(1)),
      medianMs: +median.toFixed(1),
      medianGBps: gbps(median),
      bestGBps: gbps(sorted[0]),
      cpuMs: cpu.map((t) => +t.toFixed(1)),
    }) + "\n",
  );
} finally {
  rmSync(file, { force: true });
}
