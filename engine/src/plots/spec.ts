// From rows and DVC plot options to a plot description the SVG renderer draws: x/y series for the
// linear, scatter and bar templates (one series per revision and y field), count matrices for confusion.
import type { PlotOptions } from "../config/types.js";
import type { Result } from "../diagnostics/types.js";
import { err, ok } from "../diagnostics/types.js";
import type { Row } from "./data.js";
import { byteOrder } from "../common/order.js";

export type XyTemplate = "linear" | "scatter" | "bar";

export interface Series {
  readonly label: string;
  readonly points: readonly { readonly x: number | string; readonly y: number }[];
}

export interface Matrix {
  readonly label: string;
  /** Classes along the horizontal axis (the `x` field) and the vertical axis (the `y` field). */
  readonly xClasses: readonly string[];
  readonly yClasses: readonly string[];
  /** counts[yIndex][xIndex]; normalized templates hold row fractions instead. */
  readonly counts: readonly (readonly number[])[];
}

interface Common {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
}

export type PlotSpec =
  | (Common & { readonly kind: "xy"; readonly template: XyTemplate; readonly series: readonly Series[] })
  | (Common & { readonly kind: "confusion"; readonly normalized: boolean; readonly matrices: readonly Matrix[] });

/** One revision's rows of a plot file. */
export interface Dataset {
  readonly label: string;
  readonly rows: readonly Row[];
}

/** DVC template names mapped to what this renderer draws. */
export function templateOf(name: string | undefined): Result<XyTemplate | "confusion" | "confusion_normalized", string> {
  switch (name ?? "linear") {
    case "linear":
    case "simple":
    case "smooth":
      return ok("linear");
    case "scatter":
    case "scatter_jitter":
      return ok("scatter");
    case "bar":
    case "bar_horizontal":
    case "bar_horizontal_sorted":
      return ok("bar");
    case "confusion":
      return ok("confusion");
    case "confusion_normalized":
      return ok("confusion_normalized");
    default:
      return err(`unknown plot template "${name ?? ""}" (expected linear, scatter, bar or confusion)`);
  }
}

/** Builds the plot of `path` from one dataset per revision; a one-line error when fields are missing. */
export function buildPlot(path: string, options: PlotOptions, datasets: readonly Dataset[]): Result<PlotSpec, string> {
  const template = templateOf(options.template);
  if (!template.ok) return err(`${path}: ${template.error}`);
  const first = datasets.find((d) => d.rows.length > 0)?.rows[0];
  const fields = first === undefined ? [] : Object.keys(first);
  const confusion = template.value === "confusion" || template.value === "confusion_normalized";
  const x = options.x ?? (confusion ? (fields[0] ?? "actual") : "step");
  const ys = options.y === undefined ? defaultY(fields, x, confusion) : typeof options.y === "string" ? [options.y] : [...options.y];
  const title = options.title ?? path;
  const xLabel = options.x_label ?? x;
  const yLabel = options.y_label ?? (ys.length === 1 ? (ys[0] ?? "") : "value");
  if (confusion) {
    const y = ys[0];
    if (y === undefined) return err(`${path}: a confusion plot needs x (actual) and y (predicted) fields`);
    const missing = missingField(datasets, [x, y]);
    if (missing !== undefined) return err(`${path}: field "${missing}" not found in the data`);
    return ok({
      kind: "confusion",
      title,
      xLabel,
      yLabel,
      normalized: template.value === "confusion_normalized",
      matrices: datasets.map((d) => confusionMatrix(d, x, y, template.value === "confusion_normalized")),
    });
  }
  const missing = missingField(datasets, x === "step" ? ys : [x, ...ys]);
  if (missing !== undefined) return err(`${path}: field "${missing}" not found in the data`);
  const series: Series[] = [];
  for (const d of datasets) {
    for (const y of ys) {
      const label = datasets.length > 1 ? (ys.length > 1 ? `${d.label}: ${y}` : d.label) : y;
      const points = d.rows.flatMap((r, i) => {
        const yv = r[y];
        const xv = x === "step" && r[x] === undefined ? i : r[x];
        return typeof yv === "number" && xv !== undefined ? [{ x: xv, y: yv }] : [];
      });
      series.push({ label, points });
    }
  }
  const xy = template.value === "scatter" || template.value === "bar" ? template.value : "linear";
  return ok({ kind: "xy", template: xy, title, xLabel, yLabel, series });
}

function defaultY(fields: readonly string[], x: string, confusion: boolean): string[] {
  const rest = fields.filter((f) => f !== x);
  const pick = confusion ? rest[0] : rest[rest.length - 1];
  return pick === undefined ? [] : [pick];
}

function missingField(datasets: readonly Dataset[], fields: readonly string[]): string | undefined {
  const withRows = datasets.filter((d) => d.rows.length > 0);
  if (withRows.length === 0) return undefined;
  return fields.find((f) => !withRows.some((d) => d.rows.some((r) => r[f] !== undefined)));
}

function confusionMatrix(d: Dataset, x: string, y: string, normalized: boolean): Matrix {
  // One class list on both axes (a class never predicted still gets its row): a square matrix.
  const xs = classes(d.rows.flatMap((r) => [String(r[x] ?? ""), String(r[y] ?? "")]));
  const ys = xs;
  const counts = ys.map(() => xs.map(() => 0));
  for (const r of d.rows) {
    const row = counts[ys.indexOf(String(r[y] ?? ""))];
    const xi = xs.indexOf(String(r[x] ?? ""));
    if (row !== undefined && xi >= 0) row[xi] = (row[xi] ?? 0) + 1;
  }
  if (normalized) {
    // fractions of each actual class (column), so every column sums to 1
    for (let xi = 0; xi < xs.length; xi++) {
      const total = counts.reduce((n, row) => n + (row[xi] ?? 0), 0);
      if (total > 0) for (const row of counts) row[xi] = (row[xi] ?? 0) / total;
    }
  }
  return { label: d.label, xClasses: xs, yClasses: ys, counts };
}

/** Distinct class names, numeric ones in numeric order. */
function classes(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => {
    const na = Number(a);
    const nb = Number(b);
    if (a !== "" && b !== "" && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
    return byteOrder(a, b);
  });
}
