// Stage `export`: packages the champion of metrics/eval.json as a self-describing folder
// artifacts/export/ (card.json, format pipe-export/1); with export.both, the other model too under
// artifacts/export/<model>/. A transformer export is one ONNX graph from token ids to probabilities.
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { StageError, readJson, runStage, sha256File, writeJsonAtomic } from "#common/io.js";
import { projectRoot, readParams } from "#common/params.js";
import {
  BASELINE_FILES,
  EXPORT_FORMAT,
  EXPORT_INPUTS,
  EXPORT_OUTPUT,
  EXPORT_TOKENIZER_FILES,
  MODEL_NAMES,
  type ExportCard,
  type ModelName,
} from "#model-contract/export-card.js";
import type { HeadJson } from "#model-contract/head-model.js";
import { buildExportGraph } from "#transformer/export-graph.js";

/** The params groups that shaped each model, copied into its card. */
const PARAM_GROUPS: Record<ModelName, readonly string[]> = {
  baseline: ["split", "baseline"],
  distilbert: ["split", "model", "distilbert", "train"],
};

interface EvalJson {
  champion: ModelName;
  floor?: unknown;
  models: Record<string, unknown>;
}

function need(path: string, what: string): string {
  if (!existsSync(path)) throw new StageError(`missing ${path} (${what}); did its stage run?`);
  return path;
}

/** Writes one model's files into `dir` (which must be empty); returns the kind-specific card part. */
async function writeModel(root: string, model: ModelName, dir: string): Promise<Pick<ExportCard, "kind" | "pretrained"> & Partial<ExportCard>> {
  await mkdir(dir, { recursive: true });
  if (model === "baseline") {
    const src = join(root, "artifacts/baseline");
    for (const f of BASELINE_FILES) await copyFile(need(join(src, f), "the baseline model"), join(dir, f));
    return { kind: "baseline", pretrained: false };
  }
  const backbone = join(root, "artifacts/backbone");
  const headPath = need(join(root, "artifacts/head/head.json"), "the classifier head");
  const head = await readJson<HeadJson>(headPath);
  try {
    buildExportGraph(need(join(backbone, "onnx/model.onnx"), "the backbone"), head, join(dir, "model.onnx"));
  } catch (err) {
    throw new StageError(`cannot build the export graph: ${(err as Error).message}`);
  }
  for (const f of EXPORT_TOKENIZER_FILES) {
    if (existsSync(join(backbone, f))) await copyFile(join(backbone, f), join(dir, f));
    else if (f !== "vocab.txt") throw new StageError(`missing ${join(backbone, f)} (tokenizer file of the backbone)`);
  }
  const meta = await readJson<{ max_length?: number; pretrained?: boolean }>(join(root, "data/embeddings/meta.json"));
  if (typeof meta.max_length !== "number") throw new StageError("data/embeddings/meta.json has no max_length");
  const card = await readJson<{ pretrained?: boolean }>(need(join(backbone, "card.json"), "the backbone card"));
  return {
    kind: "transformer",
    pretrained: card.pretrained === true && head.pretrained !== false,
    max_length: meta.max_length,
    inputs: EXPORT_INPUTS,
    output: EXPORT_OUTPUT,
  };
}

async function digestFiles(dir: string): Promise<ExportCard["files"]> {
  const files: ExportCard["files"] = {};
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.isFile() && entry.name !== "card.json") files[entry.name] = await sha256File(join(dir, entry.name));
  }
  return files;
}

async function main(): Promise<void> {
  const root = projectRoot();
  const all = readParams();
  const exp = (all.export ?? {}) as { both?: unknown };
  if (exp.both !== undefined && typeof exp.both !== "boolean") throw new StageError(`export.both must be true or false, got ${JSON.stringify(exp.both)}`);
  const evalJson = await readJson<EvalJson>(join(root, "metrics/eval.json"));
  const champion = evalJson.champion;
  if (!MODEL_NAMES.includes(champion)) throw new StageError(`metrics/eval.json: unknown champion ${JSON.stringify(champion)}`);
  const labels = await readJson<string[]>(join(root, "data/processed/labels.json"));
  const data = await sha256File(need(join(root, "data/raw/arxiv-papers.csv.gz"), "the raw data"));
  const lockPath = join(root, "pipeline.lock");
  const lockDigest = existsSync(lockPath) ? (await sha256File(lockPath)).sha256 : null;
  const created = new Date().toISOString();

  const outDir = join(root, "artifacts/export");
  const staging = `${outDir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    const models = exp.both === true ? [champion, ...MODEL_NAMES.filter((m) => m !== champion)] : [champion];
    for (const model of models) {
      const dir = model === champion ? staging : join(staging, model);
      const part = await writeModel(root, model, dir);
      const params = Object.fromEntries(PARAM_GROUPS[model].filter((g) => all[g] !== undefined).map((g) => [g, all[g]]));
      const card: ExportCard = {
        format: EXPORT_FORMAT,
        name: model,
        ...part,
        labels,
        files: await digestFiles(dir),
        metrics: { ...(evalJson.models[model] ?? {}), floor: evalJson.floor ?? null, champion: model === champion },
        params,
        data_digest: data.sha256,
        lock_digest: lockDigest,
        created,
      };
      await writeJsonAtomic(join(dir, "card.json"), card);
      process.stderr.write(
        `export: ${model}${model === champion ? " (champion)" : ""} -> ${dir === staging ? "artifacts/export" : `artifacts/export/${model}`} (${part.kind})\n`,
      );
    }
    await rm(outDir, { recursive: true, force: true });
    await rename(staging, outDir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runStage("export", main);
}
