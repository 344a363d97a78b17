// `-S [file:]key=v1,v2` parsing and grid expansion: several -S flags with several values each become
// the cartesian product of override sets, in a stable order (the first flag varies slowest).
import { parse as parseYaml } from "yaml";
import type { Result } from "../diagnostics/types.js";
import { err, ok } from "../diagnostics/types.js";
import type { FileValues } from "./types.js";

export const DEFAULT_PARAMS_FILE = "params.yaml";

/** One `-S` flag: the params file, the dotted key, and one or more values to try. */
export interface SetArg {
  readonly file: string;
  readonly key: string;
  readonly values: readonly unknown[];
}

/** Parses `train.lr=0.01`, `params.yaml:train.lr=0.001,0.01`; values are YAML scalars (`0.01` → number). */
export function parseSetArg(text: string, defaultFile: string = DEFAULT_PARAMS_FILE): Result<SetArg, string> {
  const eq = text.indexOf("=");
  if (eq <= 0) return err(`-S expects [file:]key=value, got "${text}"`);
  const lhs = text.slice(0, eq).trim();
  const colon = lhs.lastIndexOf(":");
  const file = colon > 0 ? lhs.slice(0, colon) : defaultFile;
  const key = colon > 0 ? lhs.slice(colon + 1) : lhs;
  if (key === "" || key.split(".").some((s) => s === "")) return err(`-S: bad param key "${lhs}"`);
  const values: unknown[] = [];
  for (const raw of splitTopLevel(text.slice(eq + 1))) {
    try {
      const v: unknown = raw.trim() === "" ? "" : parseYaml(raw);
      values.push(v === null && raw.trim() !== "null" && raw.trim() !== "~" ? "" : v);
    } catch {
      values.push(raw);
    }
  }
  return ok({ file, key, values });
}

/** Splits on commas outside brackets and quotes (`[1,2],3` → `[1,2]`, `3`). */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = "";
  for (const ch of s) {
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
      continue;
    }
    cur += ch;
  }
  parts.push(cur);
  return parts;
}

/** The cartesian product of the flags' values; a later flag for the same key wins. */
export function expandGrid(sets: readonly SetArg[]): FileValues[] {
  let combos: Record<string, Record<string, unknown>>[] = [{}];
  for (const s of sets) {
    const next: Record<string, Record<string, unknown>>[] = [];
    for (const combo of combos) {
      for (const v of s.values) {
        const copy = Object.fromEntries(Object.entries(combo).map(([f, kv]) => [f, { ...kv }]));
        copy[s.file] = { ...(copy[s.file] ?? {}), [s.key]: v };
        next.push(copy);
      }
    }
    combos = next;
  }
  return combos;
}

/** `train.lr=0.01 train.batch_size=32` — for names and messages. */
export function describeOverrides(o: FileValues): string {
  const parts: string[] = [];
  for (const file of Object.keys(o).sort()) {
    for (const [k, v] of Object.entries(o[file] ?? {})) {
      parts.push(`${file === DEFAULT_PARAMS_FILE ? "" : `${file}:`}${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
    }
  }
  return parts.join(" ");
}
