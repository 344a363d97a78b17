// The plots of some rows as cards (the Plots page, and under a comparison): fetched from
// /api/plots?ids=, drawn by the charts chunk, which is loaded on first use.
import type { PlotData } from "../../engine/src/ui/api.js";
import { api } from "./api.js";
import type * as ChartsModule from "./charts.js";
import { cmd, emptyState, h, replace } from "./dom.js";

let charts: Promise<typeof ChartsModule> | null = null;
const loadCharts = () => (charts ??= import("./charts.js"));

/** Dispose the charts a previous page drew (no-op when none were ever drawn). */
export async function disposeCharts(): Promise<void> {
  if (charts !== null) (await charts).disposeAll();
}

function card(plot: PlotData): HTMLElement {
  const body = h("div", { class: "plot-body" });
  const el = h(
    "section",
    { class: `card plot-card${(plot.matrices?.length ?? 0) > 1 ? " wide" : ""}`, "data-plot": plot.path },
    h("header", {}, h("h3", {}, plot.title || plot.path), h("span", { class: "muted" }, plot.path), h("span", { class: "badge" }, plot.template)),
    body,
  );
  if (plot.error !== undefined) body.appendChild(h("div", { class: "plot-error" }, plot.error));
  return el;
}

/** Fill `host` with one card per declared plot of `ids`; resolves when every chart is drawn. */
export async function renderPlots(host: HTMLElement, ids: readonly string[]): Promise<void> {
  replace(host, h("div", { class: "muted loading" }, "loading plots…"));
  let plots: readonly PlotData[];
  try {
    plots = (await api.plots(ids)).plots;
  } catch (e) {
    replace(host, h("div", { class: "error" }, e instanceof Error ? e.message : String(e)));
    return;
  }
  if (plots.length === 0) {
    replace(
      host,
      emptyState(
        "No plots declared",
        h(
          "span",
          {},
          "Declare a plot under a stage's ",
          h("code", {}, "plots:"),
          " in pipeline.yaml (a CSV/JSON of per-epoch values, or a confusion file), then run ",
          cmd("pipe repro"),
          ".",
        ),
      ),
    );
    return;
  }
  const cards = plots.map((p) => ({ plot: p, el: card(p) }));
  const allFailed = plots.every((p) => p.error !== undefined);
  replace(
    host,
    allFailed ? emptyState("No plot data yet", h("span", {}, "The declared plot files do not exist yet: run ", cmd("pipe repro"), " to produce them.")) : null,
    h("div", { class: "plot-grid" }, ...cards.map((c) => c.el)),
  );
  const m = await loadCharts();
  for (const c of cards) {
    if (c.plot.error !== undefined) continue;
    const body = c.el.querySelector<HTMLElement>(".plot-body");
    if (body !== null) m.drawPlot(body, c.plot);
  }
}
