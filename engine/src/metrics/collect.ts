// Reads the declared metrics files and params of one side (workspace, a git revision) into a
// Snapshot of flat records; parse errors are collected per file, never thrown.
import { getPath } from "../config/paths.js";
import { compareKeys, flatten, parseMetricsText } from "./flatten.js";
import type { DeclaredParam } from "./declared.js";
import type { Snapshot } from "./diff.js";
import type { TreeReader } from "./trees.js";

/** Reads and flattens each metrics file; a missing file is simply absent from the snapshot. */
export async function readMetrics(reader: TreeReader, paths: readonly string[]): Promise<Snapshot> {
  const files: Record<string, Record<string, unknown>> = {};
  const errors: Record<string, string> = {};
  for (const path of [...paths].sort(compareKeys)) {
    const text = await reader.readText(path);
    if (text === undefined) continue;
    const parsed = parseMetricsText(path, text);
    if (parsed.ok) files[path] = flatten(parsed.value);
    else errors[path] = parsed.error;
  }
  return { files, errors };
}

/**
 * Reads the declared params: each key reference contributes that key (flattened below it when it
 * holds a mapping), a whole-file reference every key of the file. Keys absent on this side are omitted.
 */
export async function readParams(reader: TreeReader, refs: readonly DeclaredParam[]): Promise<Snapshot> {
  const byFile = new Map<string, (string | null)[]>();
  for (const r of refs) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r.key]);
  const files: Record<string, Record<string, unknown>> = {};
  const errors: Record<string, string> = {};
  for (const file of [...byFile.keys()].sort(compareKeys)) {
    const text = await reader.readText(file);
    if (text === undefined) continue;
    const parsed = parseMetricsText(file, text);
    if (!parsed.ok) {
      errors[file] = parsed.error;
      continue;
    }
    const flat: Record<string, unknown> = {};
    for (const key of byFile.get(file) ?? []) {
      if (key === null) Object.assign(flat, flatten(parsed.value));
      else {
        const found = getPath(parsed.value, key);
        if (found.found) Object.assign(flat, flatten(found.value, key));
      }
    }
    files[file] = flatten(flat);
  }
  return { files, errors };
}
