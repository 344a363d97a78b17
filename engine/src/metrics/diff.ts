// Metrics/params diff as data: two snapshots (file → flat record) become, per file and dotted key,
// `{old, new, diff?}`. Formatting lives in render/metrics-*.ts.
import { compareKeys } from "./flatten.js";
import type { FlatRecord } from "./flatten.js";

/** The metrics (or params) of one side of a comparison: a revision, the workspace, an experiment. */
export interface Snapshot {
  /** Files that were read and parsed, by root-relative path. A declared file absent here is missing. */
  readonly files: Readonly<Record<string, FlatRecord>>;
  /** Files that exist but could not be parsed: path → one-line message. */
  readonly errors: Readonly<Record<string, string>>;
}

export const emptySnapshot: Snapshot = { files: {}, errors: {} };

/**
 * One compared key. `undefined` on a side means the file or key is missing there (parsed JSON/YAML
 * never yields undefined); `diff` is present only when both sides are finite numbers.
 */
export interface DiffEntry {
  readonly old: unknown;
  readonly new: unknown;
  readonly diff?: number;
}

/** path → dotted key → entry; both levels sorted. */
export type MetricsDiff = Readonly<Record<string, Readonly<Record<string, DiffEntry>>>>;

export interface DiffOptions {
  /** Keep unchanged keys (`--all`). */
  readonly all?: boolean;
}

/** Compares two snapshots key by key. Files only on one side show every key against `undefined`. */
export function diffSnapshots(a: Snapshot, b: Snapshot, opts: DiffOptions = {}): MetricsDiff {
  const paths = [...new Set([...Object.keys(a.files), ...Object.keys(b.files)])].sort(compareKeys);
  const out: Record<string, Record<string, DiffEntry>> = {};
  for (const path of paths) {
    const fa = a.files[path] ?? {};
    const fb = b.files[path] ?? {};
    const keys = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort(compareKeys);
    const rows: Record<string, DiffEntry> = {};
    for (const key of keys) {
      const entry = diffValues(fa[key], fb[key]);
      if (opts.all === true || !sameValue(entry.old, entry.new)) rows[key] = entry;
    }
    if (Object.keys(rows).length > 0) out[path] = rows;
  }
  return out;
}

export function diffValues(oldValue: unknown, newValue: unknown): DiffEntry {
  if (isFiniteNumber(oldValue) && isFiniteNumber(newValue)) {
    return { old: oldValue, new: newValue, diff: roundDiff(newValue - oldValue) };
  }
  return { old: oldValue, new: newValue };
}

/** Removes floating-point noise (0.84 - 0.81 = 0.030000000000000027 → 0.03). */
export function roundDiff(d: number): number {
  return d === 0 ? 0 : Number.parseFloat(d.toPrecision(12));
}

export const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Structural equality for JSON-like values. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Merges the per-file parse errors of both sides, labelled by side, sorted. */
export function snapshotErrors(sides: ReadonlyArray<{ label: string; snapshot: Snapshot }>): string[] {
  const lines: string[] = [];
  for (const { label, snapshot } of sides) {
    for (const path of Object.keys(snapshot.errors).sort(compareKeys)) {
      lines.push(`${label}: ${snapshot.errors[path] ?? ""}`);
    }
  }
  return lines;
}
