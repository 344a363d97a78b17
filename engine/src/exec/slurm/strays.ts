// Jobs a killed pipe left behind (`.cache/slurm/jobs/`): before any repro, each one whose pipe is
// gone is cancelled if Slurm still has it queued or running, and waited for until it ended, so no
// output it is still writing is ever recorded. Cancel rather than wait: its run is gone and will
// record nothing of it, so letting it finish only spends the allocation; this run submits anew.
import type { Liveness } from "../../files/holder.js";
import { liveness as holderLiveness } from "../../files/holder.js";
import { listRecords, removeRecord, type JobRecord } from "./records.js";
import { hasEnded, parseSqueue, unknownJobs } from "./states.js";
import type { SlurmRunner } from "./types.js";
import { jobEnd } from "./watcher.js";

/** What to do with one record: its pipe still runs (or runs elsewhere), its job ended, or cancel it. */
export type StrayAction = "leave" | "forget" | "cancel";

/** Pure: a record's fate from its pipe's liveness and the job's state (undefined: Slurm does not list it). */
export function strayAction(pipe: Liveness, state: string | undefined): StrayAction {
  if (pipe !== "dead") return "leave";
  if (state === undefined || hasEnded(state)) return "forget";
  return "cancel";
}

export interface StrayOptions {
  readonly root: string;
  readonly runner: SlurmRunner;
  /** One line per job dealt with (`pipe repro: cancelled Slurm job 42 ...`). */
  readonly say: (line: string) => void;
  readonly liveness?: (r: JobRecord) => Liveness;
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long a cancelled job may take to end (ms). */
  readonly waitMs?: number;
}

/** Deals with every stray record; returns an error line when Slurm cannot be asked (the records stay). */
export async function recoverStrayJobs(opts: StrayOptions): Promise<string | null> {
  const { records, bad } = listRecords(opts.root);
  for (const file of bad) opts.say(`warning: ${file} is not a Slurm job record pipe can read; delete it if no job of it runs`);
  const liveness = opts.liveness ?? ((r: JobRecord): Liveness => holderLiveness(r.holder));
  const dead = records.filter((r) => liveness(r) === "dead");
  if (dead.length === 0) return null;
  const states = await queueStates(
    opts.runner,
    dead.map((r) => r.jobId),
  );
  if (typeof states === "string") {
    const r = dead[0] as JobRecord;
    return `.cache/slurm/jobs/${r.jobId}.json names Slurm job ${r.jobId} (stage '${r.stage}') of a pipe that was killed, and Slurm cannot be asked about it (${states}): check the job, then delete the file`;
  }
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (const r of dead) {
    const action = strayAction("dead", states.get(r.jobId));
    if (action === "forget") {
      const end = await jobEnd(opts.runner, r.jobId, states.get(r.jobId) ?? "UNKNOWN");
      opts.say(`pipe repro: Slurm job ${r.jobId} (stage '${r.stage}') of a pipe that was killed had ended (${end.state}); nothing of it was recorded`);
      removeRecord(opts.root, r.jobId);
      continue;
    }
    if (action !== "cancel") continue;
    await opts.runner("scancel", [r.jobId]);
    const deadline = Date.now() + (opts.waitMs ?? 60_000);
    let state = states.get(r.jobId);
    while (state !== undefined && !hasEnded(state) && Date.now() < deadline) {
      await sleep(200);
      const now = await queueStates(opts.runner, [r.jobId]);
      state = typeof now === "string" ? state : now.get(r.jobId);
    }
    if (state !== undefined && !hasEnded(state)) {
      return `pipe repro: Slurm job ${r.jobId} (stage '${r.stage}') of a pipe that was killed was cancelled but is still ${state}; wait for it to end, then run again`;
    }
    opts.say(
      `pipe repro: cancelled Slurm job ${r.jobId} (stage '${r.stage}'), left ${states.get(r.jobId) ?? ""} by a pipe that was killed; this run makes its outputs anew`,
    );
    removeRecord(opts.root, r.jobId);
  }
  return null;
}

/** squeue's states for `ids` (an id it does not list is absent), or why it could not be asked. */
async function queueStates(runner: SlurmRunner, ids: readonly string[]): Promise<Map<string, string> | string> {
  const r = await runner("squeue", ["--noheader", "--states=all", `--jobs=${ids.join(",")}`, "--format=%i|%T"]);
  if (r.code === 0) return parseSqueue(r.stdout);
  if (r.code !== null && unknownJobs(r.stderr)) return new Map();
  return r.error ?? (r.stderr.trim() || `squeue exited with code ${String(r.code)}`);
}
