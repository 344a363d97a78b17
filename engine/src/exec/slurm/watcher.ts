// One loop watches every job a run has in flight: one `squeue` for all of them per look (not one per
// job), each job looked at as often as its age calls for (poll-delay.ts; age counts again from when
// it starts running), its log read at each look. squeue works on any Slurm, slurmdbd or not; the end
// (state, exit code) comes from `scontrol show job`, kept for MinJobAge after it ends, else `sacct`.
import { DEFAULT_POLL, pollDelay, type PollTiming } from "./poll-delay.js";
import { hasEnded, parseSacct, parseScontrolJob, parseSqueue, unknownJobs, type JobEnd } from "./states.js";
import type { SlurmRunner } from "./types.js";

export interface WatcherOptions {
  readonly runner: SlurmRunner;
  readonly timing?: PollTiming;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Looks in a row where squeue fails before the jobs are given up as UNKNOWN. */
  readonly maxErrors?: number;
}

export interface JobWatcher {
  /** Resolves when the job ended (or Slurm lost it: state UNKNOWN); `onLook` runs at each look. */
  watch(jobId: string, onLook: () => Promise<void>): Promise<JobEnd>;
}

interface Watched {
  /** When it was submitted, then when it was first seen running: a job that waited in the queue is young again when it starts. */
  since: number;
  running: boolean;
  readonly onLook: () => Promise<void>;
  readonly done: (end: JobEnd) => void;
}

/** The end of a job Slurm no longer lists as active: scontrol first, then sacct, else `fallback`. */
export async function jobEnd(runner: SlurmRunner, jobId: string, fallback: string): Promise<JobEnd> {
  const sc = await runner("scontrol", ["-o", "show", "job", jobId]);
  const fromScontrol = sc.code === 0 ? parseScontrolJob(sc.stdout) : null;
  if (fromScontrol !== null && hasEnded(fromScontrol.state)) return { state: fromScontrol.state, exitCode: fromScontrol.exitCode, signal: fromScontrol.signal };
  const sa = await runner("sacct", ["--noheader", "--parsable2", "--allocations", `--jobs=${jobId}`, "--format=State,ExitCode"]);
  const fromSacct = sa.code === 0 ? parseSacct(sa.stdout) : null;
  if (fromSacct !== null && hasEnded(fromSacct.state)) return fromSacct;
  return { state: fallback, exitCode: null, signal: null };
}

export function createWatcher(opts: WatcherOptions): JobWatcher {
  const timing = opts.timing ?? DEFAULT_POLL;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((): Promise<void> => Promise.resolve());
  const maxErrors = opts.maxErrors ?? 30;
  const watched = new Map<string, Watched>();
  let looping = false;
  // A job watched while the loop sleeps for older ones wakes it: its first look comes soon.
  let wake: (() => void) | null = null;
  const nap = (ms: number): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const slept = opts.sleep === undefined ? new Promise<void>((r) => (timer = setTimeout(r, ms))) : sleep(ms);
    // The timer is cleared on a wake-up: none is left to hold the process after the last job.
    return Promise.race([slept, new Promise<void>((r) => (wake = r))]).finally(() => {
      wake = null;
      clearTimeout(timer);
    });
  };

  const look = async (): Promise<void> => {
    const ids = [...watched.keys()];
    const r = await opts.runner("squeue", ["--noheader", "--states=all", `--jobs=${ids.join(",")}`, "--format=%i|%T"]);
    // "Invalid job id" when none of them is known any more: all ended and purged.
    if (r.code !== 0 && !(r.code !== null && unknownJobs(r.stderr))) throw new Error(r.error ?? r.stderr);
    await settle(ids, r.code === 0 ? parseSqueue(r.stdout) : new Map<string, string>());
  };

  const settle = async (ids: readonly string[], states: ReadonlyMap<string, string>): Promise<void> => {
    await Promise.all(
      ids.map(async (id) => {
        const w = watched.get(id);
        if (w === undefined) return;
        await w.onLook();
        const state = states.get(id);
        if (state === "RUNNING" && !w.running) {
          w.running = true;
          w.since = now();
        }
        // Not listed any more: purged after MinJobAge, or squeue does not keep finished jobs.
        if (state !== undefined && !hasEnded(state)) return;
        const end = await jobEnd(opts.runner, id, state ?? "UNKNOWN");
        watched.delete(id);
        w.done(end);
      }),
    );
  };

  const loop = async (): Promise<void> => {
    looping = true;
    let errors = 0;
    try {
      while (watched.size > 0) {
        const t = now();
        await nap(Math.min(...[...watched.values()].map((w) => pollDelay(t - w.since, timing))));
        try {
          await look();
          errors = 0;
        } catch {
          if (++errors < maxErrors) continue;
          for (const [id, w] of watched) {
            watched.delete(id);
            w.done({ state: "UNKNOWN", exitCode: null, signal: null });
          }
        }
      }
    } finally {
      looping = false;
    }
  };

  return {
    watch(jobId, onLook) {
      return new Promise<JobEnd>((done) => {
        watched.set(jobId, { since: now(), running: false, onLook, done });
        if (!looping) void loop();
        else wake?.();
      });
    },
  };
}
