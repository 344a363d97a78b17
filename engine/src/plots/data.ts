// Loading plot data files into rows of named fields: CSV and TSV (header row), JSON and YAML
// (a list of objects, or an object holding one such list, as DVC accepts).
import { parse as parseCsv } from "csv-parse/sync";
import { parse as parseYaml } from "yaml";
import type { Result } from "../diagnostics/types.js";
import { err, ok } from "../diagnostics/types.js";

/** One data point: field name → value (numbers where the text is numeric). */
export type Row = Readonly<Record<string, string | number>>;

export function parsePlotData(path: string, text: string): Result<readonly Row[], string> {
  const lower = path.toLowerCase();
  if (lower.endsWith(".csv") || lower.endsWith(".tsv")) {
    try {
      const records: Record<string, string>[] = parseCsv(text, {
        columns: true,
        skip_empty_lines: true,
        trim: true,
        delimiter: lower.endsWith(".tsv") ? "\t" : ",",
      });
      return ok(records.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toValue(v)]))));
    } catch (e) {
      return err(`${path}: not valid ${lower.endsWith(".tsv") ? "TSV" : "CSV"} (${firstLine(e)})`);
    }
  }
  let data: unknown;
  try {
    data = lower.endsWith(".json") ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
  } catch (e) {
    return err(`${path}: not valid ${lower.endsWith(".json") ? "JSON" : "YAML"} (${firstLine(e)})`);
  }
  const list = Array.isArray(data) ? data : isObject(data) ? Object.values(data).find(Array.isArray) : undefined;
  if (list === undefined || !list.every(isObject)) return err(`${path}: expected a list of objects (rows)`);
  return ok(
    list.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, typeof v === "number" ? v : toValue(String(v))]),
      ),
    ),
  );
}

function toValue(s: string): string | number {
  const t = s.trim();
  if (t === "") return s;
  const n = Number(t);
  return Number.isFinite(n) ? n : s;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split("\n")[0] ?? msg).trim();
}
