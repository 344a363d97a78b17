// The experiments filter: a query box of space-separated terms, all of which a row must match.
// `accuracy>0.8`, `lr<=0.01`, `status=failed`, `name~grid` compare a column (matched by id, full
// name or key suffix); any other word is looked for in every shown cell. Pure, so it is unit-tested.
import type { ExpRow, Scalar } from "../../../engine/src/ui/api.js";
import type { Column } from "./columns.js";

export type Op = ">" | "<" | ">=" | "<=" | "=" | "!=" | "~";

export type Term =
  { readonly kind: "text"; readonly text: string } | { readonly kind: "compare"; readonly column: Column; readonly op: Op; readonly value: string };

export interface ParsedQuery {
  readonly terms: readonly Term[];
  /** Terms naming no column: shown under the box, the term ignored. */
  readonly errors: readonly string[];
}

const TERM = /^([^<>=!~]+?)(>=|<=|!=|>|<|=|~)(.*)$/;

/** Find the column a term names: exact id, exact full name, exact key, else a unique key suffix. */
export function findColumn(columns: readonly Column[], name: string): Column | "ambiguous" | undefined {
  const n = name.toLowerCase();
  const exact = columns.find((c) => c.id.toLowerCase() === n || c.title.toLowerCase() === n || c.label.toLowerCase() === n);
  if (exact !== undefined) return exact;
  const suffix = columns.filter((c) => c.title.toLowerCase().endsWith(`.${n}`) || c.title.toLowerCase().endsWith(`:${n}`));
  if (suffix.length === 1) return suffix[0];
  return suffix.length > 1 ? "ambiguous" : undefined;
}

export function parseQuery(text: string, columns: readonly Column[]): ParsedQuery {
  const terms: Term[] = [];
  const errors: string[] = [];
  for (const raw of text.trim().split(/\s+/)) {
    if (raw === "") continue;
    const m = TERM.exec(raw);
    if (m === null) {
      terms.push({ kind: "text", text: raw.toLowerCase() });
      continue;
    }
    const [, name = "", op = "=", value = ""] = m;
    const column = findColumn(columns, name);
    if (column === undefined) errors.push(`no column "${name}"`);
    else if (column === "ambiguous") errors.push(`"${name}" names several columns: write more of it`);
    else terms.push({ kind: "compare", column, op: op as Op, value });
  }
  return { terms, errors };
}

function compareValue(v: Scalar, op: Op, want: string): boolean {
  const num = Number(want);
  if (op === "~") return v !== null && String(v).toLowerCase().includes(want.toLowerCase());
  if (want !== "" && Number.isFinite(num) && typeof v === "number") {
    switch (op) {
      case ">":
        return v > num;
      case "<":
        return v < num;
      case ">=":
        return v >= num;
      case "<=":
        return v <= num;
      case "=":
        return v === num;
      case "!=":
        return v !== num;
    }
  }
  const s = v === null ? "" : String(v).toLowerCase();
  const w = want.toLowerCase();
  switch (op) {
    case "=":
      return s === w;
    case "!=":
      return s !== w;
    case ">":
      return v !== null && s > w;
    case "<":
      return v !== null && s < w;
    case ">=":
      return v !== null && s >= w;
    case "<=":
      return v !== null && s <= w;
  }
}

/** Whether `row` matches every term; text terms look in the given columns. */
export function matches(row: ExpRow, query: ParsedQuery, columns: readonly Column[]): boolean {
  for (const t of query.terms) {
    if (t.kind === "compare") {
      if (!compareValue(t.column.value(row), t.op, t.value)) return false;
    } else if (
      !columns.some((c) =>
        String(c.value(row) ?? "")
          .toLowerCase()
          .includes(t.text),
      )
    ) {
      return false;
    }
  }
  return true;
}
