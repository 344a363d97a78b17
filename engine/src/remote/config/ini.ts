// A reader for the INI dialect DVC writes with configobj (`.dvc/config`) and pipe writes the same
// way (`.pipe/config`): `[section]` or `['quoted section']`, `key = value` with optional quotes and
// `#` comments. Pure: text in, a line-preserving document (or one diagnostic naming file:line) out.
import type { Diagnostic } from "../../diagnostics/index.js";
import { err, ok, type Result } from "../../diagnostics/index.js";

/** One logical line of the file; `raw` holds its source lines (several for a `'''` value), kept for rewriting. */
export type IniLine =
  | { readonly kind: "blank" | "comment"; readonly line: number; readonly raw: readonly string[] }
  /** `name` is unquoted and lower-cased (DVC lower-cases every section and key it reads). */
  | { readonly kind: "section"; readonly name: string; readonly line: number; readonly raw: readonly string[] }
  | { readonly kind: "entry"; readonly key: string; readonly value: string; readonly line: number; readonly raw: readonly string[] };

/** A parsed file: its lines in order. Entries before the first header belong to the root section `""`. */
export interface IniDocument {
  readonly file: string;
  readonly lines: readonly IniLine[];
}

export interface IniSection {
  readonly name: string;
  /** Line of the header (0 for the root section). */
  readonly line: number;
  readonly entries: ReadonlyMap<string, { readonly value: string; readonly line: number }>;
}

type Scan<T> = { readonly ok: true; readonly value: T; readonly rest: string } | { readonly ok: false; readonly message: string };

/** Thrown inside the scanner only; parseIni turns it into the diagnostic. */
class IniSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

export function parseIni(file: string, text: string): Result<IniDocument, Diagnostic> {
  try {
    const doc = { file, lines: scanLines(text.replace(/^\uFEFF/, "").split(/\r?\n/)) };
    checkDuplicates(doc);
    return ok(doc);
  } catch (e) {
    if (!(e instanceof IniSyntaxError)) throw e;
    return err({ severity: "error", code: "config-syntax", message: e.message, location: { file, line: e.line, col: e.col } });
  }
}

/** The sections of a document, by lower-cased name, in file order. */
export function sectionsOf(doc: IniDocument): Map<string, IniSection> {
  const out = new Map<string, IniSection>();
  let current: { name: string; line: number; entries: Map<string, { value: string; line: number }> } = { name: "", line: 0, entries: new Map() };
  out.set("", current);
  for (const l of doc.lines) {
    if (l.kind === "section") {
      current = { name: l.name, line: l.line, entries: new Map() };
      out.set(l.name, current);
    } else if (l.kind === "entry") current.entries.set(l.key, { value: l.value, line: l.line });
  }
  if (out.get("")?.entries.size === 0) out.delete("");
  return out;
}

function scanLines(src: readonly string[]): IniLine[] {
  const lines: IniLine[] = [];
  // A final newline leaves one empty string behind: not a line of the file.
  const count = src.length > 0 && src[src.length - 1] === "" ? src.length - 1 : src.length;
  for (let i = 0; i < count; i++) {
    const text = src[i] ?? "";
    const line = i + 1;
    const trimmed = text.trim();
    if (trimmed === "") lines.push({ kind: "blank", line, raw: [text] });
    else if (trimmed.startsWith("#")) lines.push({ kind: "comment", line, raw: [text] });
    else if (trimmed.startsWith("[")) lines.push({ kind: "section", name: sectionName(text, line), line, raw: [text] });
    else {
      const entry = scanEntry(src, i, count);
      lines.push({ kind: "entry", key: entry.key, value: entry.value, line, raw: src.slice(i, entry.end + 1) });
      i = entry.end;
    }
  }
  return lines;
}

function sectionName(text: string, line: number): string {
  const indent = text.length - text.trimStart().length;
  let rest = text.trimStart();
  let depth = 0;
  while (rest.startsWith("[")) {
    depth++;
    rest = rest.slice(1);
  }
  if (depth > 1) throw new IniSyntaxError("nested sections ([[...]]) are not supported", line, indent + 1);
  rest = rest.trimStart();
  const name = scanToken(rest, "]");
  if (!name.ok) throw new IniSyntaxError(`section header: ${name.message}`, line, indent + 1);
  const after = name.rest.trimStart();
  if (!after.startsWith("]")) throw new IniSyntaxError("section header has no closing ]", line, indent + 1);
  const tail = after.slice(1).trim();
  if (tail.startsWith("]")) throw new IniSyntaxError("unbalanced brackets in section header", line, indent + 1);
  if (tail !== "" && !tail.startsWith("#")) throw new IniSyntaxError(`unexpected text after the section header: ${tail}`, line, indent + 1);
  const value = name.value.trim();
  if (value === "") throw new IniSyntaxError("empty section name", line, indent + 1);
  return value.toLowerCase();
}

function scanEntry(src: readonly string[], i: number, count: number): { key: string; value: string; end: number } {
  const text = src[i] ?? "";
  const line = i + 1;
  const indent = text.length - text.trimStart().length;
  const key = scanToken(text.trimStart(), "=");
  if (!key.ok) throw new IniSyntaxError(`key: ${key.message}`, line, indent + 1);
  const name = key.value.trim();
  const afterKey = key.rest.trimStart();
  if (!afterKey.startsWith("=") || name === "") {
    throw new IniSyntaxError(`invalid line (expected [section], key = value or a # comment): ${text.trim()}`, line, indent + 1);
  }
  const col = text.length - afterKey.length + 2;
  const valueText = afterKey.slice(1).trimStart();
  const triple = valueText.startsWith("'''") ? "'''" : valueText.startsWith('"""') ? '"""' : null;
  if (triple !== null) return { key: name.toLowerCase(), ...scanTriple(src, i, count, valueText.slice(3), triple, col) };
  const value = scanToken(valueText, "#");
  if (!value.ok) throw new IniSyntaxError(`value of ${name}: ${value.message}`, line, col);
  const tail = value.rest.trim();
  if (tail.startsWith(",")) throw new IniSyntaxError(`value of ${name}: lists are not supported`, line, col);
  if (tail !== "" && !tail.startsWith("#")) throw new IniSyntaxError(`value of ${name}: unexpected text after the closing quote: ${tail}`, line, col);
  return { key: name.toLowerCase(), value: value.value, end: i };
}

/** A `'''...'''` value, possibly over several lines. */
function scanTriple(src: readonly string[], i: number, count: number, first: string, quote: string, col: number): { value: string; end: number } {
  const parts: string[] = [];
  let text = first;
  for (let j = i; j < count; j++) {
    if (j > i) text = src[j] ?? "";
    const close = text.indexOf(quote);
    if (close >= 0) {
      parts.push(text.slice(0, close));
      const tail = text.slice(close + 3).trim();
      if (tail !== "" && !tail.startsWith("#")) throw new IniSyntaxError(`unexpected text after the closing ${quote}: ${tail}`, j + 1, 1);
      return { value: parts.join("\n"), end: j };
    }
    parts.push(text);
  }
  throw new IniSyntaxError(`unterminated ${quote} value`, i + 1, col);
}

/**
 * A quoted (`'...'`, `"..."`) or bare token. A bare token runs up to `stop` (`]` for a header, `=` for
 * a key, `#` for a value); a quoted one to its closing quote, with no escapes (configobj has none).
 */
function scanToken(text: string, stop: string): Scan<string> {
  const q = text[0];
  if (q === "'" || q === '"') {
    const close = text.indexOf(q, 1);
    if (close < 0) return { ok: false, message: `unterminated ${q}quoted${q} text` };
    return { ok: true, value: text.slice(1, close), rest: text.slice(close + 1) };
  }
  const at = text.indexOf(stop);
  return at < 0 ? { ok: true, value: text.trimEnd(), rest: "" } : { ok: true, value: text.slice(0, at).trimEnd(), rest: text.slice(at) };
}

function checkDuplicates(doc: IniDocument): void {
  const sections = new Map<string, number>();
  let keys = new Map<string, number>();
  let section = "";
  for (const l of doc.lines) {
    if (l.kind === "section") {
      const first = sections.get(l.name);
      if (first !== undefined) throw new IniSyntaxError(`duplicate section [${l.name}] (first at line ${first})`, l.line, 1);
      sections.set(l.name, l.line);
      section = l.name;
      keys = new Map();
    } else if (l.kind === "entry") {
      const first = keys.get(l.key);
      const where = section === "" ? "before any section" : `in [${section}]`;
      if (first !== undefined) throw new IniSyntaxError(`duplicate key ${l.key} ${where} (first at line ${first})`, l.line, 1);
      keys.set(l.key, l.line);
    }
  }
}
