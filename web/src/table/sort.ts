// Sorting of the experiments table: workspace and revisions stay on top (as `exp show` prints
// them), experiments sort by one column; missing values last whichever the direction.
import type { ExpRow, Scalar } from "../../../engine/src/ui/api.js";
import type { Column } from "./columns.js";

export type Direction = "asc" | "desc";

export interface SortState {
  readonly column: string;
  readonly direction: Direction;
}

function cmp(a: Scalar, b: Scalar): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

const PIN: Record<ExpRow["kind"], number> = { workspace: 0, revision: 1, experiment: 2 };

/** A new array: pinned rows in their given order, then experiments sorted (stable). */
export function sortRows(rows: readonly ExpRow[], column: Column | undefined, direction: Direction): ExpRow[] {
  const sign = direction === "asc" ? 1 : -1;
  const indexed = rows.map((row, i) => ({ row, i, v: column?.value(row) ?? null }));
  indexed.sort((x, y) => {
    const pin = PIN[x.row.kind] - PIN[y.row.kind];
    if (pin !== 0 || x.row.kind !== "experiment" || column === undefined) return pin !== 0 ? pin : x.i - y.i;
    const xm = x.v === null;
    const ym = y.v === null;
    if (xm || ym) return xm === ym ? x.i - y.i : xm ? 1 : -1;
    return sign * cmp(x.v, y.v) || x.i - y.i;
  });
  return indexed.map((x) => x.row);
}

/** Clicking a header: a new column sorts descending for metrics (best first), ascending otherwise; the same column flips. */
export function nextSort(current: SortState | null, column: Column): SortState {
  if (current?.column === column.id) return { column: column.id, direction: current.direction === "asc" ? "desc" : "asc" };
  return { column: column.id, direction: column.group === "metric" || column.id === "createdAt" ? "desc" : "asc" };
}
