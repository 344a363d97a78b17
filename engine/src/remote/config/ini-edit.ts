// Pure edits of a parsed INI document (set a key, unset it, drop a section) and its serializer.
// Lines not edited keep their text, so other sections, keys and comments survive a rewrite.
import type { IniDocument, IniLine } from "./ini.js";

/** The empty document of a file not written yet. */
export const emptyIni = (file: string): IniDocument => ({ file, lines: [] });

export function serializeIni(doc: IniDocument): string {
  const text = doc.lines.flatMap((l) => l.raw).join("\n");
  return text === "" ? "" : `${text}\n`;
}

/**
 * `key = value` in `[section]`: the key's line replaced in place, or added at the section's end. A new
 * section goes at the file's end, or with `first` before the other sections (where DVC keeps `[core]`).
 */
export function setEntry(doc: IniDocument, section: string, key: string, value: string, opts: { readonly first?: boolean } = {}): IniDocument {
  const span = sectionSpan(doc, section);
  const entry = (indent: string): IniLine => ({ kind: "entry", key, value, line: 0, raw: [`${indent}${key} = ${quoteValue(value)}`] });
  if (span === null) {
    const lines = [...doc.lines];
    const header: IniLine = { kind: "section", name: section, line: 0, raw: [sectionHeader(section)] };
    const firstHeader = lines.findIndex((l) => l.kind === "section");
    const at = opts.first === true && firstHeader >= 0 ? firstHeader : lines.length;
    lines.splice(at, 0, header, entry(section === "" ? "" : "    "));
    return { ...doc, lines };
  }
  const lines = [...doc.lines];
  for (let i = span.start; i < span.end; i++) {
    const l = lines[i];
    if (l?.kind === "entry" && l.key === key) {
      lines[i] = entry(indentOf(l.raw[0] ?? ""));
      return { ...doc, lines };
    }
  }
  let last = span.start - 1;
  let indent = section === "" ? "" : "    ";
  for (let i = span.start; i < span.end; i++) {
    const l = lines[i];
    if (l?.kind === "entry") {
      last = i;
      indent = indentOf(l.raw[0] ?? "");
    }
  }
  // No entry yet: right after the header (for the root section, before the first header).
  const at = last >= 0 ? last + 1 : span.start;
  lines.splice(at, 0, entry(indent));
  return { ...doc, lines };
}

/** Removes `key` from `[section]`; a section left with no keys goes too (as configobj drops empty sections). */
export function unsetEntry(doc: IniDocument, section: string, key: string): IniDocument {
  const span = sectionSpan(doc, section);
  if (span === null) return doc;
  const lines = doc.lines.filter((l, i) => !(i >= span.start && i < span.end && l.kind === "entry" && l.key === key));
  const after = { ...doc, lines };
  const left = sectionSpan(after, section);
  if (left === null || section === "") return after;
  const hasEntries = after.lines.slice(left.start, left.end).some((l) => l.kind === "entry");
  return hasEntries ? after : { ...after, lines: after.lines.filter((_, i) => i !== left.start - 1) };
}

/** Removes the section's header and every line up to the next header. */
export function removeSection(doc: IniDocument, section: string): IniDocument {
  const span = sectionSpan(doc, section);
  if (span === null) return doc;
  const from = section === "" ? span.start : span.start - 1;
  return { ...doc, lines: doc.lines.filter((_, i) => i < from || i >= span.end) };
}

/** The header text configobj writes for a section name: `[core]`, `['remote "storage"']`. */
export const sectionHeader = (name: string): string => `[${quoteValue(name)}]`;

/**
 * A value as configobj writes it: bare unless it is empty, starts or ends with a space or a quote,
 * or holds `,` or `#`; then in the quote it does not contain. Values with both quotes or a newline
 * are refused by the callers (validateValue) before they get here.
 */
export function quoteValue(value: string): string {
  if (value === "") return '""';
  const edge = /^[\s'"]|[\s'"]$/.test(value);
  if (!edge && !value.includes(",") && !value.includes("#")) return value;
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

/** Why a value cannot be written, or null. */
export function unwritableValue(value: string): string | null {
  if (/[\r\n]/.test(value)) return "a value cannot span lines";
  if (value.includes("'") && value.includes('"')) return "a value cannot hold both ' and \"";
  return null;
}

/** Lines [start, end) of a section's body (for a new section: null). */
function sectionSpan(doc: IniDocument, section: string): { start: number; end: number } | null {
  const at = section === "" ? -1 : doc.lines.findIndex((l) => l.kind === "section" && l.name === section);
  if (section !== "" && at < 0) return null;
  const start = at + 1;
  let end = start;
  while (end < doc.lines.length && doc.lines[end]?.kind !== "section") end++;
  return { start, end };
}

const indentOf = (text: string): string => /^\s*/.exec(text)?.[0] ?? "";
