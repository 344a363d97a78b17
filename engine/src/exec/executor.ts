// How one stage's commands are run, chosen per run and injected into the executor's context: the
// local spawner today; a Slurm job, or a remote host, is another implementation of StageExecutor.
import type { Stage } from "../config/types.js";
import type { StageFailure } from "../events/index.js";
import type { Spawner } from "./spawn.js";

/** The executors `pipe repro --executor` and `.pipe/config`'s `executor` name. */
export type ExecutorName = "local" | "slurm";
export const EXECUTOR_NAMES: readonly ExecutorName[] = ["local", "slurm"];

/** One stage to run: its commands, where, with which environment. */
export interface StageJob {
  readonly stage: Stage;
  /** Absolute working directory (the project root joined with the stage's wdir). */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Aborted on Ctrl-C: stop the stage's processes and resolve `interrupted`. */
  readonly signal: AbortSignal;
  /** Each line the stage prints, as it prints it. */
  readonly onLine: (stream: "stdout" | "stderr", line: string) => void;
}

export interface StageExecutor {
  /** Shown in messages and recorded nowhere: `local`, `slurm`. */
  readonly name: string;
  /** Runs the stage's commands in order; null when all succeeded. */
  run(job: StageJob): Promise<StageFailure | null>;
}

/** Runs each command through `spawn` on this machine, stopping at the first that fails. */
export function localExecutor(spawn: Spawner): StageExecutor {
  return {
    name: "local",
    async run(job) {
      for (const command of job.stage.cmd) {
        const result = await spawn({ command, cwd: job.cwd, env: job.env, signal: job.signal, onLine: job.onLine });
        if (job.signal.aborted) return { kind: "interrupted" };
        if (result.error !== undefined) return { kind: "spawn-error", command, error: result.error };
        if (result.signal !== undefined) return { kind: "signal", command, signal: result.signal };
        if (result.exitCode !== 0) return { kind: "exit-code", command, code: result.exitCode ?? -1 };
      }
      return null;
    },
  };
}
