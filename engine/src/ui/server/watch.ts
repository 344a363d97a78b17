// Notices what other processes do in the project and says so as LiveMessages: new lines of the
// live feeds in `.pipe/live/` (each event of a running repro; also those of `exp run -j N`'s
// workspaces, `.pipe/exp/workspaces/*/.pipe/live/`), a grown `.pipe/exp/index.jsonl`
// (a new experiment), and a changed pipeline, lock or params file. fs.watch wakes it at once;
// a poll every `intervalMs` is the fallback where fs.watch misses (or cannot watch) a change.
import { closeSync, openSync, readdirSync, readSync, statSync, watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import type { LiveMessage } from "../api.js";
import { EXP_DIR } from "../../exp/index.js";
import { statSig } from "../../memo/fresh-stamp.js";
import { LIVE_DIR } from "../../session/live-feed.js";
import { parseFeed } from "../../session/live-read.js";
import { WORKSPACES_DIR } from "../../session/workspace-make.js";

export interface WatchOptions {
  /** Poll period (ms); default 500. */
  readonly intervalMs?: number;
  /** Use fs.watch as well as polling (default true). */
  readonly useFsWatch?: boolean;
}

export interface ProjectWatcher {
  /** Check now (what fs.watch calls; tests may too). */
  poke(): void;
  stop(): void;
}

/** At most this much of a feed is read per pass. */
const CHUNK = 4 * 1024 * 1024;

/** A file's (ino, size, mtime) as text, "none" when it is absent. */
const sig = (path: string): string => statSig(path)?.join(":") ?? "none";

/**
 * Starts watching `root`. `files` names the root-relative files whose change is `pipeline-changed`
 * (asked again after each such change: a new params file may be declared).
 */
export async function watchProject(
  root: string,
  files: () => Promise<readonly string[]>,
  emit: (m: LiveMessage) => void,
  opts: WatchOptions = {},
): Promise<ProjectWatcher> {
  const liveDir = join(root, LIVE_DIR);
  const index = join(root, EXP_DIR, "index.jsonl");
  const offsets = new Map<string, number>();
  for (const path of feeds(root)) offsets.set(path, sizeOf(path));
  let expSig = sig(index);
  let watched = await files();
  let fileSigs = watched.map((f) => sig(join(root, f)));
  let stopped = false;
  let busy = false;
  let again = false;

  const tail = (): void => {
    const paths = feeds(root).sort((a, b) => mtimeOf(a) - mtimeOf(b) || (a < b ? -1 : 1));
    for (const known of [...offsets.keys()]) if (!paths.includes(known)) offsets.delete(known);
    for (const path of paths) {
      const from = offsets.get(path) ?? 0;
      const size = sizeOf(path);
      if (size < from) offsets.set(path, 0); // rewritten: read again next pass
      if (size <= from) continue;
      const bytes = readRange(path, from, Math.min(size - from, CHUNK));
      const end = bytes.lastIndexOf(0x0a);
      if (end < 0) continue;
      offsets.set(path, from + end + 1);
      for (const event of parseFeed(bytes.subarray(0, end + 1).toString("utf8"))) emit({ type: "run", event });
    }
  };

  const check = async (): Promise<void> => {
    tail();
    const e = sig(index);
    if (e !== expSig) {
      expSig = e;
      emit({ type: "experiments-changed" });
    }
    const now = watched.map((f) => sig(join(root, f)));
    if (now.some((s, i) => s !== fileSigs[i])) {
      emit({ type: "pipeline-changed" });
      watched = await files().catch(() => watched);
      fileSigs = watched.map((f) => sig(join(root, f)));
    }
  };

  const run = (): void => {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    check()
      .catch(() => undefined)
      .finally(() => {
        busy = false;
        if (again && !stopped) {
          again = false;
          run();
        }
      });
  };

  const watchers = new Map<string, FSWatcher>();
  const ensureWatchers = (): void => {
    if (opts.useFsWatch === false) return;
    for (const dir of [root, liveDir, join(root, EXP_DIR)]) {
      if (watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, () => run());
        w.on("error", () => {
          w.close();
          watchers.delete(dir);
        });
        watchers.set(dir, w);
      } catch {
        /* not there yet: the poll looks again */
      }
    }
  };
  ensureWatchers();
  const timer = setInterval(() => {
    ensureWatchers();
    run();
  }, opts.intervalMs ?? 500);
  timer.unref();

  return {
    poke: run,
    stop: () => {
      stopped = true;
      clearInterval(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

/** Every feed file: the project's, then each parallel experiment workspace's (absolute paths). */
function feeds(root: string): string[] {
  const dirs = [join(root, LIVE_DIR), ...list(join(root, WORKSPACES_DIR)).map((w) => join(root, WORKSPACES_DIR, w, LIVE_DIR))];
  return dirs.flatMap((dir) => list(dir).flatMap((n) => (n.endsWith(".jsonl") ? [join(dir, n)] : [])));
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function readRange(path: string, from: number, length: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, from);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
