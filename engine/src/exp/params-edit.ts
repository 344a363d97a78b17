// Applying `-S` overrides to params files in place and putting the original bytes back afterwards.
// YAML files are edited through `yaml`'s Document API so comments and layout survive; JSON files
// are rewritten with two-space indentation.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isScalar, parseDocument } from "yaml";
import { getPath } from "../config/paths.js";
import type { Result } from "../diagnostics/types.js";
import { err, ok } from "../diagnostics/types.js";
import type { FileValues } from "./types.js";

/** Checks every overridden key exists in its params file: a typo is a one-line error, not a new key. */
export function checkOverrides(root: string, overrides: FileValues): Result<void, string> {
  for (const [file, kv] of Object.entries(overrides)) {
    const text = readOrNull(join(root, file));
    if (text === null) return err(`params file ${file} does not exist`);
    const data: unknown = isJson(file) ? safeJson(text) : parseDocument(text).toJS();
    for (const key of Object.keys(kv)) {
      if (!getPath(data, key).found) return err(`unknown param key "${key}" in ${file}`);
    }
  }
  return ok(undefined);
}

/** Rewrites one params file's text with new values at dotted keys (pure). */
export function setParamsText(file: string, text: string, values: Readonly<Record<string, unknown>>): string {
  if (isJson(file)) {
    const data = (safeJson(text) ?? {}) as Record<string, unknown>;
    for (const [key, v] of Object.entries(values)) setJsonPath(data, key.split("."), v);
    return JSON.stringify(data, null, 2) + "\n";
  }
  const doc = parseDocument(text);
  for (const [key, v] of Object.entries(values)) {
    const path = key.split(".");
    const node = doc.getIn(path, true);
    if (isScalar(node) && (v === null || typeof v !== "object"))
      node.value = v; // keeps the node's comment
    else doc.setIn(path, v);
  }
  return doc.toString();
}

/** Handle to undo `applyOverrides`; `restore()` is synchronous so signal handlers can call it. */
export interface AppliedParams {
  restore(): void;
}

/** Writes the overrides into the params files, remembering the original text of each. */
export function applyOverrides(root: string, overrides: FileValues): AppliedParams {
  const originals = new Map<string, string>();
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    for (const [abs, text] of originals) writeFileSync(abs, text);
  };
  try {
    for (const [file, kv] of Object.entries(overrides)) {
      const abs = join(root, file);
      const text = readFileSync(abs, "utf8");
      originals.set(abs, text);
      writeFileSync(abs, setParamsText(file, text, kv));
    }
  } catch (e) {
    restore();
    throw e;
  }
  return { restore };
}

/** Writes values into params files for good (`pipe exp apply`). */
export function writeParams(root: string, values: FileValues): void {
  for (const [file, kv] of Object.entries(values)) {
    const abs = join(root, file);
    writeFileSync(abs, setParamsText(file, readOrNull(abs) ?? "", kv));
  }
}

const isJson = (file: string): boolean => file.toLowerCase().endsWith(".json");

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function readOrNull(abs: string): string | null {
  try {
    return readFileSync(abs, "utf8");
  } catch {
    return null;
  }
}

function setJsonPath(obj: Record<string, unknown>, path: readonly string[], v: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    obj[head] = v;
    return;
  }
  const child = obj[head];
  const next = typeof child === "object" && child !== null && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
  obj[head] = next;
  setJsonPath(next, rest, v);
}
