// The run-cache lookup a decision asks for (status/decision.ts `consult`): the entry for a
// fingerprint, and whether it can stand in for running the stage. Shared by the run and `--dry`.
import type { Stage } from "../config/types.js";
import type { RunOut } from "../cache/index.js";
import type { HashInfo } from "../hashing/index.js";
import { decideStage, sameOuts, type Decision, type DecisionInput, type RunCacheLookup } from "../status/index.js";
import type { CacheApi } from "./context.js";

/** A run-cache out is a path plus its HashInfo. */
export const infoOf = (o: RunOut): HashInfo => ({ digest: o.digest, size: o.size, isDir: o.isDir, ...(o.nfiles !== undefined ? { nfiles: o.nfiles } : {}) });

/** The stage's decision, with the run-cache lookup done when the decision asks for one. */
export async function decideWithRunCache(input: DecisionInput, cache: Pick<CacheApi, "getRun" | "has">): Promise<Decision> {
  const d = decideStage(input);
  return d.kind === "run" && d.consult !== null ? decideStage(input, await lookupRun(cache, input.stage, d.consult)) : d;
}

export async function lookupRun(cache: Pick<CacheApi, "getRun" | "has">, stage: Stage, fp: string): Promise<RunCacheLookup> {
  const entry = await cache.getRun(fp);
  if (entry === null) return { kind: "miss" };
  if (!sameOuts(stage, entry)) return { kind: "unusable", why: "it records other outs than the stage declares" };
  for (const o of entry.outs) {
    if (!(await cache.has(infoOf(o)))) return { kind: "unusable", why: `the object of ${o.path} is not in the cache` };
  }
  return { kind: "hit", entry };
}
