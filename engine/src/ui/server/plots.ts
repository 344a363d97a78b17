// GET /api/plots?ids=a,b: every declared plot (the workspace's declarations and each selected
// revision's) with the data of each selected row, built by plots/spec.ts as `pipe plots diff`
// builds it: DVC's template, x, y, titles and labels honoured; a plot no row has data for says so.
import type { PlotData, PlotsResponse } from "../api.js";
import type { Declared } from "../../metrics/index.js";
import { mergeDeclared } from "../../metrics/index.js";
import { buildPlot, readPlotDatasets } from "../../plots/index.js";
import type { RowSource } from "./rows.js";

export async function plotRows(workspace: Declared, rows: readonly RowSource[]): Promise<PlotsResponse> {
  const declared = rows.reduce((acc, r) => (r.declared === null ? acc : mergeDeclared(acc, r.declared)), workspace);
  const plots: PlotData[] = [];
  for (const plot of declared.plots) {
    const options = plot.options;
    const base = {
      path: plot.path,
      template: options.template ?? "linear",
      title: options.title ?? plot.path,
      xLabel: options.x_label ?? options.x ?? "",
      yLabel: options.y_label ?? (typeof options.y === "string" ? options.y : ""),
    };
    const read = await readPlotDatasets(
      plot.path,
      rows.map((r) => ({ label: r.label, readText: (path: string) => r.plots.readText(path) })),
    );
    const datasets = read.ok ? read.value : [];
    let error = read.ok ? undefined : read.error;
    if (error === undefined && datasets.length === 0) error = `${plot.path}: no data in the selected rows (the file does not exist there)`;
    if (error !== undefined) {
      plots.push({ ...base, error });
      continue;
    }
    const spec = buildPlot(plot.path, options, datasets);
    if (!spec.ok) {
      plots.push({ ...base, error: spec.error });
      continue;
    }
    const s = spec.value;
    const common = { ...base, title: s.title, xLabel: s.xLabel, yLabel: s.yLabel };
    if (s.kind === "xy") plots.push({ ...common, draw: s.template, series: s.series });
    else plots.push({ ...common, draw: s.normalized ? "confusion_normalized" : "confusion", matrices: s.matrices });
  }
  return { ids: rows.map((r) => r.id), plots };
}
