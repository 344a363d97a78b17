// One run's per-stage timeline: when each stage became ready (its upstream recorded), when the tool
// called sbatch for it, when its command started and ended on the node (its own timestamps), when
// Slurm says its job was submitted, started and ended, and when the tool reported it recorded. Pure.
import type { Stage } from "./gen.js";
import type { Line } from "./logged.js";
import type { JobRecord, Submission } from "./slurm-records.js";

export interface StageTimes {
  readonly stage: string;
  readonly jobId: string;
  readonly ready: number;
  readonly called: number;
  readonly cmdStart: number;
  readonly cmdEnd: number;
  readonly recorded: number;
  readonly slurm: JobRecord | null;
}

/** What a stage's output says: "START END JOBID" (gen.ts). */
export function parseStamp(text: string): { start: number; end: number; jobId: string } | null {
  const [start, end, jobId] = text.trim().split(/\s+/);
  const s = Number(start);
  const e = Number(end);
  return Number.isFinite(s) && Number.isFinite(e) && jobId !== undefined ? { start: s, end: e, jobId } : null;
}

/** pipe --json: the arrival time of each `stage-done` event whose outcome is `ran`. */
export function pipeRecorded(lines: readonly Line[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) {
    if (l.stream !== "stdout" || !l.text.startsWith("{")) continue;
    let e: unknown;
    try {
      e = JSON.parse(l.text);
    } catch {
      continue;
    }
    const ev = e as { type?: unknown; stage?: unknown; outcome?: unknown };
    if (ev.type === "stage-done" && ev.outcome === "ran" && typeof ev.stage === "string") out.set(ev.stage, l.t);
  }
  return out;
}

/**
 * Snakemake's log: `Job 5 has been submitted with SLURM jobid 123 (log: ...).` and `Finished job 5.`;
 * the arrival time of the second, keyed by the Slurm job id of the first.
 */
export function snakemakeRecorded(lines: readonly Line[]): Map<string, number> {
  const slurmOf = new Map<string, string>();
  const out = new Map<string, number>();
  for (const l of lines) {
    const sub = /^Job (\d+) has been submitted with SLURM jobid (\d+)/.exec(l.text);
    if (sub) slurmOf.set(sub[1] as string, sub[2] as string);
    const fin = /^Finished job (\d+)\./.exec(l.text);
    if (fin) {
      const slurm = slurmOf.get(fin[1] as string);
      if (slurm !== undefined) out.set(slurm, l.t);
    }
  }
  return out;
}

export interface TimelineInput {
  readonly stages: readonly Stage[];
  /** The text of each stage's output file, by stage name. */
  readonly stamps: ReadonlyMap<string, string>;
  readonly submissions: readonly Submission[];
  /** When the tool reported each stage recorded: by stage name (pipe) or by Slurm job id (Snakemake). */
  readonly recordedByStage: ReadonlyMap<string, number>;
  readonly recordedByJob: ReadonlyMap<string, number>;
  readonly records: ReadonlyMap<string, JobRecord>;
  /** When the tool was started: the first stage is ready then. */
  readonly started: number;
}

/** Joins the sources by stage name and job id; throws naming what is missing (a benchmark must not guess). */
export function timeline(input: TimelineInput): StageTimes[] {
  const byJob = new Map(input.submissions.map((s) => [s.jobId, s]));
  const out = new Map<string, StageTimes>();
  for (const s of input.stages) {
    const text = input.stamps.get(s.name);
    const stamp = text === undefined ? null : parseStamp(text);
    if (stamp === null) throw new Error(`stage ${s.name}: its output ${s.out} holds no "START END JOBID" line (${JSON.stringify(text ?? null)})`);
    const sub = byJob.get(stamp.jobId);
    if (sub === undefined) throw new Error(`stage ${s.name} ran in job ${stamp.jobId}, which the sbatch shim did not see submitted`);
    const recorded = input.recordedByStage.get(s.name) ?? input.recordedByJob.get(stamp.jobId);
    if (recorded === undefined) throw new Error(`stage ${s.name} (job ${stamp.jobId}): the tool never reported it recorded`);
    const deps = input.stages.filter((d) => s.deps.includes(d.out)).map((d) => out.get(d.name)?.recorded);
    if (deps.some((d) => d === undefined)) throw new Error(`stage ${s.name}: an upstream stage has no time`);
    const ready = deps.length === 0 ? input.started : Math.max(...(deps as number[]));
    out.set(s.name, {
      stage: s.name,
      jobId: stamp.jobId,
      ready,
      called: sub.called,
      cmdStart: stamp.start,
      cmdEnd: stamp.end,
      recorded,
      slurm: input.records.get(stamp.jobId) ?? null,
    });
  }
  return [...out.values()];
}

/** The per-stage overheads the table shows, in seconds. */
export interface Overheads {
  /** Upstream recorded (or the tool's start) → sbatch called. */
  readonly readyToSubmit: number;
  /** sbatch called → the stage's command running on the node. */
  readonly submitToStart: number;
  /** Slurm's StartTime − SubmitTime (whole seconds). */
  readonly slurmQueue: number | null;
  /** The command's end → the tool reports the stage recorded. */
  readonly endToRecorded: number;
}

export const overheads = (t: StageTimes): Overheads => ({
  readyToSubmit: t.called - t.ready,
  submitToStart: t.cmdStart - t.called,
  slurmQueue: t.slurm === null ? null : t.slurm.start - t.slurm.submit,
  endToRecorded: t.recorded - t.cmdEnd,
});
