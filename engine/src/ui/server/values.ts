// Flattened values as the table shows them: `file:dotted.key` → a scalar (arrays and objects as
// their JSON text, non-finite numbers as text), from a snapshot or an experiment's record.
import type { Scalar } from "../api.js";

type Files = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export function toScalar(v: unknown): Scalar {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "string" || typeof v === "boolean") return v;
  return JSON.stringify(v) ?? null;
}

export const columnKey = (file: string, key: string): string => `${file}:${key}`;

export function flatColumns(files: Files): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [file, keys] of Object.entries(files)) for (const [key, v] of Object.entries(keys)) out[columnKey(file, key)] = toScalar(v);
  return out;
}
