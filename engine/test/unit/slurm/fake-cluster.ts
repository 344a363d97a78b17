// A fake Slurm for unit tests: a SlurmRunner whose sbatch queues a job, and whose squeue, scontrol,
// sacct and scancel answer from a scripted life per job (the states it goes through, the lines it
// writes to its output file, how it ends). No daemons; every call is recorded.
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { CommandResult, SlurmCommand, SlurmRunner } from "../../../src/exec/slurm/index.js";

export interface JobLife {
  /** States squeue reports at successive looks (the last one repeats). */
  readonly states: readonly string[];
  /** Lines the job writes to its output file, one per look while it runs. */
  readonly lines?: readonly string[];
  readonly exitCode?: string;
  /** Whether scontrol still knows the job after it ends (false: only sacct, or neither). */
  readonly scontrolKeeps?: boolean;
  readonly sacct?: string;
}

export interface FakeJob {
  readonly id: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>> | undefined;
  looks: number;
  written: number;
  cancelled: boolean;
  readonly life: JobLife;
}

export class FakeCluster {
  readonly calls: { command: SlurmCommand; args: readonly string[] }[] = [];
  readonly jobs = new Map<string, FakeJob>();
  private next = 100;
  /** Lives handed to the next sbatch calls, in order. */
  readonly lives: JobLife[] = [];
  sbatchError: string | null = null;
  squeueDown = false;

  readonly runner: SlurmRunner = (command, args, opts) => {
    this.calls.push({ command, args });
    return Promise.resolve(this.answer(command, args, opts?.env));
  };

  private answer(command: SlurmCommand, args: readonly string[], env: Readonly<Record<string, string>> | undefined): CommandResult {
    const ok = (stdout: string): CommandResult => ({ code: 0, stdout, stderr: "" });
    switch (command) {
      case "sbatch": {
        if (this.sbatchError !== null) return { code: 1, stdout: "", stderr: `sbatch: error: ${this.sbatchError}\n` };
        const id = String(this.next++);
        const life = this.lives.shift() ?? { states: ["COMPLETED"] };
        this.jobs.set(id, { id, args, env, looks: 0, written: 0, cancelled: false, life });
        return ok(`${id}\n`);
      }
      case "squeue": {
        if (this.squeueDown) return { code: 1, stdout: "", stderr: "squeue: error: Unable to contact slurm controller (connect failure)\n" };
        const ids = (args.find((a) => a.startsWith("--jobs="))?.slice(7) ?? "").split(",");
        const rows = ids.flatMap((id) => {
          const job = this.jobs.get(id);
          if (job === undefined) return [];
          const state = this.stateOf(job);
          job.looks++;
          if (state === "GONE") return [];
          if (state === "RUNNING") this.write(job);
          return [`${id}|${state}`];
        });
        if (rows.length === 0) return { code: 1, stdout: "", stderr: "slurm_load_jobs error: Invalid job id specified\n" };
        return ok(rows.map((r) => `${r}\n`).join(""));
      }
      case "scontrol": {
        const job = this.jobs.get(args[args.length - 1] ?? "");
        if (job === undefined || job.life.scontrolKeeps === false) return { code: 1, stdout: "", stderr: "slurm_load_jobs error: Invalid job id specified\n" };
        const state = this.stateOf(job);
        return ok(`JobId=${job.id} JobName=x JobState=${state} Reason=None ExitCode=${job.life.exitCode ?? "0:0"} StartTime=2026-01-01T00:00:00\n`);
      }
      case "sacct": {
        const job = this.jobs.get((args.find((a) => a.startsWith("--jobs="))?.slice(7) ?? "").trim());
        if (job?.life.sacct === undefined) return { code: 1, stdout: "", stderr: "Slurm accounting storage is disabled\n" };
        return ok(`${job.life.sacct}\n`);
      }
      case "scancel": {
        const job = this.jobs.get(args[0] ?? "");
        if (job !== undefined) job.cancelled = true;
        return ok("");
      }
      default: {
        const never: never = command;
        throw new Error(`unknown command ${String(never)}`);
      }
    }
  }

  private stateOf(job: FakeJob): string {
    if (job.cancelled) return "CANCELLED";
    return job.life.states[Math.min(job.looks, job.life.states.length - 1)] ?? "COMPLETED";
  }

  /** The job's next line into its --output file (`%j` replaced), as the real job would write it. */
  private write(job: FakeJob): void {
    const line = job.life.lines?.[job.written++];
    const output = job.args
      .find((a) => a.startsWith("--output="))
      ?.slice(9)
      .replace("%j", job.id);
    if (line === undefined || output === undefined) return;
    mkdirSync(dirname(output), { recursive: true });
    appendFileSync(output, `${line}\n`);
  }

  count(command: SlurmCommand): number {
    return this.calls.filter((c) => c.command === command).length;
  }
}
