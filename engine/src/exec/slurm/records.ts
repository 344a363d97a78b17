// `.cache/slurm/jobs/<id>.json`: one file per job a run has in flight, written when sbatch answers
// and removed once Slurm says the job ended, so a pipe killed meanwhile leaves them for the next run.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseHolder, type Holder } from "../../files/holder.js";

export interface JobRecord {
  readonly jobId: string;
  readonly stage: string;
  readonly runId: string;
  /** The stage's outs: what the job may still be writing. */
  readonly outs: readonly string[];
  /** The pipe process that submitted it (alive or not decides what the next run does). */
  readonly holder: Holder;
  readonly submittedAt: string;
  /** The job's output file, relative to the project root. */
  readonly log: string;
}

export const slurmDir = (root: string): string => join(root, ".cache", "slurm");
export const jobsDir = (root: string): string => join(slurmDir(root), "jobs");
const recordPath = (root: string, jobId: string): string => join(jobsDir(root), `${jobId}.json`);

/** Written via a temp name and a rename, so a reader never sees half a record. */
export function writeRecord(root: string, record: JobRecord): void {
  mkdirSync(jobsDir(root), { recursive: true });
  const path = recordPath(root, record.jobId);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(tmp, path);
}

export function removeRecord(root: string, jobId: string): void {
  rmSync(recordPath(root, jobId), { force: true });
}

/** The records left in `.cache/slurm/jobs/` (none when the folder does not exist); `bad`: unreadable files. */
export function listRecords(root: string): { readonly records: JobRecord[]; readonly bad: string[] } {
  let names: string[];
  try {
    names = readdirSync(jobsDir(root));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { records: [], bad: [] };
    throw e;
  }
  const records: JobRecord[] = [];
  const bad: string[] = [];
  for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
    const file = join(jobsDir(root), name);
    const record = parseRecord(readFileSync(file, "utf8"));
    if (record === null) bad.push(file);
    else records.push(record);
  }
  return { records, bad };
}

function parseRecord(text: string): JobRecord | null {
  try {
    const raw = JSON.parse(text) as Partial<JobRecord> | null;
    if (raw === null || typeof raw !== "object" || typeof raw.jobId !== "string" || !/^\d+(_\d+)?$/.test(raw.jobId)) return null;
    const holder = parseHolder(JSON.stringify(raw.holder ?? null));
    if (holder === null || typeof raw.stage !== "string") return null;
    return {
      jobId: raw.jobId,
      stage: raw.stage,
      runId: typeof raw.runId === "string" ? raw.runId : "",
      outs: Array.isArray(raw.outs) ? raw.outs.filter((o): o is string => typeof o === "string") : [],
      holder,
      submittedAt: typeof raw.submittedAt === "string" ? raw.submittedAt : "",
      log: typeof raw.log === "string" ? raw.log : "",
    };
  } catch {
    return null;
  }
}
