// Reads and checks an export package's model card (`card.json`, format `pipe-export/1`), the one
// place that knows its fields; the version string that every prediction carries derives from it.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export type ModelKind = "transformer" | "baseline";

/** The fields serving needs; the rest of the card is kept in `raw` for `--verbose` and `/ready`. */
export interface ModelCard {
  readonly format: string;
  readonly kind: ModelKind;
  readonly labels: readonly string[];
  readonly files: readonly string[];
  readonly maxLength: number | null;
  readonly pretrained: boolean | null;
  readonly dataDigest: string | null;
  readonly lockDigest: string | null;
  readonly created: string | null;
  /** sha256 of card.json's bytes (first 16 hex): the card names the data, lock and files, so it
   * identifies the model; answers carry it as `model_version`. */
  readonly version: string;
  readonly raw: Readonly<Record<string, unknown>>;
}

/** An expected failure loading a model package: printed as one line by the CLIs. */
export class ModelLoadError extends Error {
  override name = "ModelLoadError";
}

function str(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}

function fileList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  // Also accept `{ "model.onnx": {sha256, bytes}, ... }`.
  if (v !== null && typeof v === "object") return Object.keys(v);
  return [];
}

/** Parses card.json's text; throws ModelLoadError naming the bad field. */
export function parseCard(text: string, where: string): ModelCard {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ModelLoadError(`${where}: invalid JSON (${(err as Error).message})`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new ModelLoadError(`${where}: not a JSON object`);
  const o = raw as Record<string, unknown>;
  const kind = o.kind;
  if (kind !== "transformer" && kind !== "baseline") {
    throw new ModelLoadError(`${where}: "kind" must be "transformer" or "baseline", got ${JSON.stringify(kind)}`);
  }
  const labels = o.labels;
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === "string" && l !== "")) {
    throw new ModelLoadError(`${where}: "labels" must be a non-empty array of strings`);
  }
  const maxLength = typeof o.max_length === "number" && Number.isInteger(o.max_length) && o.max_length > 0 ? o.max_length : null;
  return {
    format: str(o.format) ?? "unknown",
    kind,
    labels: labels as string[],
    files: fileList(o.files),
    maxLength,
    pretrained: typeof o.pretrained === "boolean" ? o.pretrained : null,
    dataDigest: str(o.data_digest),
    lockDigest: str(o.lock_digest),
    created: str(o.created),
    version: createHash("sha256").update(text).digest("hex").slice(0, 16),
    raw: o,
  };
}

export async function readCard(dir: string): Promise<ModelCard> {
  const path = join(dir, "card.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new ModelLoadError(`cannot read ${path}: is ${dir} an export package (run \`pipe repro export\`)?`);
  }
  return parseCard(text, path);
}
