// A virtualised grid for the experiments table: one scroll container, a sticky header, and only the
// rows in view (plus a few either side) in the DOM, so 10,000 rows scroll and sort as fast as 10.
import type { ExpRow } from "../../../engine/src/ui/api.js";
import { h } from "../dom.js";
import { formatDuration, formatScalar, formatTime } from "../format.js";
import type { Column } from "./columns.js";
import type { SortState } from "./sort.js";

export const ROW_HEIGHT = 30;
const HEAD_HEIGHT = 34;
const CHECK_WIDTH = 34;
const OVERSCAN = 8;

export interface TableEvents {
  readonly onSort: (column: Column) => void;
  readonly onToggle: (row: ExpRow, checked: boolean) => void;
  readonly isSelected: (id: string) => boolean;
}

function cellText(column: Column, row: ExpRow): string {
  const v = column.value(row);
  if (column.id === "createdAt") return formatTime(typeof v === "string" ? v : null);
  if (column.id === "durationMs") return formatDuration(typeof v === "number" ? v : null);
  return formatScalar(v);
}

export class VirtualTable {
  readonly element: HTMLDivElement;
  private readonly inner: HTMLDivElement;
  private readonly head: HTMLDivElement;
  private readonly body: HTMLDivElement;
  private columns: readonly Column[] = [];
  private rows: readonly ExpRow[] = [];
  private sort: SortState | null = null;
  private frame = 0;
  private drawn = "";

  constructor(private readonly events: TableEvents) {
    this.head = h("div", { class: "vt-head", role: "row" });
    this.body = h("div", { class: "vt-body" });
    this.inner = h("div", { class: "vt-inner" }, this.head, this.body);
    this.element = h("div", { class: "vt", role: "grid", tabindex: 0 }, this.inner);
    this.element.addEventListener("scroll", () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  setData(columns: readonly Column[], rows: readonly ExpRow[], sort: SortState | null): void {
    this.columns = columns;
    this.rows = rows;
    this.sort = sort;
    const width = CHECK_WIDTH + columns.reduce((s, c) => s + c.width, 0);
    this.inner.style.width = `${width}px`;
    this.inner.style.height = `${HEAD_HEIGHT + rows.length * ROW_HEIGHT}px`;
    this.renderHead();
    this.drawn = "";
    this.render();
  }

  /** Redraw the visible rows (selection changed). */
  refresh(): void {
    this.drawn = "";
    this.render();
  }

  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private renderHead(): void {
    const cells = this.columns.map((c) => {
      const sorted = this.sort?.column === c.id ? this.sort.direction : null;
      return h(
        "div",
        {
          class: `vt-th g-${c.group}${c.numeric ? " num" : ""}${c.id === "name" ? " sticky" : ""}`,
          style: `width:${c.width}px${c.id === "name" ? `;left:${CHECK_WIDTH}px` : ""}`,
          title: `${c.title}: click to sort`,
          "data-col": c.id,
          "aria-sort": sorted === null ? null : sorted === "asc" ? "ascending" : "descending",
          role: "columnheader",
          onclick: () => this.events.onSort(c),
        },
        h("span", { class: "vt-label" }, c.label),
        sorted === null ? null : h("span", { class: "arrow" }, sorted === "asc" ? "▲" : "▼"),
      );
    });
    this.head.replaceChildren(h("div", { class: "vt-th check sticky", style: `width:${CHECK_WIDTH}px;left:0` }), ...cells);
  }

  private render(): void {
    const top = this.element.scrollTop;
    const height = this.element.clientHeight || 600;
    const first = Math.max(0, Math.floor((top - HEAD_HEIGHT) / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const key = `${first}:${last}`;
    if (key === this.drawn) return;
    this.drawn = key;
    const out: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const row = this.rows[i];
      if (row !== undefined) out.push(this.renderRow(row, i));
    }
    this.body.replaceChildren(...out);
  }

  private renderRow(row: ExpRow, index: number): HTMLElement {
    const selected = this.events.isSelected(row.id);
    const box = h("input", { type: "checkbox", "aria-label": `select ${row.name}`, checked: selected });
    box.addEventListener("change", () => this.events.onToggle(row, box.checked));
    const cells: HTMLElement[] = [h("div", { class: "vt-td check sticky", style: `width:${CHECK_WIDTH}px;left:0` }, box)];
    for (const c of this.columns) {
      const text = cellText(c, row);
      let content: Node | string = text;
      if (c.id === "name" && row.kind !== "experiment")
        content = h("span", {}, h("span", { class: `kind kind-${row.kind}` }, row.kind === "workspace" ? "ws" : "rev"), text);
      else if (c.id === "status" && text !== "") content = h("span", { class: `pill st-${text}` }, text);
      cells.push(
        h(
          "div",
          {
            class: `vt-td${c.numeric ? " num" : ""}${c.id === "name" ? " sticky" : ""}`,
            style: `width:${c.width}px${c.id === "name" ? `;left:${CHECK_WIDTH}px` : ""}`,
            "data-col": c.id,
            title: text,
          },
          content,
        ),
      );
    }
    return h(
      "div",
      {
        class: `vt-row k-${row.kind}${selected ? " selected" : ""}${index % 2 === 1 ? " odd" : ""}`,
        style: `transform:translateY(${HEAD_HEIGHT + index * ROW_HEIGHT}px)`,
        role: "row",
        "data-id": row.id,
        "data-index": index,
      },
      ...cells,
    );
  }
}
