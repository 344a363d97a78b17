// GET /api/compare?ids=a,b[,c]: the selected rows' params and metrics side by side, read through
// metrics/ exactly as `pipe params diff` / `metrics diff` read two sides (the same declarations,
// the same snapshots, the same diff); with two rows `diff` is theirs, second minus first.
import type { CompareEntry, CompareResponse } from "../api.js";
import type { Aspect, Snapshot } from "../../metrics/index.js";
import { compareKeys, comparedDeclared, diffValues, sameValue, snapshotOf } from "../../metrics/index.js";
import { snapshotErrors } from "../../metrics/diff.js";
import type { RowSource } from "./rows.js";
import { toScalar } from "./values.js";

export async function compareRows(rows: readonly RowSource[]): Promise<CompareResponse & { warnings: string[] }> {
  const declared = comparedDeclared(rows.map((r) => r.side));
  const read = (aspect: Aspect): Promise<Snapshot[]> => Promise.all(rows.map((r) => snapshotOf(r.side, aspect, declared)));
  const [params, metrics] = await Promise.all([read("params"), read("metrics")]);
  const warnings = snapshotErrors(rows.map((r, i) => ({ label: r.label, snapshot: merged(params[i], metrics[i]) })));
  return {
    ids: rows.map((r) => r.id),
    labels: rows.map((r) => r.label),
    params: entries(params),
    metrics: entries(metrics),
    warnings,
  };
}

/** Every file and key any side has, sorted as the CLI sorts them; a value per side. */
export function entries(snapshots: readonly Snapshot[]): CompareEntry[] {
  const files = [...new Set(snapshots.flatMap((s) => Object.keys(s.files)))].sort(compareKeys);
  const out: CompareEntry[] = [];
  for (const file of files) {
    const keys = [...new Set(snapshots.flatMap((s) => Object.keys(s.files[file] ?? {})))].sort(compareKeys);
    for (const key of keys) {
      const raw = snapshots.map((s) => s.files[file]?.[key]);
      const first = raw[0];
      const changed = raw.some((v) => !sameValue(v, first));
      const pair = raw.length === 2 ? diffValues(raw[0], raw[1]) : null;
      out.push({ file, key, values: raw.map(toScalar), changed, ...(pair?.diff === undefined ? {} : { diff: pair.diff }) });
    }
  }
  return out;
}

function merged(a: Snapshot | undefined, b: Snapshot | undefined): Snapshot {
  return { files: {}, errors: { ...(a?.errors ?? {}), ...(b?.errors ?? {}) } };
}
