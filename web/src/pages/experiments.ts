// The Experiments page: every experiment, the workspace and the git revisions as rows of a
// virtualised table; sort by a header, filter with a query box, pick columns (remembered), select
// rows to compare or plot. Reloads itself when the live stream says a record was written.
import type { ExperimentsResponse, ExpRow } from "../../../engine/src/ui/api.js";
import { api } from "../api.js";
import { cmd, emptyState, h, replace } from "../dom.js";
import { formatScalar } from "../format.js";
import { app, onLive, selection, store } from "../state.js";
import { ALWAYS_SHOWN, columnsOf, type Column } from "../table/columns.js";
import { matches, parseQuery } from "../table/query.js";
import { nextSort, sortRows, type SortState } from "../table/sort.js";
import { VirtualTable } from "../table/virtual-table.js";

/** Kept across visits and reloads within the page's life. */
const view: { query: string; sort: SortState | null } = { query: "", sort: null };

const hiddenKey = () => `pipe-ui:hidden-columns:${app.project?.name ?? ""}`;

function loadHidden(): Set<string> {
  try {
    const parsed: unknown = JSON.parse(store.get(hiddenKey()) ?? "[]");
    return new Set(Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === "string") : []);
  } catch {
    return new Set();
  }
}

/** A `-S` example from the workspace's own params (`train.lr=0.01`), for the empty state. */
function exampleSet(data: ExperimentsResponse): string {
  const ws = data.rows.find((r) => r.kind === "workspace") ?? data.rows[0];
  for (const col of data.paramColumns) {
    const v = ws?.params[col];
    const key = col.slice(col.lastIndexOf(":") + 1);
    if (typeof v === "number") return `${key}=${formatScalar(v === 0 ? 1 : v * 2)}`;
  }
  return "train.lr=0.01";
}

export function experimentsPage(root: HTMLElement, go: (hash: string) => void): () => void {
  let data: ExperimentsResponse | null = null;
  let columns: Column[] = [];
  let hidden = loadHidden();
  let shown: ExpRow[] = [];

  const status = h("span", { class: "muted count" });
  const errors = h("div", { class: "query-errors" });
  const queryBox = h("input", {
    type: "search",
    class: "query",
    placeholder: "filter: accuracy>0.8  lr<=0.01  status=failed  any text",
    value: view.query,
    "aria-label": "filter rows",
  });
  const compareBtn = h(
    "button",
    { class: "primary", disabled: true, onclick: () => go(`#/compare?ids=${[...selection].map(encodeURIComponent).join(",")}`) },
    "Compare",
  );
  const plotBtn = h("button", { disabled: true, onclick: () => go(`#/plots?ids=${[...selection].map(encodeURIComponent).join(",")}`) }, "Plot");
  const clearBtn = h("button", { class: "link", onclick: () => (selection.clear(), update()) }, "clear selection");
  const picker = h("div", { class: "picker", hidden: true });
  const pickerBtn = h("button", { onclick: () => (picker.hidden = !picker.hidden) }, "Columns");
  const notice = h("div", { class: "notice-area" });
  const table = new VirtualTable({
    onSort: (c) => {
      view.sort = nextSort(view.sort, c);
      apply();
    },
    onToggle: (row, checked) => {
      if (checked) selection.add(row.id);
      else selection.delete(row.id);
      update();
    },
    isSelected: (id) => selection.has(id),
  });

  queryBox.addEventListener("input", () => {
    view.query = queryBox.value;
    apply();
  });

  function update(): void {
    const n = selection.size;
    compareBtn.disabled = n < 2;
    compareBtn.textContent = n < 2 ? "Compare (select 2+)" : `Compare ${n}`;
    plotBtn.disabled = n < 1;
    plotBtn.textContent = n < 1 ? "Plot" : `Plot ${n}`;
    clearBtn.hidden = n === 0;
    table.refresh();
  }

  function visibleColumns(): Column[] {
    return columns.filter((c) => ALWAYS_SHOWN.has(c.id) || !hidden.has(c.id));
  }

  function apply(): void {
    if (data === null) return;
    const cols = visibleColumns();
    const q = parseQuery(view.query, columns);
    replace(errors, ...q.errors.map((e) => h("span", {}, e)));
    const kept = data.rows.filter((r) => matches(r, q, cols));
    const sortCol = view.sort === null ? undefined : columns.find((c) => c.id === view.sort?.column);
    shown = sortRows(kept, sortCol, view.sort?.direction ?? "asc");
    const exps = data.rows.filter((r) => r.kind === "experiment").length;
    status.textContent = `${shown.length} of ${data.rows.length} rows · ${exps} experiments`;
    table.setData(cols, shown, view.sort);
    update();
  }

  function renderPicker(): void {
    const groups: [string, Column[]][] = [
      ["Info", columns.filter((c) => c.group === "info" && !ALWAYS_SHOWN.has(c.id))],
      ["Params", columns.filter((c) => c.group === "param")],
      ["Metrics", columns.filter((c) => c.group === "metric")],
    ];
    const toggle = (c: Column, on: boolean) => {
      if (on) hidden.delete(c.id);
      else hidden.add(c.id);
      store.set(hiddenKey(), JSON.stringify([...hidden]));
      apply();
    };
    replace(
      picker,
      h(
        "div",
        { class: "picker-actions" },
        h("button", { class: "link", onclick: () => (hidden.clear(), store.set(hiddenKey(), "[]"), renderPicker(), apply()) }, "show all"),
        h("button", { class: "link", onclick: () => (picker.hidden = true) }, "close"),
      ),
      ...groups
        .filter(([, cs]) => cs.length > 0)
        .map(([title, cs]) =>
          h(
            "fieldset",
            {},
            h("legend", {}, title),
            ...cs.map((c) => {
              const box = h("input", { type: "checkbox", checked: !hidden.has(c.id), "data-col": c.id });
              box.addEventListener("change", () => toggle(c, box.checked));
              return h("label", { title: c.title }, box, c.group === "info" ? c.label : c.title);
            }),
          ),
        ),
    );
  }

  let loads = 0;
  async function load(): Promise<void> {
    const mine = ++loads;
    try {
      const [fresh] = await Promise.all([api.experiments(), app.projectReady]);
      if (mine !== loads) return; // a later reload was asked for: its answer wins
      data = fresh;
    } catch (e) {
      replace(notice, h("div", { class: "error" }, String(e instanceof Error ? e.message : e)));
      return;
    }
    hidden = loadHidden();
    columns = columnsOf(data);
    for (const id of [...selection]) if (!data.rows.some((r) => r.id === id)) selection.delete(id);
    const exps = data.rows.filter((r) => r.kind === "experiment").length;
    replace(
      notice,
      exps === 0
        ? emptyState(
            "No experiments yet",
            h("span", {}, "Record one with ", cmd(`pipe exp run -S ${exampleSet(data)}`), " (a run with a changed param) or ", cmd("pipe repro"), "."),
            "Each run then appears here as a row, live, while this page is open.",
          )
        : null,
      ...data.warnings.map((w) => h("div", { class: "warning" }, w)),
    );
    renderPicker();
    apply();
  }

  replace(
    root,
    h(
      "div",
      { class: "page exp-page" },
      h(
        "div",
        { class: "toolbar" },
        queryBox,
        status,
        h("span", { class: "spacer" }),
        clearBtn,
        plotBtn,
        compareBtn,
        h("div", { class: "picker-wrap" }, pickerBtn, picker),
      ),
      errors,
      notice,
      table.element,
    ),
  );
  void load();
  return onLive((m) => {
    if (m.type === "experiments-changed") void load();
  });
}
