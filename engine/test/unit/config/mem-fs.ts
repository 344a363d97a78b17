// In-memory ConfigFs for config tests: files keyed by path relative to a fake root.
import { loadPipeline, type ConfigFs, type Pipeline } from "../../../src/config/index.js";
import type { Diagnostic } from "../../../src/diagnostics/index.js";

export const ROOT = "/proj";

export function memFs(files: Record<string, string>): ConfigFs {
  const abs = new Map(Object.entries(files).map(([k, v]) => [`${ROOT}/${k}`, v]));
  return {
    readText: (p) => abs.get(p) ?? null,
    exists: (p) => abs.has(p),
  };
}

/** Loads and expects success. */
export function load(files: Record<string, string>, file?: string): Pipeline {
  const r = loadPipeline(ROOT, { fs: memFs(files), ...(file === undefined ? {} : { file }) });
  if (!r.ok) throw new Error(`expected success, got:\n${r.error.map((d) => `${d.code} ${d.message}`).join("\n")}`);
  return r.value;
}

/** Loads and expects failure; returns the diagnostics. */
export function fail(files: Record<string, string>): Diagnostic[] {
  const r = loadPipeline(ROOT, { fs: memFs(files) });
  if (r.ok) throw new Error("expected diagnostics, got a valid pipeline");
  return r.error;
}

/** `code@line:col` for compact assertions. */
export function brief(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => `${d.code}@${d.location ? `${d.location.line}:${d.location.col}` : "-"}`);
}
