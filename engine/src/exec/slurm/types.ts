// The plain data the Slurm executor works with: a stage's resources (resolved from `.pipe/config`
// above this layer) and the one door every Slurm command goes through (injectable for unit tests).

/** What a stage asks of Slurm; every field optional (Slurm's own defaults apply). */
export interface SlurmResources {
  /** `--cpus-per-task`. */
  readonly cpus?: number;
  /** `--mem`, as Slurm reads it: `4G`, `500M`, `2048` (megabytes). */
  readonly mem?: string;
  /** `--gres=gpu:N` (or `gpu:TYPE:N` written `TYPE:N`). */
  readonly gpus?: string;
  /** `--time`: `MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`. */
  readonly time?: string;
  readonly partition?: string;
  readonly account?: string;
  readonly qos?: string;
  /** Further `sbatch` arguments, given as they are. */
  readonly sbatch?: readonly string[];
}

export type SlurmCommand = "sbatch" | "squeue" | "scontrol" | "scancel" | "sacct";

export interface CommandResult {
  /** null when the program could not be started (then `error` says why). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: string;
}

export interface CommandOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

/** Runs one Slurm client command to completion. The real one is runner.ts; tests pass a fake cluster. */
export type SlurmRunner = (command: SlurmCommand, args: readonly string[], opts?: CommandOptions) => Promise<CommandResult>;
