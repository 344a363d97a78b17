// Pure staleness and identity of a stage: `decide` compares what is in the workspace now with what
// pipeline.lock recorded; `stageFingerprint` is the run-cache key (STYLE practice 10).
import type { Stage } from "../config/types.js";
import type { Fingerprint, HashInfo } from "../hashing/index.js";
import { canonicalJson, fingerprint } from "../hashing/index.js";
import type { Observation } from "./observe.js";
import type { StaleReason } from "./reasons.js";
import { byteOrder } from "../common/order.js";

/** The part of a pipeline.lock entry that staleness is judged against. */
export interface RecordedStage {
  readonly cmd: string | readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly deps?: readonly { readonly path: string; readonly hash: string }[];
  readonly params?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly outs?: readonly { readonly path: string; readonly hash: string }[];
}

export const cmdText = (stage: Stage): string | readonly string[] => (stage.cmd.length === 1 ? (stage.cmd[0] as string) : stage.cmd);

const sameCmd = (a: string | readonly string[], b: string | readonly string[]): boolean =>
  canonicalJson(typeof a === "string" ? [a] : a) === canonicalJson(typeof b === "string" ? [b] : b);

/** Every reason the stage is stale; empty when it is fresh. */
export function decide(stage: Stage, obs: Observation, recorded: RecordedStage | undefined): StaleReason[] {
  const reasons: StaleReason[] = [];
  for (const [path, info] of obs.deps) if (info === null) reasons.push({ kind: "dep-missing", path });
  if (!recorded) return [{ kind: "never-run" }, ...reasons];
  if (stage.alwaysChanged) reasons.push({ kind: "always-changed" });
  if (!sameCmd(cmdText(stage), recorded.cmd)) reasons.push({ kind: "cmd-changed" });
  if (canonicalJson(stage.env) !== canonicalJson(recorded.env ?? {})) reasons.push({ kind: "env-changed" });

  const recordedDeps = new Map((recorded.deps ?? []).map((d) => [d.path, d.hash] as const));
  for (const [path, info] of obs.deps) {
    if (info !== null && recordedDeps.get(path) !== info.digest) reasons.push({ kind: "dep-modified", path });
  }
  for (const path of recordedDeps.keys()) {
    if (!obs.deps.has(path)) reasons.push({ kind: "dep-modified", path });
  }

  for (const [file, values] of Object.entries(stage.paramValues)) {
    const before = recorded.params?.[file] ?? {};
    for (const [key, value] of Object.entries(values)) {
      if (!(key in before) || canonicalJson(before[key]) !== canonicalJson(value)) {
        reasons.push({ kind: "param-changed", path: file, key });
      }
    }
  }

  const recordedOuts = new Map((recorded.outs ?? []).map((o) => [o.path, o.hash] as const));
  for (const [path, info] of obs.outs) {
    if (info === null) reasons.push({ kind: "out-missing", path });
    else if (recordedOuts.get(path) !== info.digest) reasons.push({ kind: "out-modified", path });
  }
  return reasons;
}

/**
 * The run-cache key: cmd, env, each dep's digest (sorted by path), the declared params values,
 * and the declared outs with their options. Null when a dep is missing (such a stage cannot run).
 */
export function stageFingerprint(stage: Stage, deps: ReadonlyMap<string, HashInfo | null>): Fingerprint | null {
  const depList: [string, string][] = [];
  for (const [path, info] of deps) {
    if (info === null) return null;
    depList.push([path, info.digest]);
  }
  depList.sort((a, b) => byteOrder(a[0], b[0]));
  return fingerprint({
    v: 1,
    cmd: stage.cmd,
    wdir: stage.wdir,
    env: stage.env,
    deps: depList,
    params: stage.paramValues,
    outs: stage.outs.map((o) => [o.path, o.kind, o.cache, o.persist]).sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1)),
  });
}
