// Reads papers for batch inference from CSV, JSON (an array) or JSON Lines, streaming where the
// format allows. Each row is either a paper or a problem with its line number, never dropped silently.
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname } from "node:path";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";
import type { PaperInput } from "./predictor.js";

export type InputFormat = "csv" | "json" | "jsonl";

/** One input row: a paper to predict, or why the row cannot be one. */
export type Row =
  | { readonly ok: true; readonly line: number; readonly id: string | undefined; readonly paper: PaperInput }
  | { readonly ok: false; readonly line: number; readonly reason: string };

export interface ReadOptions {
  /** Called with the bytes read so far, for a progress bar. */
  readonly onBytes?: (bytes: number) => void;
}

export class InputError extends Error {
  override name = "InputError";
}

export function formatOf(path: string): InputFormat | null {
  switch (extname(path).toLowerCase()) {
    case ".csv":
      return "csv";
    case ".json":
      return "json";
    case ".jsonl":
    case ".ndjson":
      return "jsonl";
    default:
      return null;
  }
}

/** Checks one parsed record: `title` and `summary` non-empty strings, `id` a string or number. */
export function toRow(value: unknown, line: number): Row {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, line, reason: "not an object with title and summary" };
  }
  const o = value as Record<string, unknown>;
  for (const key of ["title", "summary"] as const) {
    const v = o[key];
    if (v === undefined || v === null) return { ok: false, line, reason: `missing ${key}` };
    if (typeof v !== "string") return { ok: false, line, reason: `${key} must be a string, got ${typeof v}` };
    if (v.trim() === "") return { ok: false, line, reason: `empty ${key}` };
  }
  const rawId = o.id;
  let id: string | undefined;
  if (typeof rawId === "string" && rawId !== "") id = rawId;
  else if (typeof rawId === "number") id = String(rawId);
  else if (rawId !== undefined && rawId !== null && rawId !== "") return { ok: false, line, reason: `id must be a string or number` };
  return { ok: true, line, id, paper: { title: o.title as string, summary: o.summary as string } };
}

/** Line numbers (1-based) where each element of a top-level JSON array starts. */
export function arrayElementLines(text: string): number[] {
  const out: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\n") continue;
    if (expectElement && depth === 1 && c !== "]") {
      out.push(line);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === "[" || c === "{") {
      depth++;
      if (depth === 1 && c === "[") expectElement = true;
    } else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 1) expectElement = true;
  }
  return out;
}

async function* readJsonl(path: string, opts: ReadOptions): AsyncGenerator<Row> {
  const stream = createReadStream(path, "utf8");
  stream.on("data", () => opts.onBytes?.(stream.bytesRead));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield { ok: false, line: n, reason: `invalid JSON (${(err as Error).message})` };
      continue;
    }
    yield toRow(value, n);
  }
}

async function* readJson(path: string, opts: ReadOptions): AsyncGenerator<Row> {
  const text = await readFile(path, "utf8");
  opts.onBytes?.(Buffer.byteLength(text));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path}: invalid JSON (${(err as Error).message})`);
  }
  // Accept `[...]` or `{"papers": [...]}` (the body of POST /predict/batch).
  const items = Array.isArray(value) ? value : (value as { papers?: unknown } | null)?.papers;
  if (!Array.isArray(items)) throw new InputError(`${path}: expected a JSON array of papers (or {"papers": [...]})`);
  const lines = arrayElementLines(Array.isArray(value) ? text : text.slice(text.indexOf("[", text.indexOf('"papers"'))));
  const offset = Array.isArray(value) ? 0 : text.slice(0, text.indexOf("[", text.indexOf('"papers"'))).split("\n").length - 1;
  for (let i = 0; i < items.length; i++) yield toRow(items[i], (lines[i] ?? 0) + offset);
}

async function* readCsv(path: string, opts: ReadOptions): AsyncGenerator<Row> {
  const stream = createReadStream(path);
  stream.on("data", () => opts.onBytes?.(stream.bytesRead));
  const skipped: Row[] = [];
  const parser = stream.pipe(
    parse({
      columns: true,
      bom: true,
      skip_empty_lines: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        const e = err as (Error & { lines?: number }) | undefined;
        skipped.push({ ok: false, line: e?.lines ?? 0, reason: e?.message.replace(/^Invalid Record Length: /, "") ?? "unparseable row" });
        return undefined;
      },
    }),
  );
  stream.on("error", (err) => parser.destroy(err));
  let checked = false;
  try {
    for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield* skipped.splice(0);
      if (!checked) {
        checked = true;
        const missing = ["title", "summary"].filter((c) => !(c in rec.record));
        if (missing.length > 0) throw new InputError(`${path}: the header has no ${missing.join(" or ")} column`);
      }
      yield toRow(rec.record, rec.info.lines);
    }
  } catch (err) {
    // A CSV error that ends the file (an unclosed quote) cannot be skipped.
    const e = err as Error & { code?: string; lines?: number };
    if (typeof e.code === "string" && e.code.startsWith("CSV_")) throw new InputError(`${path}:${e.lines ?? "?"}: ${e.message}`);
    throw err;
  }
  yield* skipped.splice(0);
}

/** Streams the rows of an input file; throws InputError for a file that is unreadable as a whole. */
export async function* readPapers(path: string, format: InputFormat, opts: ReadOptions = {}): AsyncGenerator<Row> {
  try {
    await stat(path);
  } catch {
    throw new InputError(`cannot read ${path}`);
  }
  switch (format) {
    case "csv":
      yield* readCsv(path, opts);
      return;
    case "json":
      yield* readJson(path, opts);
      return;
    case "jsonl":
      yield* readJsonl(path, opts);
      return;
    default: {
      const never: never = format;
      throw new InputError(`unknown format ${String(never)}`);
    }
  }
}
