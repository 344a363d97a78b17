// Pure renderer for `pipe exp show`: one row per experiment, params and metrics as columns
// (plain aligned, markdown, JSON). Columns are named by key, or `file:key` where keys collide.
import type { ExperimentRecord, FileValues } from "../exp/index.js";
import { formatValue, renderMarkdownTable, renderPlainTable } from "./metrics-table.js";
import type { TableFormat } from "./metrics-table.js";
import { byteOrder } from "../common/order.js";

export interface ExpShowOptions {
  readonly format: TableFormat;
  readonly precision?: number;
  /** Only the param/metric columns whose header (`key` or `file:key`) matches. */
  readonly keep?: RegExp;
  /** Drop the param/metric columns whose value is the same in every row. */
  readonly onlyChanged?: boolean;
}

function selectColumns(cols: Column[], source: (r: ExperimentRecord) => FileValues, records: readonly ExperimentRecord[], opts: ExpShowOptions): Column[] {
  return cols.filter((c) => {
    if (opts.keep && !opts.keep.test(c.header) && !opts.keep.test(`${c.file}:${c.key}`)) return false;
    if (!opts.onlyChanged || records.length < 2) return true;
    const seen = new Set(records.map((r) => JSON.stringify(source(r)[c.file]?.[c.key] ?? null)));
    return seen.size > 1;
  });
}

interface Column {
  readonly header: string;
  readonly file: string;
  readonly key: string;
}

/** Sorted columns for every file/key present in any record; bare key when unambiguous. */
export function columnsOf(values: readonly FileValues[]): Column[] {
  const pairs = new Map<string, { file: string; key: string }>();
  for (const v of values) {
    for (const [file, kv] of Object.entries(v)) for (const key of Object.keys(kv)) pairs.set(`${file}\0${key}`, { file, key });
  }
  const list = [...pairs.values()].sort((a, b) => cmp(a.file, b.file) || cmp(a.key, b.key));
  const count = new Map<string, number>();
  for (const p of list) count.set(p.key, (count.get(p.key) ?? 0) + 1);
  return list.map((p) => ({ ...p, header: (count.get(p.key) ?? 0) > 1 ? `${p.file}:${p.key}` : p.key }));
}

export function renderExpShow(records: readonly ExperimentRecord[], opts: ExpShowOptions): string {
  if (opts.format === "json") {
    const data = records.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: r.createdAt,
      status: r.status,
      git: r.git,
      params: r.params,
      metrics: r.metrics,
      deps: r.deps,
      durations: r.durations,
    }));
    return JSON.stringify(data, null, 2) + "\n";
  }
  const paramCols = selectColumns(columnsOf(records.map((r) => r.params)), (r) => r.params, records, opts);
  const metricCols = selectColumns(columnsOf(records.map((r) => r.metrics)), (r) => r.metrics, records, opts);
  const rows: string[][] = [["Experiment", "Created", "Commit", "Status", ...metricCols.map((c) => c.header), ...paramCols.map((c) => c.header)]];
  for (const r of records) {
    rows.push([
      r.name,
      r.createdAt.replace("T", " ").slice(0, 19),
      r.git === null ? "-" : `${r.git.commit?.slice(0, 7) ?? "-"}${r.git.dirty ? "*" : ""}`,
      r.status,
      ...metricCols.map((c) => formatValue(r.metrics[c.file]?.[c.key], opts.precision)),
      ...paramCols.map((c) => formatValue(r.params[c.file]?.[c.key])),
    ]);
  }
  return opts.format === "md" ? renderMarkdownTable(rows) : renderPlainTable(rows);
}

/**
 * Orders records by one metric or param (`test.f1` or `metrics/eval.json:test.f1`); records
 * without a value go last. Stable: ties keep their order (oldest first).
 */
export function sortExperiments(records: readonly ExperimentRecord[], by: string, order: "asc" | "desc" = "asc"): ExperimentRecord[] | undefined {
  const colon = by.lastIndexOf(":");
  const file = colon > 0 ? by.slice(0, colon) : undefined;
  const key = colon > 0 ? by.slice(colon + 1) : by;
  const valueOf = (r: ExperimentRecord): unknown => {
    for (const source of [r.metrics, r.params]) {
      for (const [f, kv] of Object.entries(source)) if ((file === undefined || f === file) && Object.hasOwn(kv, key)) return kv[key];
    }
    return undefined;
  };
  if (!records.some((r) => valueOf(r) !== undefined)) return undefined;
  const sign = order === "asc" ? 1 : -1;
  return records
    .map((r, i) => ({ r, i, v: valueOf(r) }))
    .sort((a, b) => {
      if (a.v === undefined || b.v === undefined) return a.v === undefined ? (b.v === undefined ? a.i - b.i : 1) : -1;
      const c = typeof a.v === "number" && typeof b.v === "number" ? a.v - b.v : cmp(String(a.v), String(b.v));
      return c !== 0 ? sign * c : a.i - b.i;
    })
    .map((x) => x.r);
}

const cmp = byteOrder;
