// The typed events of a run: what the executor emits while it walks a plan, and what every sink
// receives (terminal, `--json`, a UI stream, per-stage log files). Outcomes, failures and skips
// are data here; sentences are made only by the reporters (report/describe.ts).
import type { StageName } from "../config/types.js";
import type { StaleReason } from "../status/reasons.js";

export type StageOutcome = "ran" | "restored" | "fresh" | "frozen" | "failed" | "skipped";

/** Why a stage failed. `command` is the shell command of the stage's `cmd` that failed. */
export type StageFailure =
  | { readonly kind: "exit-code"; readonly command: string; readonly code: number }
  | { readonly kind: "signal"; readonly command: string; readonly signal: string }
  | { readonly kind: "spawn-error"; readonly command: string; readonly error: string }
  | { readonly kind: "missing-output"; readonly path: string }
  | { readonly kind: "missing-dep"; readonly path: string }
  /** A dep or out (or a symlink inside one) that really lies outside the project. */
  | { readonly kind: "outside-project"; readonly path: string; readonly target: string }
  /** A stage run as a Slurm job that did not end COMPLETED: its job id, end state, exit code and log's last lines. */
  | {
      readonly kind: "slurm-job";
      readonly jobId: string;
      /** Slurm's end state: FAILED, TIMEOUT, OUT_OF_MEMORY, CANCELLED, NODE_FAIL, ... (UNKNOWN when Slurm forgot the job). */
      readonly state: string;
      /** The batch script's exit code, and the signal that ended it (0: none); null when Slurm did not say. */
      readonly exitCode: number | null;
      readonly signal: number | null;
      /** The job's output file, relative to the project root. */
      readonly log: string;
      readonly tail: readonly string[];
    }
  /** `sbatch` refused the stage's job (a bad partition, account, resource request...) or could not be run. */
  | { readonly kind: "slurm-submit"; readonly error: string }
  | { readonly kind: "interrupted" }
  | { readonly kind: "internal"; readonly message: string };

/** Why a stage was not attempted. */
export type SkipReason =
  | { readonly kind: "upstream-failed"; readonly stage: StageName }
  | { readonly kind: "upstream-skipped"; readonly stage: StageName }
  | { readonly kind: "run-stopped" };

/** How a stage's turn ended; `failed` and `skipped` carry why. */
export type StageResult =
  | { readonly outcome: "ran" | "fresh" | "frozen" }
  /** `from`: where the run-cache entry came from when not the local cache (`remote 'team'`, repro --pull). */
  | { readonly outcome: "restored"; readonly from?: string }
  | { readonly outcome: "failed"; readonly failure: StageFailure }
  | { readonly outcome: "skipped"; readonly skip: SkipReason };

/** An event as the executor emits it; sinks receive it with the run's id (RunEvent). */
export type RunEventBody =
  | { readonly type: "plan"; readonly stages: readonly StageName[]; readonly jobs: number }
  | { readonly type: "stage-start"; readonly stage: StageName; readonly reason: StaleReason | "forced" }
  /** A stage handed to a batch system (`--executor slurm`): its job id, the resources asked, its log. */
  | {
      readonly type: "stage-job";
      readonly stage: StageName;
      readonly executor: string;
      readonly jobId: string;
      readonly resources: string;
      readonly log: string;
    }
  | { readonly type: "stage-output"; readonly stage: StageName; readonly stream: "stdout" | "stderr"; readonly line: string }
  | ({ readonly type: "stage-done"; readonly stage: StageName; readonly durationMs: number } & StageResult)
  | { readonly type: "warning"; readonly message: string }
  | {
      readonly type: "summary";
      readonly counts: Readonly<Record<StageOutcome, number>>;
      readonly durationMs: number;
      readonly interrupted: boolean;
    };

/** Every event a sink sees names its run, so one stream can carry several runs (the UI, parallel experiments). */
export type RunEvent = RunEventBody & { readonly runId: string };

/** Where the executor emits. */
export type Emit = (event: RunEventBody) => void;

/** A consumer of a run's events. */
export type EventSink = (event: RunEvent) => void;
