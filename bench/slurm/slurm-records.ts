// What the benchmark reads from Slurm: an `sbatch` shim put first on PATH (the time each tool called
// sbatch and the job id it got back, for both tools alike), and each job's record: `sacct` where the
// cluster keeps accounting, else `scontrol show job` (for MinJobAge), else `sacct -c` (jobcomp/filetxt).
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Submission {
  /** Epoch seconds when the tool called sbatch, and when sbatch returned. */
  readonly called: number;
  readonly returned: number;
  readonly exit: number;
  readonly jobId: string;
}

/**
 * A folder holding `sbatch`, a bash script that logs `called returned exit jobid` (bash's
 * EPOCHREALTIME: no extra process) to `log` around the real sbatch; stdin, stderr and the exit status
 * pass through. Returns the folder to put first on PATH.
 */
export function writeSbatchShim(dir: string, log: string): string {
  const real = spawnSync("bash", ["-c", "command -v sbatch"], { encoding: "utf8" }).stdout.trim();
  if (real === "") throw new Error("sbatch is not on PATH (run scripts/test-services.sh as root)");
  mkdirSync(dir, { recursive: true });
  const shim = join(dir, "sbatch");
  writeFileSync(
    shim,
    [
      "#!/bin/bash",
      "# The Slurm benchmark's sbatch: the real one, timed (bench/slurm/slurm-records.ts).",
      "t0=$EPOCHREALTIME",
      `out=$(${JSON.stringify(real)} "$@")`,
      "rc=$?",
      "t1=$EPOCHREALTIME",
      '[ -n "$out" ] && printf "%s\\n" "$out"',
      "id=none",
      "[[ $out =~ ([0-9]+) ]] && id=${BASH_REMATCH[1]}",
      `printf "%s %s %s %s\\n" "$t0" "$t1" "$rc" "$id" >> ${JSON.stringify(log)}`,
      "exit $rc",
      "",
    ].join("\n"),
  );
  chmodSync(shim, 0o755);
  return dir;
}

export function readSubmissions(log: string): Submission[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const [called, returned, exit, jobId] = l.trim().split(/\s+/);
      return { called: Number(called), returned: Number(returned), exit: Number(exit), jobId: jobId ?? "none" };
    });
}

export interface JobRecord {
  readonly jobId: string;
  readonly state: string;
  /** Epoch seconds (Slurm keeps whole seconds). */
  readonly submit: number;
  readonly start: number;
  readonly end: number;
}

export type RecordSource = "sacct" | "sacct -c (jobcomp/filetxt)" | "scontrol show job";

/** Slurm's times are local wall-clock times without a zone (`2026-12-07T16:53:57`); JS reads that form as local. */
export function slurmTime(text: string | undefined): number {
  if (text === undefined || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(text)) return Number.NaN;
  return new Date(text).getTime() / 1000;
}

/** `sacct -P -n -o JobIDRaw,State,Submit,Start,End` lines (job steps, `123.batch`, dropped). */
export function parseSacct(text: string): JobRecord[] {
  const out: JobRecord[] = [];
  for (const line of text.split("\n")) {
    const [jobId, state, submit, start, end] = line.trim().split("|");
    if (jobId === undefined || !/^\d+$/.test(jobId) || state === undefined) continue;
    out.push({ jobId, state: state.split(" ")[0] ?? state, submit: slurmTime(submit), start: slurmTime(start), end: slurmTime(end) });
  }
  return out;
}

/** `scontrol -o show job` output: one job per line of `Key=Value` fields. */
export function parseScontrol(text: string): JobRecord[] {
  const out: JobRecord[] = [];
  for (const line of text.split("\n")) {
    const fields = new Map<string, string>();
    for (const m of line.matchAll(/(?:^|\s)([A-Za-z:/]+)=(\S*)/g)) if (!fields.has(m[1] as string)) fields.set(m[1] as string, m[2] as string);
    const jobId = fields.get("JobId");
    if (jobId === undefined) continue;
    out.push({
      jobId,
      state: fields.get("JobState") ?? "?",
      submit: slurmTime(fields.get("SubmitTime")),
      start: slurmTime(fields.get("StartTime")),
      end: slurmTime(fields.get("EndTime")),
    });
  }
  return out;
}

const sh = (argv: readonly string[]): { ok: boolean; out: string; err: string } => {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: "utf8", timeout: 30_000 });
  return { ok: r.status === 0, out: r.stdout ?? "", err: (r.stderr ?? "").trim() };
};

/**
 * The records of `ids`, from the first source that has all of them. `tried` says what each source
 * answered, for the report (sacct without slurmdbd fails, and that is worth saying).
 */
export function jobRecords(ids: readonly string[]): { source: RecordSource | null; records: Map<string, JobRecord>; tried: string[] } {
  const tried: string[] = [];
  const want = new Set(ids);
  const fmt = ["-P", "-n", "-o", "JobIDRaw,State,Submit,Start,End", "-j", ids.join(",")];
  // sacct -c (jobcomp/filetxt) prints the start time as Submit on 22.05; its Eligible is the submit time here (no dependencies).
  const attempts: [RecordSource, readonly string[], (text: string) => JobRecord[]][] = [
    ["sacct", ["sacct", "-X", ...fmt], parseSacct],
    ["scontrol show job", ["scontrol", "-o", "show", "job"], parseScontrol],
    ["sacct -c (jobcomp/filetxt)", ["sacct", "-c", ...fmt.map((f) => (f.startsWith("JobIDRaw") ? "JobIDRaw,State,Eligible,Start,End" : f))], parseSacct],
  ];
  for (const [source, argv, parse] of attempts) {
    const r = sh(argv);
    if (!r.ok) {
      tried.push(`${source}: ${r.err.split("\n")[0] ?? "failed"}`);
      continue;
    }
    const records = new Map(
      parse(r.out)
        .filter((j) => want.has(j.jobId) && Number.isFinite(j.start) && Number.isFinite(j.end))
        .map((j) => [j.jobId, j]),
    );
    if (records.size === want.size) return { source, records, tried };
    tried.push(`${source}: ${String(records.size)} of ${String(want.size)} jobs with start and end times`);
  }
  return { source: null, records: new Map(), tried };
}

/** `squeue`'s jobs (queued or running) whose working folder lies under `root`: other users' jobs on the cluster do not count. */
export function queuedUnder(root: string): string[] {
  const r = sh(["squeue", "-h", "-o", "%i %Z"]);
  if (!r.ok) throw new Error(`squeue failed: ${r.err}`);
  return r.out
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter(([id, dir]) => id !== undefined && id !== "" && dir !== undefined && (dir === root || dir.startsWith(`${root}/`)))
    .map(([id]) => id as string);
}

/** The ids of every job scontrol still knows (MinJobAge) whose working folder lies under `root`: a no-op must add none. */
export function jobsUnder(root: string): Set<string> {
  const r = sh(["scontrol", "-o", "show", "job"]);
  if (!r.ok) {
    if (/No jobs in the system/i.test(r.err + r.out)) return new Set();
    throw new Error(`scontrol show job failed: ${r.err}`);
  }
  const ids = new Set<string>();
  for (const line of r.out.split("\n")) {
    const id = /(?:^|\s)JobId=(\d+)/.exec(line)?.[1];
    const dir = /(?:^|\s)WorkDir=(\S+)/.exec(line)?.[1];
    if (id !== undefined && dir !== undefined && (dir === root || dir.startsWith(`${root}/`))) ids.add(id);
  }
  return ids;
}

/**
 * Jobs of others (working folder not under `root`) that ran on the cluster during [from, to] (epoch
 * seconds), from `scontrol show job`: they took CPUs from the run, which the report must say.
 */
export function foreignJobsDuring(root: string, from: number, to: number): string[] {
  const r = sh(["scontrol", "-o", "show", "job"]);
  if (!r.ok) return [];
  const out: string[] = [];
  for (const line of r.out.split("\n")) {
    const dir = /(?:^|\s)WorkDir=(\S+)/.exec(line)?.[1];
    const [job] = parseScontrol(line);
    if (job === undefined || dir === undefined || dir === root || dir.startsWith(`${root}/`)) continue;
    const end = Number.isFinite(job.end) ? job.end : Number.POSITIVE_INFINITY;
    if (Number.isFinite(job.start) && job.start <= to && end >= Math.floor(from)) out.push(job.jobId);
  }
  return out;
}
