// The run cache: `.cache/runs/<fingerprint>.json` maps a stage fingerprint to the outputs it
// produced, so a stage whose inputs were seen before is restored instead of run.
// A corrupt or malformed entry is reported as a warning and treated as a miss, never a crash.
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import type { RelPath } from "../config/types.js";
import { writeTextAtomic } from "../files/atomic-write.js";
import { isDigest, type Digest } from "../hashing/index.js";
import { byPath } from "../common/order.js";

export interface RunOut {
  readonly path: RelPath;
  readonly digest: Digest;
  readonly size: number;
  readonly isDir: boolean;
  readonly nfiles?: number;
}

/** What one run of a stage produced; `createdAt` is an ISO timestamp. */
export interface RunEntry {
  readonly outs: readonly RunOut[];
  readonly durationMs: number;
  readonly createdAt: string;
  /** Where a lookup found the entry when not in `.cache/runs/` (`remote 'team'`); never stored. */
  readonly origin?: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function validOut(v: unknown): v is RunOut {
  return (
    isObj(v) &&
    typeof v.path === "string" &&
    isDigest(v.digest) &&
    typeof v.size === "number" &&
    typeof v.isDir === "boolean" &&
    v.isDir === v.digest.endsWith(".dir") &&
    (v.nfiles === undefined || typeof v.nfiles === "number")
  );
}

/** Parse a run entry's text: the entry, or a reason it is unusable. */
export function parseRunEntry(text: string): RunEntry | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return `invalid JSON (${(e as Error).message})`;
  }
  if (!isObj(raw)) return "not an object";
  if (!Array.isArray(raw.outs) || !raw.outs.every(validOut)) return "bad `outs`";
  if (typeof raw.durationMs !== "number") return "bad `durationMs`";
  if (typeof raw.createdAt !== "string") return "bad `createdAt`";
  return { outs: raw.outs, durationMs: raw.durationMs, createdAt: raw.createdAt };
}

/** Run-cache keys are fingerprints: hex only, so they are safe file names. */
const validKey = (fp: string): boolean => /^[0-9a-f]{8,64}$/.test(fp);

export function runPath(runsDir: string, fp: string): string {
  if (!validKey(fp)) throw new Error(`invalid run-cache key ${JSON.stringify(fp)}`);
  return join(runsDir, `${fp}.json`);
}

export async function readRun(runsDir: string, fp: string, warn: (msg: string) => void): Promise<RunEntry | null> {
  const file = runPath(runsDir, fp);
  let text: string;
  try {
    text = await fsp.readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    warn(`cannot read run-cache entry ${file}: ${(e as Error).message}; treating as a miss`);
    return null;
  }
  const parsed = parseRunEntry(text);
  if (typeof parsed === "string") {
    warn(`corrupt run-cache entry ${file}: ${parsed}; treating as a miss`);
    return null;
  }
  return parsed;
}

export async function writeRun(runsDir: string, fp: string, entry: RunEntry): Promise<void> {
  const outs = [...entry.outs].sort(byPath);
  const { origin: _where, ...stored } = entry;
  await writeTextAtomic(runPath(runsDir, fp), `${JSON.stringify({ ...stored, outs }, null, 2)}\n`);
}
