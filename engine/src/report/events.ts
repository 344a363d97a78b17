// The typed events the executor emits while it runs a plan; reporters render them
// (plain lines, a live TTY view, or JSON lines). Nothing in the engine prints directly.
import type { StageName } from "../config/types.js";
import type { StaleReason } from "../status/index.js";

export type StageOutcome = "ran" | "restored" | "fresh" | "frozen" | "failed" | "skipped";

export type RunEvent =
  | { readonly type: "plan"; readonly stages: readonly StageName[]; readonly jobs: number }
  | { readonly type: "stage-start"; readonly stage: StageName; readonly reason: StaleReason | "forced" }
  | { readonly type: "stage-output"; readonly stage: StageName; readonly stream: "stdout" | "stderr"; readonly line: string }
  | {
      readonly type: "stage-done";
      readonly stage: StageName;
      readonly outcome: StageOutcome;
      readonly durationMs: number;
      /** Why it failed or was skipped. */
      readonly message?: string;
    }
  | { readonly type: "warning"; readonly message: string }
  | {
      readonly type: "summary";
      readonly counts: Readonly<Record<StageOutcome, number>>;
      readonly durationMs: number;
      readonly interrupted: boolean;
    };

export type Emit = (event: RunEvent) => void;
