// The Live page: every run this page has seen on /api/events, newest first, with its progress and
// output, updated as events arrive. A repro started from a terminal shows up here without a reload.
import { cmd, emptyState, h, replace } from "../dom.js";
import { live } from "../live.js";
import { onLive } from "../state.js";
import { runPanel } from "./run-panel.js";

export function livePage(root: HTMLElement): () => void {
  const host = h("div", { class: "runs" });
  const status = h("span", { class: "muted" });
  replace(
    root,
    h(
      "div",
      { class: "page live-page" },
      h("div", { class: "toolbar" }, h("strong", { class: "title" }, "Live runs"), h("span", { class: "spacer" }), status),
      host,
    ),
  );
  let frame = 0;
  const draw = () => {
    frame = 0;
    status.textContent = live.connected ? "connected to the event stream" : "not connected: is pipe ui still running?";
    const runs = [...live.runs.values()].reverse();
    if (runs.length === 0) {
      replace(
        host,
        emptyState(
          "No run since this page opened",
          h("span", {}, "Start ", cmd("pipe repro"), " or ", cmd("pipe exp run -S train.lr=0.01"), " in a terminal in this project."),
          "Its stages, output lines and progress appear here as they happen.",
        ),
      );
      return;
    }
    replace(host, ...runs.map((r, i) => runPanel(r, i === 0 ? 400 : 40)));
  };
  draw();
  return onLive((m) => {
    if (m.type === "run" && frame === 0) frame = requestAnimationFrame(draw);
  });
}
