// The Plots page: every declared plot for the chosen rows (from the URL, the table's selection,
// else the workspace or the latest experiment), overlaid one series per row.
import type { ExpRow } from "../../../engine/src/ui/api.js";
import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { renderPlots } from "../plots-view.js";
import { selection } from "../state.js";

function defaultIds(rows: readonly ExpRow[]): string[] {
  const ws = rows.find((r) => r.kind === "workspace");
  if (ws !== undefined) return [ws.id];
  const latest = rows.filter((r) => r.kind === "experiment").sort((a, b) => (b.createdAt ?? "").localeCompare(a.createdAt ?? ""))[0];
  return latest === undefined ? [] : [latest.id];
}

export function plotsPage(root: HTMLElement, params: URLSearchParams): () => void {
  const chips = h("div", { class: "chips" });
  const host = h("div", { class: "plots-host" });
  replace(
    root,
    h(
      "div",
      { class: "page plots-page" },
      h(
        "div",
        { class: "toolbar" },
        h("strong", {}, "Showing"),
        chips,
        h("span", { class: "spacer" }),
        h("a", { href: "#/experiments" }, "choose rows on Experiments"),
      ),
      host,
    ),
  );
  void (async () => {
    let rows: readonly ExpRow[] = [];
    try {
      rows = (await api.experiments()).rows;
    } catch {
      // labels fall back to ids
    }
    const asked = (params.get("ids") ?? "").split(",").filter(Boolean);
    const ids = asked.length > 0 ? asked : selection.size > 0 ? [...selection] : defaultIds(rows);
    const name = (id: string) => rows.find((r) => r.id === id)?.name ?? id;
    replace(chips, ...ids.map((id) => h("span", { class: "chip" }, name(id))));
    await renderPlots(host, ids);
  })();
  return () => undefined;
}
