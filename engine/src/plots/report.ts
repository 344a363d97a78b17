// Builds the plots report: every declared plot, its data read on each side (workspace, git
// revisions, experiments), overlaid into one SVG per plot and gathered into one HTML page.
import type { DeclaredPlot, TreeReader } from "../metrics/index.js";
import type { Result } from "../diagnostics/types.js";
import { err, ok } from "../diagnostics/types.js";
import { parsePlotData } from "./data.js";
import type { Dataset } from "./spec.js";
import { buildPlot } from "./spec.js";
import { renderReport } from "./html.js";
import type { ReportSection } from "./html.js";
import { renderSvg } from "./svg.js";

export interface PlotsReport {
  readonly html: string;
  /** One line per plot that could not be drawn (bad data, unknown template, missing field). */
  readonly errors: readonly string[];
  readonly rendered: number;
}

/** A side a plot is read from: the report's revisions, pipe ui's selected rows. */
export interface PlotSide {
  readonly label: string;
  readonly readText: (relPath: string) => Promise<string | undefined>;
}

/**
 * The plot file's rows on each side, labelled by the side; a side without the file is skipped (the
 * list may be empty). The first side whose file does not parse is the error (prefixed by its label
 * when there are several sides).
 */
export async function readPlotDatasets(path: string, sides: readonly PlotSide[]): Promise<Result<Dataset[], string>> {
  const datasets: Dataset[] = [];
  for (const side of sides) {
    const text = await side.readText(path);
    if (text === undefined) continue;
    const rows = parsePlotData(path, text);
    if (!rows.ok) return err(sides.length > 1 ? `${side.label}: ${rows.error}` : rows.error);
    datasets.push({ label: side.label, rows: rows.value });
  }
  return ok(datasets);
}

/** Reads each plot on every side; a file missing on a side is skipped there, not an error. */
export async function buildPlotsReport(plots: readonly DeclaredPlot[], sides: readonly TreeReader[]): Promise<PlotsReport> {
  const sections: ReportSection[] = [];
  const errors: string[] = [];
  for (const plot of plots) {
    const read = await readPlotDatasets(plot.path, sides);
    const datasets = read.ok ? read.value : [];
    let error = read.ok ? undefined : read.error;
    if (error === undefined && datasets.length === 0) error = `${plot.path}: no data (the file does not exist yet)`;
    if (error === undefined) {
      const spec = buildPlot(plot.path, plot.options, datasets);
      if (spec.ok) sections.push({ path: plot.path, svg: renderSvg(spec.value) });
      else error = spec.error;
    }
    if (error !== undefined) {
      errors.push(error);
      sections.push({ path: plot.path, error });
    }
  }
  const labels = sides.map((s) => s.label).join(", ");
  return {
    html: renderReport("pipe plots", sides.length > 1 ? `Compared: ${labels}` : `Revision: ${labels}`, sections),
    errors,
    rendered: sections.filter((s) => s.svg !== undefined).length,
  };
}
