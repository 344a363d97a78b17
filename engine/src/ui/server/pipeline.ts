// GET /api/pipeline: every stage with its state and reasons, decided as `pipe status` decides them
// (status/: observe, recall, decideStage), its cmd, deps and outs with the lock's digests, params,
// last duration and last log; the edges; and the run in progress, whose events mark stages running
// or failed (a failure from the last run shows while the stage is still not fresh).
import type { LockedItem, PipelineResponse, Scalar, StageState, StageView } from "../api.js";
import type { Stage } from "../../config/types.js";
import type { LockEntry } from "../../lock/types.js";
import { readLastLog } from "../../report/stage-last-log.js";
import type { Project, Stores } from "../../session/index.js";
import { activeRun, latestRun, readFeed } from "../../session/live-read.js";
import { describeReason, stageFingerprint } from "../../status/index.js";
import { stageStatuses } from "../../session/stage-status.js";
import { liveStates, type LiveState } from "./live-state.js";
import { columnKey, toScalar } from "./values.js";

export async function pipelineView(project: Project, stores: Stores): Promise<PipelineResponse> {
  const root = project.root;
  const active = activeRun(root);
  const followed = active ?? latestRun(root);
  const live = followed === null ? new Map<string, LiveState>() : liveStates(readFeed(root, followed));
  const stages: StageView[] = [];
  for (const { stage, obs, decision: d } of await stageStatuses(project, stores)) {
    const name = stage.name;
    const entry = stores.lock.stages[name];
    const log = readLastLog(root, name);
    let state: StageState;
    let reasons: string[] = [];
    let duration: number | null = log?.header?.durationMs ?? null;
    if (d.kind === "frozen") state = "frozen";
    else if (d.kind === "fresh") state = "fresh";
    else {
      reasons = d.reasons.map(describeReason);
      state = d.reasons.some((r) => r.kind === "never-run") ? "never-run" : "stale";
    }
    if (duration === null && d.kind === "fresh" && obs !== null) {
      const fp = stageFingerprint(stage, obs.deps);
      if (fp !== null) duration = (await stores.cache.getRun(fp))?.durationMs ?? null;
    }
    const now = live.get(name);
    if (now === "running" && active !== null) state = "running";
    else if (now === "failed" && state !== "fresh" && state !== "frozen") state = "failed";
    stages.push({
      name,
      file: stage.loc.file,
      state,
      reasons,
      cmd: stage.cmd,
      deps: stage.deps.map((d) => locked(d.path, entry?.deps)),
      outs: stage.outs.map((o) => locked(o.path, entry?.outs)),
      params: paramsOf(stage, entry),
      lastDurationMs: duration,
      hasLog: log !== null,
      ...(log?.header ? { lastRun: { runId: log.header.runId, startedAt: log.header.startedAt, outcome: log.header.outcome } } : {}),
    });
  }
  const seen = new Set<string>();
  const edges: { from: string; to: string }[] = [];
  for (const e of project.graph.edges) {
    const key = `${e.from}\0${e.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ from: e.from, to: e.to });
  }
  return { stages, edges, activeRun: active };
}

function locked(path: string, items: readonly { readonly path: string; readonly hash: string }[] | undefined): LockedItem {
  return { path, digest: items?.find((i) => i.path === path)?.hash ?? null };
}

/** Declared keys with the values the lock recorded (the current value where the lock has none). */
function paramsOf(stage: Stage, entry: LockEntry | undefined): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [file, keys] of Object.entries(stage.paramValues)) {
    const recorded = entry?.params[file];
    for (const [key, value] of Object.entries(keys)) out[columnKey(file, key)] = toScalar(recorded !== undefined && key in recorded ? recorded[key] : value);
  }
  return out;
}
