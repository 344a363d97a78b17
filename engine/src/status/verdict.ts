// A stage's verdict when its turn comes, shared by `repro` and `repro --dry`: up to date, or stale
// with its reasons, its run-cache key and whether a run-cache hit may stand in for running it.
// Pure over the observation; frozen stages are settled before anything is observed.
import type { Stage } from "../config/types.js";
import type { Fingerprint } from "../hashing/index.js";
import { decide, stageFingerprint, type RecordedStage } from "./decide.js";
import type { Observation } from "./observe.js";
import type { StaleReason } from "./reasons.js";

export type Verdict =
  | { readonly kind: "fresh" }
  | {
      readonly kind: "stale";
      /** Empty when the stage runs only because it was forced. */
      readonly reasons: readonly StaleReason[];
      readonly forced: boolean;
      /** The run-cache key; null when a dep is missing. */
      readonly fingerprint: Fingerprint | null;
      /** A run-cache hit may be restored instead of running (never when forced or always_changed). */
      readonly mayRestore: boolean;
    };

export function verdict(
  stage: Stage,
  obs: Observation,
  recorded: RecordedStage | undefined,
  opts: { readonly forced: boolean; readonly useRunCache: boolean },
): Verdict {
  const reasons = decide(stage, obs, recorded);
  if (reasons.length === 0 && !opts.forced) return { kind: "fresh" };
  const fingerprint = stageFingerprint(stage, obs.deps);
  const mayRestore = fingerprint !== null && opts.useRunCache && !opts.forced && !stage.alwaysChanged;
  return { kind: "stale", reasons, forced: opts.forced, fingerprint, mayRestore };
}
