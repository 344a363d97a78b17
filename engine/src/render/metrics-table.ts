// Pure renderers for `metrics show`, `metrics diff` and `params diff`: aligned plain text, GitHub
// markdown and JSON, from the data of metrics/diff.ts. Deterministic: inputs are already sorted.
import type { MetricsDiff, Snapshot } from "../metrics/index.js";

export type TableFormat = "plain" | "md" | "json";

/** Cells of a table, header first. */
export type Rows = readonly (readonly string[])[];

/** Columns padded to their widest cell, two spaces apart, trailing blanks trimmed. */
export function renderPlainTable(rows: Rows): string {
  if (rows.length === 0) return "";
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return (
    rows
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

/** A GitHub-flavoured markdown table (`|` in cells escaped). */
export function renderMarkdownTable(rows: Rows): string {
  const [header, ...body] = rows;
  if (header === undefined) return "";
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c) => c.replaceAll("\\", "\\\\").replaceAll("|", "\\|").replaceAll("\n", " ")).join(" | ")} |`;
  return [line(header), `|${header.map(() => "---").join("|")}|`, ...body.map(line)].join("\n") + "\n";
}

/** One value as shown in a table: numbers rounded to `precision` decimals, missing as `-`. */
export function formatValue(v: unknown, precision?: number): string {
  if (v === undefined) return "-";
  if (typeof v === "number") {
    if (precision === undefined || Number.isInteger(v) || !Number.isFinite(v)) return String(v);
    return String(Number(v.toFixed(precision)));
  }
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

/** Missing values become `null` in JSON output. */
const jsonValue = (v: unknown): unknown => (v === undefined ? null : v);

export interface DiffRenderOptions {
  readonly format: TableFormat;
  /** Column header of the key column: `Metric` or `Param`. */
  readonly keyHeader: string;
  readonly oldLabel: string;
  readonly newLabel: string;
  readonly precision?: number;
}

/** `metrics diff` / `params diff`: Path, Metric, A, B, Change. */
export function renderDiff(diff: MetricsDiff, opts: DiffRenderOptions): string {
  if (opts.format === "json") {
    const out: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const [path, keys] of Object.entries(diff)) {
      const file: Record<string, Record<string, unknown>> = {};
      for (const [key, e] of Object.entries(keys)) {
        file[key] = e.diff === undefined ? { old: jsonValue(e.old), new: jsonValue(e.new) } : { old: e.old, new: e.new, diff: e.diff };
      }
      out[path] = file;
    }
    return JSON.stringify(out, null, 2) + "\n";
  }
  const rows: string[][] = [["Path", opts.keyHeader, opts.oldLabel, opts.newLabel, "Change"]];
  for (const [path, keys] of Object.entries(diff)) {
    for (const [key, e] of Object.entries(keys)) {
      rows.push([
        path,
        key,
        formatValue(e.old, opts.precision),
        formatValue(e.new, opts.precision),
        e.diff === undefined ? "-" : formatValue(e.diff, opts.precision),
      ]);
    }
  }
  if (opts.format === "md") return renderMarkdownTable(rows);
  return rows.length === 1 ? "" : renderPlainTable(rows);
}

/** One revision's metrics for `metrics show`. */
export interface ShownRevision {
  readonly label: string;
  readonly snapshot: Snapshot;
}

export interface ShowRenderOptions {
  readonly format: TableFormat;
  readonly precision?: number;
  /** Adds a Revision column (plain/md) and keys JSON by revision (`--all-commits`). */
  readonly byRevision: boolean;
}

/** `metrics show`: Path, Metric, Value (with Revision first under `--all-commits`). */
export function renderShow(revs: readonly ShownRevision[], opts: ShowRenderOptions): string {
  if (opts.format === "json") {
    const one = (s: Snapshot): unknown => s.files;
    const data = opts.byRevision ? Object.fromEntries(revs.map((r) => [r.label, one(r.snapshot)])) : one(revs[0]?.snapshot ?? { files: {}, errors: {} });
    return JSON.stringify(data, null, 2) + "\n";
  }
  const header = opts.byRevision ? ["Revision", "Path", "Metric", "Value"] : ["Path", "Metric", "Value"];
  const rows: string[][] = [header];
  for (const r of revs) {
    for (const [path, keys] of Object.entries(r.snapshot.files)) {
      for (const [key, v] of Object.entries(keys)) {
        const cells = [path, key, formatValue(v, opts.precision)];
        rows.push(opts.byRevision ? [r.label, ...cells] : cells);
      }
    }
  }
  if (opts.format === "md") return renderMarkdownTable(rows);
  return rows.length === 1 ? "" : renderPlainTable(rows);
}
