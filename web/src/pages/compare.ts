// The compare page: params and metrics of two or more rows side by side (from /api/compare, the
// numbers `pipe params diff` / `metrics diff` print), changed cells marked, and their plots overlaid.
import type { CompareEntry, CompareResponse } from "../../../engine/src/ui/api.js";
import { api } from "../api.js";
import { emptyState, h, replace } from "../dom.js";
import { formatNumber, formatScalar } from "../format.js";
import { renderPlots } from "../plots-view.js";

function section(title: string, entries: readonly CompareEntry[], labels: readonly string[], onlyChanged: boolean): HTMLElement {
  const rows = entries.filter((e) => !onlyChanged || e.changed);
  const showDiff = labels.length === 2;
  return h(
    "section",
    { class: "card" },
    h("h3", {}, `${title} `, h("span", { class: "muted" }, `${entries.filter((e) => e.changed).length} of ${entries.length} changed`)),
    rows.length === 0
      ? h("p", { class: "muted" }, entries.length === 0 ? `no ${title.toLowerCase()} declared` : "nothing changed")
      : h(
          "table",
          { class: `compare ${title.toLowerCase()}` },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", {}, "file"),
              h("th", {}, "key"),
              ...labels.map((l) => h("th", { class: "num" }, l)),
              showDiff ? h("th", { class: "num" }, "diff") : null,
            ),
          ),
          h(
            "tbody",
            {},
            ...rows.map((e) =>
              h(
                "tr",
                { class: e.changed ? "changed" : "", "data-key": `${e.file}:${e.key}` },
                h("td", { class: "muted" }, e.file),
                h("td", {}, e.key),
                ...e.values.map((v, i) => h("td", { class: `num${e.changed && i > 0 && v !== e.values[0] ? " diff-cell" : ""}` }, formatScalar(v))),
                showDiff
                  ? h(
                      "td",
                      { class: `num ${e.diff === undefined ? "" : e.diff > 0 ? "up" : e.diff < 0 ? "down" : ""}` },
                      e.diff === undefined ? "" : (e.diff > 0 ? "+" : "") + formatNumber(e.diff),
                    )
                  : null,
              ),
            ),
          ),
        ),
  );
}

export function comparePage(root: HTMLElement, params: URLSearchParams): () => void {
  const ids = (params.get("ids") ?? "").split(",").filter(Boolean);
  if (ids.length < 2) {
    replace(
      root,
      h(
        "div",
        { class: "page" },
        emptyState("Pick two or more rows", h("span", {}, "Tick their boxes on ", h("a", { href: "#/experiments" }, "Experiments"), ", then press Compare.")),
      ),
    );
    return () => undefined;
  }
  const tables = h("div", { class: "compare-tables" }, h("div", { class: "muted" }, "loading…"));
  const plots = h("div", { class: "plots-host" });
  const only = h("input", { type: "checkbox" });
  let data: CompareResponse | null = null;
  const draw = () => {
    if (data === null) return;
    replace(
      tables,
      ...(data.warnings ?? []).map((w) => h("div", { class: "warning" }, w)),
      section("Params", data.params, data.labels, only.checked),
      section("Metrics", data.metrics, data.labels, only.checked),
    );
  };
  only.addEventListener("change", draw);
  replace(
    root,
    h(
      "div",
      { class: "page compare-page" },
      h(
        "div",
        { class: "toolbar" },
        h("a", { href: "#/experiments" }, "← Experiments"),
        h("strong", { class: "title" }, "Compare"),
        h("span", { class: "spacer" }),
        h("label", {}, only, "only changed"),
      ),
      tables,
      h("h2", { class: "section-title" }, "Plots, overlaid"),
      plots,
    ),
  );
  void (async () => {
    try {
      data = await api.compare(ids);
      draw();
    } catch (e) {
      replace(tables, h("div", { class: "error" }, e instanceof Error ? e.message : String(e)));
    }
  })();
  void renderPlots(plots, ids);
  return () => undefined;
}
