// Plots: load CSV/TSV/JSON/YAML rows, turn them into series or confusion matrices following DVC
// plot options, draw deterministic SVG, and gather everything into one self-contained HTML page.
export type { Row } from "./data.js";
export { parsePlotData } from "./data.js";
export type { Dataset, Matrix, PlotSpec, Series, XyTemplate } from "./spec.js";
export { buildPlot, templateOf } from "./spec.js";
export { escapeXml, niceTicks, renderSvg } from "./svg.js";
export type { ReportSection } from "./html.js";
export { renderReport } from "./html.js";
export type { PlotSide, PlotsReport } from "./report.js";
export { buildPlotsReport, readPlotDatasets } from "./report.js";
export { PLOTS_DIR, DEFAULT_REPORT } from "./paths.js";
