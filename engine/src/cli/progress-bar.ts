// One progress line for a transfer on an interactive stderr: files and bytes done, rate and ETA,
// redrawn at most ten times a second and cleared at the end. Silent when stderr is not a terminal.
import type { CliIO } from "./io.js";

export interface TransferProgress {
  readonly files: number;
  readonly filesTotal: number;
  readonly bytes: number;
  readonly bytesTotal: number;
}

/** `512 B`, `12.3 kB`, `4.5 MB`, `1.07 GB` (powers of 1000, as rsync and dvc print them). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = n / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[u] as string}`;
}

const clock = (s: number): string => {
  const t = Math.max(0, Math.round(s));
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, "0")}`;
};

/** The line itself (pure): `push  1,234/10,000 files  56.7 MB/120 MB  12.3 MB/s  ETA 0:05`. */
export function progressText(verb: string, p: TransferProgress, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? p.bytes / (elapsedMs / 1000) : 0;
  const left = p.bytesTotal - p.bytes;
  const eta = rate > 0 && left > 0 ? `  ETA ${clock(left / rate)}` : "";
  const files = `${p.files.toLocaleString("en-US")}/${p.filesTotal.toLocaleString("en-US")} files`;
  return `${verb}  ${files}  ${formatBytes(p.bytes)}/${formatBytes(p.bytesTotal)}  ${formatBytes(rate)}/s${eta}`;
}

export function progressBar(io: CliIO, verb: string, now: () => number = Date.now): { update(p: TransferProgress): void; done(): void } {
  const started = now();
  let last = 0;
  let shown = false;
  return {
    update(p) {
      if (!io.isTTY) return;
      const t = now();
      if (t - last < 100 && p.files < p.filesTotal) return;
      last = t;
      shown = true;
      io.stderr(`\r\x1b[2K${progressText(verb, p, t - started)}`);
    },
    done() {
      if (shown) io.stderr("\r\x1b[2K");
    },
  };
}
