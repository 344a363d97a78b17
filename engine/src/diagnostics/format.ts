// Prints diagnostics the one way pipe shows them: `file:line:col severity code: message`, the
// source line and a `~~~` underline, related notes indented below. Pure: data in, string out.
import type { Diagnostic, RelatedInfo, SourceLocation } from "./types.js";

type LineLookup = (file: string, line: number) => string | undefined;

/** Formats one diagnostic; `sources` maps a root-relative file to its text (for the snippet). */
export function formatDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, string>): string {
  return formatWith(d, lineLookup(sources));
}

/** Formats every diagnostic, then a count line such as `2 errors, 1 warning`. */
export function formatDiagnostics(list: readonly Diagnostic[], sources: ReadonlyMap<string, string>): string {
  const lookup = lineLookup(sources);
  const blocks = list.map((d) => formatWith(d, lookup));
  blocks.push(countLine(list));
  return blocks.join("\n");
}

/** `2 errors`, `1 error, 3 warnings`, `0 errors`. */
export function countLine(list: readonly Diagnostic[]): string {
  let errors = 0;
  let warnings = 0;
  for (const d of list) {
    if (d.severity === "error") errors++;
    else warnings++;
  }
  const parts = [plural(errors, "error")];
  if (warnings > 0) parts.push(plural(warnings, "warning"));
  return parts.join(", ");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function formatWith(d: Diagnostic, lookup: LineLookup): string {
  const head = `${d.severity} ${d.code}: ${d.message}`;
  const lines = d.location ? [`${where(d.location)} ${head}`, ...snippet(d.location, lookup, "")] : [head];
  for (const r of d.related ?? []) lines.push(...relatedLines(r, lookup));
  return lines.join("\n");
}

function relatedLines(r: RelatedInfo, lookup: LineLookup): string[] {
  return [`  ${where(r.location)} info: ${r.message}`, ...snippet(r.location, lookup, "  ")];
}

function where(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** The source line and its underline, or nothing when the text is unknown. */
function snippet(loc: SourceLocation, lookup: LineLookup, indent: string): string[] {
  const text = lookup(loc.file, loc.line);
  if (text === undefined) return [];
  const num = String(loc.line);
  const gutter = " ".repeat(num.length);
  const start = Math.max(1, Math.min(loc.col, text.length + 1));
  const end = Math.max(start + 1, Math.min(loc.endCol ?? start + 1, text.length + 1));
  // Keep tabs in the padding so the underline lines up with the source line.
  const pad = text.slice(0, start - 1).replace(/[^\t]/g, " ");
  return [`${indent}  ${num} | ${text}`, `${indent}  ${gutter} | ${pad}${"~".repeat(end - start)}`];
}

function lineLookup(sources: ReadonlyMap<string, string>): LineLookup {
  const split = new Map<string, readonly string[]>();
  return (file, line) => {
    let lines = split.get(file);
    if (lines === undefined) {
      const text = sources.get(file);
      if (text === undefined) return undefined;
      lines = text.split(/\r?\n/);
      split.set(file, lines);
    }
    return lines[line - 1];
  };
}
