// Slurm's job states and the parsing of what squeue and scontrol print about them. Pure.

/** States after which a job runs no more and writes nothing (the rest: it may still run). */
const ENDED = new Set([
  "COMPLETED",
  "FAILED",
  "TIMEOUT",
  "OUT_OF_MEMORY",
  "CANCELLED",
  "NODE_FAIL",
  "BOOT_FAIL",
  "DEADLINE",
  "PREEMPTED",
  "REVOKED",
  "SPECIAL_EXIT",
]);

/** `CANCELLED by 0` (sacct) and `CANCELLED+` (truncated columns) read as `CANCELLED`. */
export function normalizeState(raw: string): string {
  return (raw.trim().split(/[\s+]/)[0] ?? "").toUpperCase();
}

export const hasEnded = (state: string): boolean => ENDED.has(normalizeState(state));

/** How a finished job ended, as scontrol or sacct tell it. */
export interface JobEnd {
  readonly state: string;
  readonly exitCode: number | null;
  readonly signal: number | null;
}

/** `squeue --noheader --states=all --format=%i|%T` lines → job id → state. */
export function parseSqueue(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const [id, state] = line.trim().split("|");
    if (id !== undefined && id !== "" && state !== undefined) out.set(id, normalizeState(state));
  }
  return out;
}

/** squeue's answer when none of the ids it was asked about is known (any more). */
export const unknownJobs = (stderr: string): boolean => /invalid job id/i.test(stderr);

/** `3:0` → {exitCode 3, signal 0}; anything else → nulls. */
function parseExit(text: string | undefined): { exitCode: number | null; signal: number | null } {
  const m = /^(\d+):(\d+)$/.exec(text ?? "");
  return m === null ? { exitCode: null, signal: null } : { exitCode: Number(m[1]), signal: Number(m[2]) };
}

/** `scontrol -o show job ID`: one line of `Key=Value` fields; null when it names no job. */
export function parseScontrolJob(stdout: string): (JobEnd & { readonly start: string; readonly end: string }) | null {
  const fields = new Map<string, string>();
  for (const m of stdout.matchAll(/(?:^|\s)([A-Za-z/:]+)=(\S*)/g)) if (!fields.has(m[1] as string)) fields.set(m[1] as string, m[2] as string);
  const state = fields.get("JobState");
  if (state === undefined) return null;
  return { state: normalizeState(state), ...parseExit(fields.get("ExitCode")), start: fields.get("StartTime") ?? "", end: fields.get("EndTime") ?? "" };
}

/** `sacct --noheader --parsable2 --allocations --format=State,ExitCode`: the job's line, or null. */
export function parseSacct(stdout: string): JobEnd | null {
  const line = stdout.split("\n").find((l) => l.trim() !== "");
  if (line === undefined) return null;
  const [state, exit] = line.trim().split("|");
  if (state === undefined || state === "") return null;
  return { state: normalizeState(state), ...parseExit(exit) };
}
