// A live run as a panel: progress (stages done of planned), the stages running, and the last output
// lines, prefixed with their stage. The Live page shows every run; the Pipeline page the latest.
import { h } from "../dom.js";
import { formatDuration } from "../format.js";
import type { RunView } from "../live.js";

export function runPanel(run: RunView, maxLines: number): HTMLElement {
  const total = run.planned.length;
  const done = run.done.size;
  const failed = [...run.done.values()].filter((o) => o === "failed").length;
  const pct = total === 0 ? 0 : Math.round((100 * done) / total);
  const state = run.summary === null ? "running" : run.summary.counts.failed > 0 || run.summary.interrupted ? "failed" : "done";
  const lines = run.lines.slice(-maxLines);
  const head =
    run.summary === null
      ? `${done} of ${total} stages done${run.running.size > 0 ? ` · running ${[...run.running].join(", ")}` : ""}`
      : `finished in ${formatDuration(run.summary.durationMs)}: ${Object.entries(run.summary.counts)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${n} ${k}`)
          .join(", ")}`;
  return h(
    "section",
    { class: `card run-panel run-${state}`, "data-run": run.id },
    h(
      "header",
      {},
      h("span", { class: `dot st-${state}` }),
      h("strong", {}, `run ${run.id}`),
      h("span", { class: "progress-text" }, head),
      failed > 0 ? h("span", { class: "pill st-failed" }, `${failed} failed`) : null,
    ),
    h("div", { class: "progress", role: "progressbar", "aria-valuenow": done, "aria-valuemax": total }, h("div", { class: "bar", style: `width:${pct}%` })),
    total === 0
      ? null
      : h(
          "div",
          { class: "stage-chips" },
          ...run.planned.map((stage) => {
            const state = run.running.has(stage) ? "running" : (run.done.get(stage) ?? "waiting");
            return h("span", { class: `pill st-${state === "ran" || state === "restored" ? "fresh" : state}`, "data-stage": stage }, `${stage}: ${state}`);
          }),
        ),
    h(
      "pre",
      { class: "live-log" },
      ...(lines.length === 0
        ? [h("span", { class: "muted" }, "no output yet")]
        : lines.map((l) =>
            h("div", { class: l.stream === "stderr" ? "err" : "" }, l.stage === "" ? "" : h("span", { class: "stage-tag" }, `${l.stage} `), l.line),
          )),
    ),
  );
}
