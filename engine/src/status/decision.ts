// The one decision of a stage's turn, shared by `repro`, `repro --dry` and `status`: frozen, fresh,
// waiting on upstream changes (dry run only), failing for a missing dep, restored from the run
// cache, or run. Pure: the caller observes the workspace and, when the decision asks for it
// (`consult`), looks the run cache up and decides again with the lookup. So `--dry` can never
// disagree with the run: both ask this function the same question.
import type { Stage, StageName } from "../config/types.js";
import type { RunEntry } from "../cache/runs.js";
import type { Fingerprint } from "../hashing/index.js";
import { decide, stageFingerprint, type RecordedStage } from "./decide.js";
import type { Observation } from "./observe.js";
import type { StaleReason } from "./reasons.js";

/** What the run cache holds for a fingerprint, as the caller found it. */
export type RunCacheLookup =
  /** An entry whose outs are the stage's declared outs, every object present. */
  | { readonly kind: "hit"; readonly entry: RunEntry }
  | { readonly kind: "miss" }
  /** An entry that cannot stand in for a run (other outs declared, objects missing or corrupt). */
  | { readonly kind: "unusable"; readonly why: string };

/**
 * Why a stale stage runs without a restore being possible. `no-deps`, `persist` and
 * `always-changed` stages have no run-cache identity at all, as in DVC (`_can_hash` in
 * dvc/stage/cache.py): their outputs depend on more than their declared inputs.
 */
export type NoRestore = "forced" | "no-run-cache" | "always-changed" | "no-deps" | "persist" | "upstream-pending";

/** Why a stage's results can never be keyed by its inputs, or null when they can. */
export function uncacheable(stage: Stage): "always-changed" | "no-deps" | "persist" | null {
  if (stage.alwaysChanged) return "always-changed";
  if (stage.deps.length === 0) return "no-deps";
  if (stage.outs.some((o) => o.persist)) return "persist";
  return null;
}

export type Decision =
  | { readonly kind: "frozen" }
  | { readonly kind: "fresh" }
  /** Dry run: planned upstream stages will run first, so this stage's fate depends on what they write. */
  | { readonly kind: "pending"; readonly upstream: readonly StageName[]; readonly reasons: readonly StaleReason[] }
  | { readonly kind: "fail"; readonly failure: { readonly kind: "missing-dep"; readonly path: string }; readonly reasons: readonly StaleReason[] }
  | { readonly kind: "restore"; readonly reasons: readonly StaleReason[]; readonly fingerprint: Fingerprint; readonly entry: RunEntry }
  | {
      readonly kind: "run";
      /** Empty when the stage runs only because it was forced. */
      readonly reasons: readonly StaleReason[];
      readonly forced: boolean;
      /** The run-cache key its result is recorded under; null for a stage with no run-cache identity (see uncacheable). */
      readonly record: Fingerprint | null;
      /** A key to look up: a hit would make this a restore. Null once looked up, or when no hit may be restored. */
      readonly consult: Fingerprint | null;
      /** Why no restore: the lookup's result, or a rule that rules it out. */
      readonly noRestore: NoRestore | "miss" | "unusable" | null;
    };

export interface DecisionInput {
  readonly stage: Stage;
  readonly forced: boolean;
  readonly useRunCache: boolean;
  /** The workspace as observed now; null only for a frozen stage that is not forced (not observed). */
  readonly obs: Observation | null;
  readonly recorded: RecordedStage | undefined;
  /** Planned upstream stages predicted to run or restore first (dry run); empty when they already did. */
  readonly pendingUpstream?: readonly StageName[];
}

export function decideStage(input: DecisionInput, lookup?: RunCacheLookup): Decision {
  const { stage, forced } = input;
  if (stage.frozen && !forced) return { kind: "frozen" };
  if (input.obs === null) throw new Error(`decideStage: stage '${stage.name}' was not observed`);
  const reasons = decide(stage, input.obs, input.recorded);
  const pending = input.pendingUpstream ?? [];
  if (reasons.length === 0 && !forced) return pending.length > 0 ? { kind: "pending", upstream: pending, reasons } : { kind: "fresh" };
  const missing = reasons.find((r): r is Extract<StaleReason, { kind: "dep-missing" }> => r.kind === "dep-missing");
  if (missing !== undefined) {
    // An upstream stage that runs first may write it; at run time upstream has run, and it fails.
    if (pending.length > 0) return { kind: "pending", upstream: pending, reasons };
    return { kind: "fail", failure: { kind: "missing-dep", path: missing.path }, reasons };
  }
  const fp = stageFingerprint(stage, input.obs.deps) as Fingerprint;
  const never = uncacheable(stage);
  const record = never === null ? fp : null;
  const rule: NoRestore | null = forced ? "forced" : !input.useRunCache ? "no-run-cache" : (never ?? (pending.length > 0 ? "upstream-pending" : null));
  if (rule !== null) return { kind: "run", reasons, forced, record, consult: null, noRestore: rule };
  if (lookup === undefined) return { kind: "run", reasons, forced, record, consult: fp, noRestore: null };
  if (lookup.kind === "hit") return { kind: "restore", reasons, fingerprint: fp, entry: lookup.entry };
  return { kind: "run", reasons, forced, record, consult: null, noRestore: lookup.kind };
}

/** Whether a run-cache entry can stand in for running `stage`: the same declared outs (objects are the caller's to check). */
export function sameOuts(stage: Stage, entry: RunEntry): boolean {
  const declared = stage.outs.map((o) => o.path as string).sort();
  const cached = entry.outs.map((o) => o.path as string).sort();
  return declared.length === cached.length && declared.every((p, i) => p === cached[i]);
}
