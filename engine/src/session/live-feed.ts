// The live feed of a run: every RunEvent appended as one JSON line to `.pipe/live/<runId>.jsonl`,
// and `<runId>.active` while the run is in progress, so `pipe ui` (another process) can follow a
// repro started from a terminal. Best effort: a failing write stops the feed, never the run.
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { EventSink, RunEvent } from "../events/index.js";
import { ensurePipeDir } from "../files/pipe-dir.js";

/** Where the feeds live, relative to the project root. */
export const LIVE_DIR = ".pipe/live";
/** How many runs' feeds are kept (older ones are pruned when a run starts). */
export const LIVE_KEEP = 20;

/** The `.active` marker: which process runs it, so a reader can tell a crashed run from a live one. */
export interface ActiveMarker {
  readonly runId: string;
  readonly pid: number;
  readonly startedAt: string;
}

export interface LiveFeed {
  readonly sink: EventSink;
  /** The run is over: close the file and drop the active marker. */
  readonly close: () => void;
}

export interface LiveFeedOptions {
  readonly pid?: number;
  readonly now?: () => number;
  readonly keep?: number;
}

export const feedFile = (runId: string): string => `${runId}.jsonl`;
export const markerFile = (runId: string): string => `${runId}.active`;

/** Opens the feed of run `runId` (never throws: a feed that cannot be written is a no-op sink). */
export async function openLiveFeed(root: string, runId: string, opts: LiveFeedOptions = {}): Promise<LiveFeed> {
  const dir = join(root, LIVE_DIR);
  const marker = join(dir, markerFile(runId));
  let fd: number | null = null;
  try {
    await ensurePipeDir(root);
    mkdirSync(dir, { recursive: true });
    prune(dir, (opts.keep ?? LIVE_KEEP) - 1);
    fd = openSync(join(dir, feedFile(runId)), "a");
    const body: ActiveMarker = { runId, pid: opts.pid ?? process.pid, startedAt: new Date((opts.now ?? Date.now)()).toISOString() };
    writeFileSync(marker, `${JSON.stringify(body)}\n`);
  } catch {
    if (fd !== null) closeQuietly(fd);
    return { sink: () => undefined, close: () => undefined };
  }
  let open: number | null = fd;
  const stop = (): void => {
    if (open !== null) closeQuietly(open);
    open = null;
  };
  return {
    sink: (event: RunEvent) => {
      if (open === null) return;
      try {
        writeSync(open, `${JSON.stringify(event)}\n`);
      } catch {
        stop();
      }
    },
    close: () => {
      stop();
      try {
        unlinkSync(marker);
      } catch {
        /* already gone */
      }
    },
  };
}

/** Keeps the newest `keep` feeds (by modification time, then name), removing older ones and their markers. */
function prune(dir: string, keep: number): void {
  const feeds = readdirSync(dir)
    .filter((n) => n.endsWith(".jsonl"))
    .map((n) => ({ n, t: mtimeOf(join(dir, n)) }))
    .sort((a, b) => b.t - a.t || (a.n < b.n ? 1 : -1));
  for (const { n } of feeds.slice(Math.max(0, keep))) {
    rmSync(join(dir, n), { force: true });
    rmSync(join(dir, `${n.slice(0, -".jsonl".length)}.active`), { force: true });
  }
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* nothing to do */
  }
}
