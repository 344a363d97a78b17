// The experiments table's pure parts (web/src/table/): the query filter and the sort, in memory.
import { describe, expect, it } from "vitest";
import type { ExpRow } from "../../src/ui/api.js";
import { columnsOf } from "../../../web/src/table/columns.js";
import { findColumn, matches, parseQuery } from "../../../web/src/table/query.js";
import { nextSort, sortRows } from "../../../web/src/table/sort.js";

function row(id: string, kind: ExpRow["kind"], lr: number | null, acc: number | null, status: ExpRow["status"] = "success"): ExpRow {
  return {
    id,
    kind,
    name: id,
    createdAt: null,
    commit: null,
    status: kind === "experiment" ? status : null,
    durationMs: null,
    params: lr === null ? {} : { "params.yaml:train.lr": lr },
    metrics: acc === null ? {} : { "metrics.json:test.accuracy": acc, "metrics.json:train.accuracy": acc + 0.1 },
  };
}

const rows = [
  row("workspace", "workspace", 0.01, 0.5),
  row("a", "experiment", 0.1, 0.9),
  row("b", "experiment", 0.001, 0.6, "failed"),
  row("c", "experiment", 0.05, null),
  row("HEAD", "revision", 0.01, 0.55),
];
const columns = columnsOf({ rows, paramColumns: ["params.yaml:train.lr"], metricColumns: ["metrics.json:test.accuracy", "metrics.json:train.accuracy"] });
const col = (id: string) => {
  const c = columns.find((x) => x.id === id);
  if (c === undefined) throw new Error(id);
  return c;
};
const keep = (q: string) => rows.filter((r) => matches(r, parseQuery(q, columns), columns)).map((r) => r.id);

describe("query filter", () => {
  it("compares numbers with > < >= <= = != and strings with = and ~", () => {
    expect(keep("lr>0.01")).toEqual(["a", "c"]);
    expect(keep("lr<=0.01")).toEqual(["workspace", "b", "HEAD"]);
    expect(keep("test.accuracy>=0.6 lr!=0.001")).toEqual(["a"]);
    expect(keep("status=failed")).toEqual(["b"]);
    expect(keep("name~ea")).toEqual(["HEAD"]);
  });

  it("a missing value never passes a numeric comparison", () => {
    expect(keep("test.accuracy<1")).not.toContain("c");
  });

  it("plain words look in every shown cell", () => {
    expect(keep("failed")).toEqual(["b"]);
    expect(keep("0.05")).toEqual(["c"]);
  });

  it("names a column by id, full name, key or unique suffix; reports unknown and ambiguous names", () => {
    expect(findColumn(columns, "params.yaml:train.lr")).toBe(col("param:params.yaml:train.lr"));
    expect(findColumn(columns, "lr")).toBe(col("param:params.yaml:train.lr"));
    expect(findColumn(columns, "accuracy")).toBe("ambiguous");
    expect(parseQuery("accuracy>1 nope=2", columns).errors).toEqual(['"accuracy" names several columns: write more of it', 'no column "nope"']);
  });
});

describe("sort", () => {
  it("keeps the workspace and revisions on top, sorts experiments, missing values last both ways", () => {
    const acc = col("metric:metrics.json:test.accuracy");
    expect(sortRows(rows, acc, "desc").map((r) => r.id)).toEqual(["workspace", "HEAD", "a", "b", "c"]);
    expect(sortRows(rows, acc, "asc").map((r) => r.id)).toEqual(["workspace", "HEAD", "b", "a", "c"]);
    expect(sortRows(rows, col("name"), "asc").map((r) => r.id)).toEqual(["workspace", "HEAD", "a", "b", "c"]);
  });

  it("a new metric column sorts best-first (descending), a param ascending; the same header flips", () => {
    const acc = col("metric:metrics.json:test.accuracy");
    const first = nextSort(null, acc);
    expect(first).toEqual({ column: acc.id, direction: "desc" });
    expect(nextSort(first, acc).direction).toBe("asc");
    expect(nextSort(first, col("param:params.yaml:train.lr")).direction).toBe("asc");
  });

  it("numeric columns are detected from the values", () => {
    expect(col("param:params.yaml:train.lr").numeric).toBe(true);
    expect(col("status").numeric).toBe(false);
  });
});
