// The experiments table's columns: fixed ones (name, time, commit, status, duration), then every
// param and metric column the server lists. A column reads its value from a row.
import type { ExpRow, ExperimentsResponse, Scalar } from "../../../engine/src/ui/api.js";

export type ColumnGroup = "info" | "param" | "metric";

export interface Column {
  /** Unique id: `name`, `createdAt`, ... or `param:<file:key>` / `metric:<file:key>`. */
  readonly id: string;
  /** Header text. */
  readonly label: string;
  /** Full name shown on hover (`params.yaml:train.lr`). */
  readonly title: string;
  readonly group: ColumnGroup;
  readonly width: number;
  readonly numeric: boolean;
  readonly value: (row: ExpRow) => Scalar;
}

const INFO: readonly Column[] = [
  { id: "name", label: "Experiment", title: "name", group: "info", width: 190, numeric: false, value: (r) => r.name },
  { id: "createdAt", label: "Created", title: "time recorded", group: "info", width: 168, numeric: false, value: (r) => r.createdAt },
  {
    id: "commit",
    label: "Commit",
    title: "git commit",
    group: "info",
    width: 76,
    numeric: false,
    value: (r) => (r.commit === null ? null : r.commit.slice(0, 7)),
  },
  { id: "status", label: "Status", title: "status", group: "info", width: 90, numeric: false, value: (r) => r.status },
  { id: "durationMs", label: "Duration", title: "sum of stage durations", group: "info", width: 92, numeric: true, value: (r) => r.durationMs },
];

function keyOf(column: string): string {
  const i = column.lastIndexOf(":");
  return i < 0 ? column : column.slice(i + 1);
}

export function columnsOf(data: Pick<ExperimentsResponse, "paramColumns" | "metricColumns" | "rows">): Column[] {
  const numericIn = (pick: (r: ExpRow) => Scalar) => data.rows.every((r) => ["number", "object"].includes(typeof pick(r)));
  const make = (group: "param" | "metric", col: string): Column => {
    const value = (r: ExpRow): Scalar => (group === "param" ? r.params : r.metrics)[col] ?? null;
    const label = keyOf(col);
    return {
      id: `${group}:${col}`,
      label,
      title: col,
      group,
      width: Math.round(Math.max(96, Math.min(190, label.length * 7.6 + 30))),
      numeric: numericIn(value),
      value,
    };
  };
  return [...INFO, ...data.paramColumns.map((c) => make("param", c)), ...data.metricColumns.map((c) => make("metric", c))];
}

/** The columns the picker may hide (the name column always shows). */
export const ALWAYS_SHOWN = new Set(["name"]);
