// The export package's model card (`card.json`, format `pipe-export/1`): the one definition of its
// fields, written by the export stage and read back by serving through `parseCard`, and the names a
// transformer export's graph and files carry. The version every prediction carries derives from it.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export const EXPORT_FORMAT = "pipe-export/1";

export type ModelKind = "transformer" | "baseline";
/** The pipeline's two models (the card's `name`, evaluate's champion): the baseline, and the head on DistilBERT. */
export const MODEL_NAMES = ["baseline", "distilbert"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** A transformer export's `model.onnx`: int64 `[batch, seq]` inputs, float32 `[batch, n_classes]` out. */
export const EXPORT_INPUTS = ["input_ids", "attention_mask"] as const;
export const EXPORT_OUTPUT = "probabilities";
/** A saved baseline model's files (artifacts/baseline/, and a baseline export beside card.json). */
export const BASELINE_FILES = ["model.json", "weights.bin"] as const;
/** The tokenizer files a transformer export carries beside model.onnx (vocab.txt when the backbone has one). */
export const EXPORT_TOKENIZER_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"] as const;

export interface FileDigest {
  sha256: string;
  bytes: number;
}

/** card.json as the export stage writes it: what a consumer needs to load and trust the package. */
export interface ExportCard {
  format: typeof EXPORT_FORMAT;
  name: ModelName;
  kind: ModelKind;
  labels: string[];
  /** Every other file of the package's folder. */
  files: Record<string, FileDigest>;
  pretrained: boolean;
  /** Transformer only: the token limit its embeddings were computed with. */
  max_length?: number;
  inputs?: readonly string[];
  output?: string;
  metrics: unknown;
  /** The params groups that shaped the model. */
  params: Record<string, unknown>;
  data_digest: string;
  lock_digest: string | null;
  created: string;
  /** Added by serve/src/quantize.ts to the copy it writes. */
  quantization?: { scheme: string; matmuls: number; gathers: number; source_model_sha256: string };
}

/** A card as serving reads it: the fields checked, in camelCase; the rest kept in `raw` for
 * `--verbose` and `/ready`. */
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

/** Parses card.json's text; throws ModelLoadError naming the bad field. */
export function parseCard(text: string, where: string): ModelCard {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ModelLoadError(`${where}: invalid JSON (${(err as Error).message})`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new ModelLoadError(`${where}: not a JSON object`);
  const o = raw as Partial<Record<keyof ExportCard, unknown>> & Record<string, unknown>;
  const kind = o.kind;
  if (kind !== "transformer" && kind !== "baseline") {
    throw new ModelLoadError(`${where}: "kind" must be "transformer" or "baseline", got ${JSON.stringify(kind)}`);
  }
  const labels = o.labels;
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === "string" && l !== "")) {
    throw new ModelLoadError(`${where}: "labels" must be a non-empty array of strings`);
  }
  const files = o.files ?? {};
  if (files === null || typeof files !== "object" || Array.isArray(files)) {
    throw new ModelLoadError(`${where}: "files" must map each file name to its {sha256, bytes}`);
  }
  const maxLength = typeof o.max_length === "number" && Number.isInteger(o.max_length) && o.max_length > 0 ? o.max_length : null;
  return {
    format: str(o.format) ?? "unknown",
    kind,
    labels: labels as string[],
    files: Object.keys(files),
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
