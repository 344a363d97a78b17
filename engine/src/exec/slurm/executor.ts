// The Slurm StageExecutor: each stage it is handed becomes one batch job (sbatch), whose output file
// is tailed into the stage's output while a shared watcher follows its state; the end state becomes
// null (COMPLETED) or a `slurm-job` failure. Ctrl-C cancels the job (scancel). The engine only sees
// a StageExecutor; what to run and when stays its decision.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { StageName } from "../../config/types.js";
import type { Emit, StageFailure } from "../../events/index.js";
import { holderOf } from "../../files/holder.js";
import type { StageExecutor, StageJob } from "../executor.js";
import type { PollTiming } from "./poll-delay.js";
import { removeRecord, slurmDir, writeRecord } from "./records.js";
import { describeResources, jobScript, parseJobId, sbatchArgs } from "./script.js";
import { hasEnded, type JobEnd } from "./states.js";
import { tailFile, type LogTail } from "./tail.js";
import type { SlurmResources, SlurmRunner } from "./types.js";
import { createWatcher } from "./watcher.js";

export interface SlurmExecutorOptions {
  /** The project root: `.cache/slurm/` (scripts, logs, job records) lies under it, on the shared file system. */
  readonly root: string;
  /** The run's id, kept in the job records and the script names. */
  readonly runId: string;
  readonly resourcesFor: (stage: StageName) => SlurmResources;
  readonly runner: SlurmRunner;
  /** Where `stage-job` events go (the run's emitter). */
  readonly emit: Emit;
  readonly timing?: PollTiming;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long a cancelled job may take to end before the run gives up waiting (its record stays). */
  readonly cancelWaitMs?: number;
  /** Lines of the log a failure carries. */
  readonly tailLines?: number;
  /**
   * The job's output file on the node (`%j`: the job id) when the node does not share this file
   * system (session/slurm-staged.ts): it is not tailed here; the caller reports the output.
   */
  readonly nodeOutput?: string;
}

/** The output file is on the node: nothing to follow here. */
const noTail: LogTail = { read: async () => {}, finish: async () => {}, last: () => [] };

/** A stage name as a file name: `sub/dvc.yaml:train@1` → `sub_dvc.yaml_train_1`. */
export const fileSafe = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, "_");

export function slurmExecutor(opts: SlurmExecutorOptions): StageExecutor {
  const watcher = createWatcher({
    runner: opts.runner,
    ...(opts.timing && { timing: opts.timing }),
    ...(opts.now && { now: opts.now }),
    ...(opts.sleep && { sleep: opts.sleep }),
  });
  const dir = slurmDir(opts.root);
  const cancelWaitMs = opts.cancelWaitMs ?? 30_000;

  return {
    name: "slurm",
    async run(job: StageJob): Promise<StageFailure | null> {
      if (job.signal.aborted) return { kind: "interrupted" };
      const stage = job.stage;
      const resources = opts.resourcesFor(stage.name);
      const safe = fileSafe(stage.name);
      for (const sub of ["scripts", "logs"]) mkdirSync(join(dir, sub), { recursive: true });
      const script = join(dir, "scripts", `${safe}.${opts.runId}.sh`);
      writeFileSync(script, jobScript({ cwd: job.cwd, commands: stage.cmd, env: job.env, stageEnvKeys: Object.keys(stage.env) }), { mode: 0o755 });
      const output = opts.nodeOutput ?? join(dir, "logs", `${safe}.%j.log`);
      const submitted = await opts.runner("sbatch", sbatchArgs({ jobName: stage.name, cwd: job.cwd, output, script, resources }), {
        env: job.env,
        cwd: job.cwd,
      });
      const jobId = submitted.code === 0 ? parseJobId(submitted.stdout) : null;
      if (jobId === null) {
        rmSync(script, { force: true });
        const why =
          submitted.code === null
            ? `could not run sbatch (is Slurm's client installed on this machine?): ${submitted.error ?? ""}`
            : submitted.stderr.trim().split("\n").pop() || `unexpected answer '${submitted.stdout.trim()}'`;
        return { kind: "slurm-submit", error: why };
      }
      const log = output.replace("%j", jobId);
      const logRel = opts.nodeOutput === undefined ? relative(opts.root, log) : `${log} (on the node)`;
      writeRecord(opts.root, {
        jobId,
        stage: stage.name,
        runId: opts.runId,
        outs: stage.outs.map((o) => o.path),
        holder: holderOf(process.pid, opts.runId),
        submittedAt: new Date((opts.now ?? Date.now)()).toISOString(),
        log: logRel,
      });
      opts.emit({ type: "stage-job", stage: stage.name, executor: "slurm", jobId, resources: describeResources(resources), log: logRel });

      const tail = opts.nodeOutput === undefined ? tailFile(log, (line) => job.onLine("stdout", line), opts.tailLines ?? 10) : noTail;
      const ended = watcher.watch(jobId, () => tail.read());
      let end: JobEnd;
      if (job.signal.aborted) end = await cancel(jobId, ended);
      else {
        let onAbort = (): void => {};
        const aborted = new Promise<"aborted">((r) => (onAbort = () => r("aborted")));
        job.signal.addEventListener("abort", onAbort, { once: true });
        const first = await Promise.race([ended, aborted]);
        job.signal.removeEventListener("abort", onAbort);
        end = first === "aborted" ? await cancel(jobId, ended) : first;
      }
      await tail.finish();
      // Only a job Slurm says has ended is forgotten: any other is the next run's to look at.
      if (hasEnded(end.state)) {
        removeRecord(opts.root, jobId);
        rmSync(script, { force: true });
      }
      if (job.signal.aborted) return { kind: "interrupted" };
      if (end.state === "COMPLETED") return null;
      return { kind: "slurm-job", jobId, state: end.state, exitCode: end.exitCode, signal: end.signal, log: logRel, tail: tail.last() };
    },
  };

  /** scancel, then wait (bounded) until Slurm says the job ended, so nothing it writes is recorded later. */
  async function cancel(jobId: string, ended: Promise<JobEnd>): Promise<JobEnd> {
    await opts.runner("scancel", [jobId]);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<JobEnd>((r) => (timer = setTimeout(() => r({ state: "UNKNOWN", exitCode: null, signal: null }), cancelWaitMs)));
    try {
      return await Promise.race([ended, gaveUp]);
    } finally {
      clearTimeout(timer);
    }
  }
}
