// A parsed YAML/JSON source file and its line index: turns `yaml` node ranges (offsets) into
// SourceLocations, and the parser's own errors into `yaml-syntax` / `json-syntax` diagnostics.
import { LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { Diagnostic, SourceLocation } from "../diagnostics/types.js";

export interface Source {
  /** Root-relative path, as shown in diagnostics. */
  readonly file: string;
  readonly text: string;
  readonly lines: LineCounter;
}

export function locAt(src: Source, start: number, end: number = start + 1): SourceLocation {
  const s = linePos(src, start);
  let endCol: number;
  if (end > start) {
    const e = linePos(src, end);
    endCol = e.line === s.line ? e.col : s.col + lineRest(src.text, start);
  } else endCol = s.col + 1;
  return { file: src.file, line: s.line, col: s.col, endCol: Math.max(endCol, s.col + 1) };
}

function linePos(src: Source, offset: number): { line: number; col: number } {
  const p = src.lines.linePos(offset);
  return p.line === 0 ? { line: 1, col: offset + 1 } : p;
}

/** Characters from `offset` to the end of its line. */
function lineRest(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  const end = nl === -1 ? text.length : text[nl - 1] === "\r" ? nl - 1 : nl;
  return Math.max(1, end - offset);
}

/** Location of a node's value (not its trailing comment), or the start of the file. */
export function nodeLoc(src: Source, node: Node | null | undefined): SourceLocation {
  const r = node?.range;
  if (!r) return { file: src.file, line: 1, col: 1 };
  return locAt(src, r[0], r[1]);
}

export interface ParsedYaml {
  readonly src: Source;
  readonly doc: Document.Parsed;
  /** False when the parser reported errors (the document is then not trustworthy). */
  readonly ok: boolean;
}

/** Parses YAML keeping positions; duplicate keys are left for the validator to report precisely. */
export function parseYaml(file: string, text: string, diags: Diagnostic[]): ParsedYaml {
  const lines = new LineCounter();
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const doc = parseDocument(clean, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const src: Source = { file, text: clean, lines };
  for (const e of doc.errors) {
    diags.push({
      severity: "error",
      code: "yaml-syntax",
      message: e.message.split("\n")[0] ?? e.message,
      location: locAt(src, e.pos[0], e.pos[1]),
    });
  }
  return { src, doc, ok: doc.errors.length === 0 };
}

/** Parses JSON with the built-in parser (exact JSON semantics), reporting its error position. */
export function parseJson(file: string, text: string, diags: Diagnostic[]): { ok: true; value: unknown } | { ok: false } {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(clean) as unknown };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = /position (\d+)/.exec(message);
    const lines = new LineCounter();
    lines.addNewLine(0);
    for (let i = clean.indexOf("\n"); i !== -1; i = clean.indexOf("\n", i + 1)) lines.addNewLine(i + 1);
    const src: Source = { file, text: clean, lines };
    const pos = at ? Number(at[1]) : 0;
    diags.push({
      severity: "error",
      code: "json-syntax",
      message: message.replace(/ in JSON at position \d+.*$/, "").replace(/\s*\(line \d+ column \d+\)$/, ""),
      location: locAt(src, pos, pos + 1),
    });
    return { ok: false };
  }
}
