// What a CLI command may touch: its streams, the working directory and the environment.
// Commands get this instead of reaching for `process`, so tests run them in memory.

export interface CliIO {
  /** Results (tables, JSON, DAG) go here. */
  readonly stdout: (text: string) => void;
  /** Progress and diagnostics go here. */
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** True when stderr is an interactive terminal (live progress view). */
  readonly isTTY: boolean;
}

/** A subcommand: parse its own argv, call the engine, render; returns the exit code. */
export type Command = (argv: readonly string[], io: CliIO) => Promise<number>;

/** Exit codes, every one of them, mapped in one place. */
export const ExitCode = {
  ok: 0,
  /** A stage failed, another repro holds the project, or a command could not do its work. */
  stageFailed: 1,
  usage: 2,
  badPipeline: 2,
  internal: 3,
  /** Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as a shell reports it). */
  interrupted: 130,
} as const;

/** An expected, user-facing failure: printed as one line, no stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.usage,
  ) {
    super(message);
    this.name = "UserError";
  }
}
