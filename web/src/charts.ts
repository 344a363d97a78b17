// Interactive charts of declared plots, drawn by ECharts (tree-shaken to line, scatter, bar and
// heatmap with tooltip, dataZoom and legend, SVG renderer). Loaded as its own chunk, only when a page
// shows a plot, so the experiments table paints without it.
import { BarChart, HeatmapChart, LineChart, ScatterChart } from "echarts/charts";
import { DataZoomComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import type { PlotData } from "../../engine/src/ui/api.js";

echarts.use([
  LineChart,
  ScatterChart,
  BarChart,
  HeatmapChart,
  TooltipComponent,
  DataZoomComponent,
  LegendComponent,
  GridComponent,
  VisualMapComponent,
  TitleComponent,
  SVGRenderer,
]);

export const PALETTE = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563", "#65a30d", "#9333ea"];

export type Chart = echarts.ECharts;

/** Every chart on the page by its plot path (and matrix label), for the browser tests and the bench. */
interface Registry {
  charts: { path: string; label: string; chart: Chart }[];
}
declare global {
  interface Window {
    pipeUiCharts?: Registry;
  }
}
const registry: Registry = (window.pipeUiCharts ??= { charts: [] });

const TEXT = { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", color: "#1f2937" };

function isCategory(plot: PlotData): boolean {
  return (plot.series ?? []).some((s) => s.points.some((p) => typeof p.x === "string"));
}

function xyOption(plot: PlotData): echarts.EChartsCoreOption {
  const t = plot.template;
  const draw = plot.draw ?? (t.startsWith("scatter") ? "scatter" : t.startsWith("bar") ? "bar" : "linear");
  const kind = draw === "scatter" ? "scatter" : draw === "bar" ? "bar" : "line";
  const horizontal = t === "bar_horizontal" || t === "bar_horizontal_sorted";
  const category = kind === "bar" || isCategory(plot);
  const series = (plot.series ?? []).map((s) => ({
    name: s.label,
    type: kind,
    smooth: t === "smooth",
    showSymbol: true,
    symbolSize: kind === "scatter" ? 8 : 5,
    emphasis: { focus: "series" },
    data: s.points.map((p) => (horizontal ? [p.y, p.x] : [p.x, p.y])),
  }));
  const valueAxis = { type: "value", scale: true, name: plot.yLabel, nameLocation: "middle", nameGap: 44, splitLine: { lineStyle: { color: "#eef0f3" } } };
  const otherAxis = { type: category ? "category" : "value", scale: true, name: plot.xLabel, nameLocation: "middle", nameGap: 28, splitLine: { show: false } };
  return {
    color: PALETTE,
    textStyle: TEXT,
    animation: false,
    grid: { left: 64, right: 24, top: 40, bottom: 72 },
    legend: { type: "scroll", top: 4, left: "center" },
    tooltip: {
      trigger: kind === "line" ? "axis" : "item",
      confine: true,
      valueFormatter: (v: unknown) => (typeof v === "number" ? String(Number(v.toPrecision(6))) : String(v)),
    },
    dataZoom: [
      { type: "inside", xAxisIndex: 0, filterMode: "none" },
      { type: "slider", xAxisIndex: 0, height: 18, bottom: 8, filterMode: "none" },
    ],
    xAxis: horizontal ? valueAxis : otherAxis,
    yAxis: horizontal ? { ...otherAxis, nameGap: 60 } : valueAxis,
    series,
  };
}

type Matrix = NonNullable<PlotData["matrices"]>[number];

function heatmapOption(plot: PlotData, m: Matrix): echarts.EChartsCoreOption {
  const normalized = (plot.draw ?? plot.template) === "confusion_normalized";
  const data: [number, number, number][] = [];
  let max = 0;
  m.counts.forEach((row, yi) =>
    row.forEach((v, xi) => {
      data.push([xi, yi, v]);
      max = Math.max(max, v);
    }),
  );
  const fmt = (v: number) => (normalized ? `${(v * 100).toFixed(1)}%` : String(v));
  return {
    textStyle: TEXT,
    animation: false,
    title: { text: m.label, left: "center", top: 0, textStyle: { fontSize: 13, fontWeight: 600 } },
    grid: { left: 84, right: 16, top: 32, bottom: 56 },
    tooltip: {
      confine: true,
      formatter: (p: { value: [number, number, number] }) =>
        `${plot.yLabel} ${m.yClasses[p.value[1]] ?? ""} → ${plot.xLabel} ${m.xClasses[p.value[0]] ?? ""}: <b>${fmt(p.value[2])}</b>`,
    },
    xAxis: { type: "category", data: [...m.xClasses], name: plot.xLabel, nameLocation: "middle", nameGap: 30, splitArea: { show: true } },
    yAxis: { type: "category", data: [...m.yClasses], name: plot.yLabel, nameLocation: "middle", nameGap: 60, inverse: true, splitArea: { show: true } },
    visualMap: { min: 0, max: max || 1, show: false, inRange: { color: ["#f8fafc", "#93c5fd", "#1d4ed8"] } },
    series: [
      {
        name: m.label,
        type: "heatmap",
        data,
        label: { show: true, formatter: (p: { value: [number, number, number] }) => fmt(p.value[2]), color: "#0f172a" },
        emphasis: { itemStyle: { borderColor: "#0f172a", borderWidth: 1 } },
      },
    ],
  };
}

function mount(el: HTMLElement, path: string, label: string, option: echarts.EChartsCoreOption): Chart {
  const chart = echarts.init(el, undefined, { renderer: "svg" });
  chart.setOption(option);
  registry.charts.push({ path, label, chart });
  new ResizeObserver(() => chart.resize()).observe(el);
  return chart;
}

/** Remove every chart (a page is leaving). */
export function disposeAll(): void {
  for (const c of registry.charts) c.chart.dispose();
  registry.charts = [];
}

/** Draw one declared plot into `host`: one line/scatter/bar chart, or one heatmap per matrix. */
export function drawPlot(host: HTMLElement, plot: PlotData): void {
  if (plot.matrices !== undefined && plot.matrices.length > 0) {
    const grid = document.createElement("div");
    grid.className = "matrices";
    host.appendChild(grid);
    for (const m of plot.matrices) {
      const el = document.createElement("div");
      el.className = "chart heatmap";
      const side = Math.max(240, Math.min(420, 60 + 44 * Math.max(m.xClasses.length, m.yClasses.length)));
      el.style.height = `${side + 60}px`;
      el.style.width = `${side + 90}px`;
      el.dataset.label = m.label;
      grid.appendChild(el);
      mount(el, plot.path, m.label, heatmapOption(plot, m));
    }
    return;
  }
  const el = document.createElement("div");
  el.className = "chart";
  host.appendChild(el);
  mount(el, plot.path, "", xyOption(plot));
}
