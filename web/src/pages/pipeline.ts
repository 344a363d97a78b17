// The Pipeline page: the DAG coloured by state with a legend, the latest live run's progress, and a
// side panel for the clicked stage (cmd, deps/outs with lock digests, params, last duration, last log).
import type { PipelineResponse, StageState, StageView } from "../../../engine/src/ui/api.js";
import { api } from "../api.js";
import { cmd, emptyState, h, replace } from "../dom.js";
import { formatDuration, formatScalar, formatTime } from "../format.js";
import { live, settleOverlay } from "../live.js";
import { STATE_LABEL, STATES } from "../stage-state.js";
import { onLive } from "../state.js";
import { drawDag, type DagView } from "./dag.js";
import { runPanel } from "./run-panel.js";

const view: { selected: string | null } = { selected: null };

function items(title: string, list: readonly { path: string; digest: string | null }[]): HTMLElement | null {
  if (list.length === 0) return null;
  return h(
    "div",
    { class: "kv" },
    h("h4", {}, title),
    h(
      "table",
      {},
      h(
        "tbody",
        {},
        ...list.map((i) =>
          h(
            "tr",
            {},
            h("td", { class: "path" }, i.path),
            h("td", { class: "digest", title: i.digest ?? "not in pipeline.lock" }, i.digest === null ? "—" : i.digest.slice(0, 12)),
          ),
        ),
      ),
    ),
  );
}

/** `pipeline.yaml · last ran 2026-12-07 17:11:37 in 257ms (ran)`: where it is declared and its last run. */
function lastRunLine(stage: StageView): string {
  const parts = [stage.file];
  const when = stage.lastRun === undefined ? "" : ` ${formatTime(stage.lastRun.startedAt)}`;
  const took = stage.lastDurationMs === null ? "" : ` in ${formatDuration(stage.lastDurationMs)}`;
  if (when !== "" || took !== "") parts.push(`last run${when}${took}${stage.lastRun === undefined ? "" : ` (${stage.lastRun.outcome})`}`);
  return parts.join(" · ");
}

export function pipelinePage(root: HTMLElement, params: URLSearchParams): () => void {
  const legend = h("div", { class: "legend" });
  const graphHost = h("div", { class: "dag-host" });
  const panel = h("aside", { class: "stage-panel", hidden: true });
  const runHost = h("div", { class: "run-host" });
  let data: PipelineResponse | null = null;
  let dag: DagView | null = null;
  if (params.get("stage") !== null) view.selected = params.get("stage");

  const stateOf = (name: string): StageState => live.overlay.get(name) ?? data?.stages.find((s) => s.name === name)?.state ?? "never-run";

  function drawLegend(): void {
    const counts = new Map<StageState, number>();
    for (const s of data?.stages ?? []) counts.set(stateOf(s.name), (counts.get(stateOf(s.name)) ?? 0) + 1);
    replace(
      legend,
      ...STATES.map((st) =>
        h("span", { class: `legend-item st-${st}`, "data-state": st }, h("span", { class: "swatch" }), `${STATE_LABEL[st]} ${counts.get(st) ?? 0}`),
      ),
    );
  }

  function drawRun(): void {
    const latest = [...live.runs.values()].pop();
    replace(runHost, latest === undefined ? null : runPanel(latest, 12));
  }

  async function showStage(stage: StageView): Promise<void> {
    view.selected = stage.name;
    dag?.select(stage.name);
    const state = stateOf(stage.name);
    const log = h("pre", { class: "log" }, h("span", { class: "muted" }, stage.hasLog ? "loading…" : "no log yet: it is kept from the stage's next run"));
    const paramEntries = Object.entries(stage.params);
    panel.hidden = false;
    replace(
      panel,
      h(
        "header",
        {},
        h("h3", {}, stage.name),
        h("span", { class: `pill st-${state}` }, STATE_LABEL[state]),
        h("button", { class: "link close", onclick: () => ((panel.hidden = true), (view.selected = null), dag?.select(null)) }, "×"),
      ),
      h("div", { class: "muted" }, lastRunLine(stage)),
      stage.reasons.length > 0 ? h("ul", { class: "reasons" }, ...stage.reasons.map((r) => h("li", {}, r))) : null,
      h("h4", {}, "cmd"),
      h("pre", { class: "cmd-block" }, stage.cmd.join("\n")),
      items("deps", stage.deps),
      items("outs", stage.outs),
      paramEntries.length === 0
        ? null
        : h(
            "div",
            { class: "kv" },
            h("h4", {}, "params"),
            h(
              "table",
              {},
              h("tbody", {}, ...paramEntries.map(([k, v]) => h("tr", {}, h("td", { class: "path" }, k), h("td", { class: "num" }, formatScalar(v))))),
            ),
          ),
      h("h4", {}, "last log"),
      log,
    );
    if (stage.hasLog) {
      try {
        const text = await api.stageLog(stage.name);
        replace(log, text === "" ? h("span", { class: "muted" }, "empty") : text);
      } catch (e) {
        replace(log, h("span", { class: "error" }, e instanceof Error ? e.message : String(e)));
      }
    }
  }

  let loads = 0;
  async function load(): Promise<void> {
    const mine = ++loads;
    try {
      const fresh = await api.pipeline();
      if (mine !== loads) return; // a later reload was asked for: its answer wins
      data = fresh;
    } catch (e) {
      replace(graphHost, h("div", { class: "error" }, e instanceof Error ? e.message : String(e)));
      return;
    }
    settleOverlay();
    if (data.stages.length === 0) {
      dag = null;
      replace(
        graphHost,
        emptyState("No stages", h("span", {}, "Declare stages in ", h("code", {}, "pipeline.yaml"), " (or dvc.yaml), then ", cmd("pipe repro"), ".")),
      );
    } else {
      const current = data;
      dag = drawDag(current, stateOf, (name) => {
        const s = current.stages.find((x) => x.name === name);
        if (s !== undefined) void showStage(s);
      });
      const allNew = current.stages.every((s) => stateOf(s.name) === "never-run");
      replace(
        graphHost,
        allNew ? h("div", { class: "hint" }, "Nothing has run yet: ", cmd("pipe repro"), " runs every stage; this page follows it live.") : null,
        dag.element,
      );
      const sel = current.stages.find((s) => s.name === view.selected);
      if (sel !== undefined) void showStage(sel);
    }
    drawLegend();
  }

  replace(
    root,
    h(
      "div",
      { class: "page pipeline-page" },
      h("div", { class: "toolbar" }, legend),
      h("div", { class: "pipeline-main" }, h("div", { class: "pipeline-left" }, graphHost, runHost), panel),
    ),
  );
  drawRun();
  void load();
  let frame = 0;
  return onLive((m) => {
    if (m.type === "pipeline-changed") void load();
    if (m.type !== "run") return;
    const e = m.event;
    if (e.type === "stage-start" || e.type === "stage-done") {
      dag?.setState(e.stage, stateOf(e.stage));
      drawLegend();
    }
    if (e.type === "summary") void load();
    if (frame === 0)
      frame = requestAnimationFrame(() => {
        frame = 0;
        drawRun();
      });
  });
}
