// Reading the live feeds that runs leave in `.pipe/live/` (see ./live-feed.ts): which run is in
// progress (its marker names a process that is still alive) and the events a feed holds so far.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { RunEvent } from "../events/index.js";
import { hostProcesses } from "../files/holder.js";
import { feedFile, LIVE_DIR, type ActiveMarker } from "./live-feed.js";

/** Is process `pid` alive on this host? The lock files' probe (files/holder.ts). */
export const pidAlive = (pid: number): boolean => hostProcesses().exists(pid);

function names(root: string): string[] {
  try {
    return readdirSync(join(root, LIVE_DIR));
  } catch {
    return [];
  }
}

/** The run in progress: the newest marker whose process is alive; null when none. */
export function activeRun(root: string, alive: (pid: number) => boolean = pidAlive): string | null {
  const markers: ActiveMarker[] = [];
  for (const n of names(root).filter((x) => x.endsWith(".active"))) {
    try {
      const m = JSON.parse(readFileSync(join(root, LIVE_DIR, n), "utf8")) as Partial<ActiveMarker>;
      if (typeof m.runId === "string" && typeof m.pid === "number" && typeof m.startedAt === "string") markers.push(m as ActiveMarker);
    } catch {
      /* being written or corrupt: not a run we can follow */
    }
  }
  const live = markers.filter((m) => alive(m.pid)).sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  return live[0]?.runId ?? null;
}

/** The newest feed's run id (the run in progress or the last one to end); null when there is none. */
export function latestRun(root: string): string | null {
  let best: { id: string; t: number } | null = null;
  for (const n of names(root).filter((x) => x.endsWith(".jsonl"))) {
    let t: number;
    try {
      t = statSync(join(root, LIVE_DIR, n)).mtimeMs;
    } catch {
      continue;
    }
    const id = n.slice(0, -".jsonl".length);
    if (best === null || t > best.t || (t === best.t && id > best.id)) best = { id, t };
  }
  return best?.id ?? null;
}

/** Every complete, parseable line of a feed (a half-written last line is left for later). */
export function parseFeed(text: string): RunEvent[] {
  const events: RunEvent[] = [];
  const end = text.lastIndexOf("\n");
  for (const line of text.slice(0, end + 1).split("\n")) {
    if (line.trim() === "") continue;
    try {
      const e = JSON.parse(line) as unknown;
      if (typeof e === "object" && e !== null && typeof (e as { type?: unknown }).type === "string") events.push(e as RunEvent);
    } catch {
      /* a torn line: skipped */
    }
  }
  return events;
}

/** The events run `runId` has written so far (none when its feed is gone). */
export function readFeed(root: string, runId: string): RunEvent[] {
  if (!/^[A-Za-z0-9._-]+$/.test(runId)) return [];
  try {
    return parseFeed(readFileSync(join(root, LIVE_DIR, feedFile(runId)), "utf8"));
  } catch {
    return [];
  }
}
