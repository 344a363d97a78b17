// Flattening of nested metrics/params documents into dotted keys (`test.f1_macro`), and parsing
// of a metrics file's text (JSON or YAML), so every file compares as one flat record.
import { parse as parseYaml } from "yaml";
import type { Result } from "../diagnostics/types.js";
import { err, ok } from "../diagnostics/types.js";
import { byteOrder } from "../common/order.js";

/** A metrics or params file reduced to dotted keys → leaf values (numbers, strings, booleans, null, arrays). */
export type FlatRecord = Readonly<Record<string, unknown>>;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Flattens nested objects to dotted keys; arrays and scalars are leaves. An empty object under a
 * key disappears (it has no metric). Keys come out sorted so renders are deterministic.
 */
export function flatten(value: unknown, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (v: unknown, key: string): void => {
    if (isPlainObject(v)) {
      for (const [k, child] of Object.entries(v)) walk(child, key === "" ? k : `${key}.${k}`);
    } else if (key !== "") {
      out[key] = v;
    }
  };
  walk(value, prefix);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => compareKeys(a, b)));
}

/** Stable key order: plain code-point order, so `a.b` sorts before `a.c` and `b` after both. */
export const compareKeys = byteOrder;

/**
 * Parses a metrics file: `.json` as JSON, `.yaml`/`.yml` as YAML, anything else JSON first then
 * YAML. The document must be a mapping. Errors are one line, naming the file.
 */
export function parseMetricsText(path: string, text: string): Result<Record<string, unknown>, string> {
  const lower = path.toLowerCase();
  const tryJson = (): Result<unknown, string> => {
    try {
      return ok(JSON.parse(text) as unknown);
    } catch (e) {
      return err(`${path}: not valid JSON (${firstLine(e)})`);
    }
  };
  const tryYaml = (): Result<unknown, string> => {
    try {
      return ok(parseYaml(text) as unknown);
    } catch (e) {
      return err(`${path}: not valid YAML (${firstLine(e)})`);
    }
  };
  const parsed = lower.endsWith(".json")
    ? tryJson()
    : lower.endsWith(".yaml") || lower.endsWith(".yml")
      ? tryYaml()
      : ((r) => (r.ok ? r : tryYaml()))(tryJson());
  if (!parsed.ok) return parsed;
  if (!isPlainObject(parsed.value)) return err(`${path}: expected a mapping of metric names to values`);
  return ok(parsed.value);
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split("\n")[0] ?? msg).trim();
}
