// CSV in and out: stream-parse a (gzip'd) RFC 4180 file with csv-parse, quoted multi-line fields
// included; and write small CSVs (plots) with minimal quoting.
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import type { Readable } from "node:stream";
import { parse } from "csv-parse";
import { StageError } from "./io.js";

export interface CsvReadOptions {
  /** Called with the compressed bytes read so far, for a progress bar. */
  onBytes?: (bytes: number) => void;
  /** Columns that must be present in the header row. */
  required?: readonly string[];
}

/** Yields one record per data row, keyed by the header row's column names. */
export async function* readCsvGz(path: string, opts: CsvReadOptions = {}): AsyncGenerator<Record<string, string>> {
  const file = createReadStream(path);
  let bytes = 0;
  file.on("data", (chunk) => {
    bytes += chunk.length;
    opts.onBytes?.(bytes);
  });
  const input: Readable = path.endsWith(".gz") ? file.pipe(createGunzip()) : file;
  file.on("error", (err) => input.destroy(err));
  const parser = input.pipe(parse({ columns: true, relax_column_count: false, bom: true, skip_empty_lines: true }));
  input.on("error", (err: Error) => parser.destroy(err));
  let checked = false;
  try {
    for await (const rec of parser as AsyncIterable<Record<string, string>>) {
      if (!checked) {
        checked = true;
        const missing = (opts.required ?? []).filter((c) => !(c in rec));
        if (missing.length > 0) throw new StageError(`${path}: missing column(s) ${missing.join(", ")}`);
      }
      yield rec;
    }
  } catch (err) {
    if (err instanceof StageError) throw err;
    throw new StageError(`${path}: cannot read CSV (${(err as Error).message})`);
  } finally {
    file.destroy();
  }
}

/** Quotes a field only when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV text with a header row and `\n` line ends. */
export function toCsv(header: readonly string[], rows: Iterable<readonly (string | number)[]>): string {
  const lines = [header.map(csvField).join(",")];
  for (const row of rows) lines.push(row.map(csvField).join(","));
  return `${lines.join("\n")}\n`;
}
