// GET /api/experiments: the workspace, HEAD and the local branches, then every recorded experiment
// (newest first), each with its params and metrics flattened to `file:dotted.key` columns. The
// revisions are read with the declarations `metrics diff REV workspace` would use.
import type { ExperimentsResponse, ExpRow } from "../api.js";
import type { ExperimentRecord } from "../../exp/index.js";
import { defaultPipelineLoader, isGitRepo, listRevisions } from "../../git/index.js";
import type { Declared, Snapshot } from "../../metrics/index.js";
import { compareKeys, comparedDeclared, revisionSide, snapshotOf, WORKSPACE, workspaceSide } from "../../metrics/index.js";
import { snapshotErrors } from "../../metrics/diff.js";
import type { ExperimentCache } from "./exp-cache.js";
import { REV_PREFIX, WORKSPACE_ID } from "./rows.js";
import { flatColumns } from "./values.js";

export function experimentRow(r: ExperimentRecord): ExpRow {
  const durations = Object.values(r.durations ?? {});
  return {
    id: r.id,
    kind: "experiment",
    name: r.name,
    createdAt: r.createdAt,
    commit: r.git?.commit ?? null,
    status: r.status,
    durationMs: durations.length === 0 ? null : durations.reduce((a, b) => a + b, 0),
    params: flatColumns(r.params ?? {}),
    metrics: flatColumns(r.metrics ?? {}),
  };
}

export async function listExperiments(root: string, declared: Declared, experiments: ExperimentCache): Promise<ExperimentsResponse> {
  const warnings: string[] = [];
  const ws = workspaceSide(root, declared);
  const snap = async (side: typeof ws, d: Declared): Promise<{ params: Snapshot; metrics: Snapshot }> => {
    const [params, metrics] = await Promise.all([snapshotOf(side, "params", d), snapshotOf(side, "metrics", d)]);
    warnings.push(...snapshotErrors([{ label: side.label, snapshot: { files: {}, errors: { ...params.errors, ...metrics.errors } } }]));
    return { params, metrics };
  };
  const rows: ExpRow[] = [];
  const w = await snap(ws, declared);
  rows.push({
    id: WORKSPACE_ID,
    kind: "workspace",
    name: WORKSPACE,
    createdAt: null,
    commit: null,
    status: null,
    durationMs: null,
    params: flatColumns(w.params.files),
    metrics: flatColumns(w.metrics.files),
  });
  if (await isGitRepo(root)) {
    for (const ref of await listRevisions(root)) {
      const side = await revisionSide(root, ref.commit, defaultPipelineLoader);
      if (!side.ok) {
        warnings.push(`${ref.name}: ${side.error}`);
        continue;
      }
      const s = await snap({ ...side.value, label: ref.name }, comparedDeclared([side.value, ws]));
      rows.push({
        id: `${REV_PREFIX}${ref.name}`,
        kind: "revision",
        name: ref.name,
        createdAt: ref.time,
        commit: ref.commit,
        status: null,
        durationMs: null,
        params: flatColumns(s.params.files),
        metrics: flatColumns(s.metrics.files),
      });
    }
  }
  const listed = await experiments.list();
  warnings.push(...listed.warnings);
  for (let i = listed.records.length - 1; i >= 0; i--) {
    const r = listed.records[i];
    if (r !== undefined) rows.push(experimentRow(r));
  }
  return { rows, paramColumns: columns(rows, "params"), metricColumns: columns(rows, "metrics"), warnings };
}

function columns(rows: readonly ExpRow[], aspect: "params" | "metrics"): string[] {
  const set = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r[aspect])) set.add(k);
  return [...set].sort(compareKeys);
}
