// Stage `train` (the design's "distilbert-train"): the classifier head (transformer/head-training.ts)
// on the frozen embeddings of data/embeddings/, with params train.*. Writes artifacts/head/head.json,
// metrics/train.json, plots/train_history.csv.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { readJson, readJsonl, runStage, StageError, writeFileAtomic, writeJsonAtomic } from "#common/io.js";
import { projectRoot, readParamGroup } from "#common/params.js";
import type { HeadJson } from "#model-contract/head-model.js";
import { trainHead, type EpochRecord, type SplitData, type TrainParams } from "#transformer/head-training.js";

/** Used for keys params.yaml leaves out (so an older params.yaml still runs). */
export const TRAIN_DEFAULTS: TrainParams = {
  head: "mlp",
  hidden: 256,
  dropout: 0.1,
  epochs: 30,
  batch_size: 256,
  lr: 0.001,
  weight_decay: 0.0001,
  warmup_ratio: 0.1,
  patience: 5,
  seed: 0,
};

function checkParams(raw: Partial<TrainParams>): TrainParams {
  const p = { ...TRAIN_DEFAULTS, ...raw };
  if (p.head !== "linear" && p.head !== "mlp") throw new StageError("params train.head: expected linear or mlp");
  for (const key of ["hidden", "epochs", "batch_size", "patience"] as const) {
    if (!Number.isInteger(p[key]) || p[key] < 1) throw new StageError(`params train.${key}: expected a positive integer`);
  }
  if (!Number.isInteger(p.seed)) throw new StageError("params train.seed: expected an integer");
  if (!(p.lr > 0)) throw new StageError("params train.lr: expected a positive number");
  if (!(p.weight_decay >= 0)) throw new StageError("params train.weight_decay: expected a number >= 0");
  if (!(p.dropout >= 0 && p.dropout < 1)) throw new StageError("params train.dropout: expected a number in [0, 1)");
  if (!(p.warmup_ratio >= 0 && p.warmup_ratio < 1)) throw new StageError("params train.warmup_ratio: expected a number in [0, 1)");
  return p;
}

interface EmbeddingMeta {
  readonly dim: number;
  readonly counts: Record<string, number>;
  readonly rows: Record<string, number[]>;
  readonly pretrained: boolean;
}

async function loadSplit(root: string, meta: EmbeddingMeta, split: "train" | "val", labels: readonly string[]): Promise<SplitData> {
  const file = join(root, `data/embeddings/${split}.f32`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new StageError(`cannot read ${file}; did embed run?`);
  }
  const rows = meta.rows[split] ?? [];
  if (bytes.byteLength !== rows.length * meta.dim * 4) {
    throw new StageError(`${file}: ${bytes.byteLength} bytes, expected ${rows.length} rows × ${meta.dim} float32`);
  }
  const x = new Float32Array(rows.length * meta.dim);
  for (let i = 0; i < x.length; i++) x[i] = bytes.readFloatLE(4 * i);
  const index = new Map(labels.map((l, i) => [l, i]));
  const lineLabels: number[] = [];
  for await (const paper of readJsonl<{ label: string }>(join(root, `data/processed/${split}.jsonl`))) {
    const id = index.get(paper.label);
    if (id === undefined) throw new StageError(`${split}.jsonl: label ${paper.label} not in labels.json`);
    lineLabels.push(id);
  }
  const y = Int32Array.from(rows, (r) => {
    const id = lineLabels[r];
    if (id === undefined) throw new StageError(`data/embeddings/meta.json: row ${r} outside ${split}.jsonl`);
    return id;
  });
  return { x, y };
}

async function main(): Promise<void> {
  const root = projectRoot();
  const p = checkParams(readParamGroup<Partial<TrainParams>>("train"));
  const log = (msg: string): void => void process.stderr.write(`train: ${msg}\n`);
  const labels = await readJson<string[]>(join(root, "data/processed/labels.json"));
  const meta = await readJson<EmbeddingMeta>(join(root, "data/embeddings/meta.json"));
  const train = await loadSplit(root, meta, "train", labels);
  const val = await loadSplit(root, meta, "val", labels);
  log(`${train.y.length} train / ${val.y.length} val embeddings of dim ${meta.dim}; ${p.head} head, pretrained: ${meta.pretrained}`);
  const t0 = performance.now();
  const res = await trainHead(train, val, meta.dim, labels.length, p, log);
  const best = res.history[res.bestEpoch - 1] as EpochRecord;
  const head: HeadJson = { arch: p.head, input_dim: meta.dim, n_classes: labels.length, labels, layers: res.layers, pretrained: meta.pretrained };
  await writeFileAtomic(join(root, "artifacts/head/head.json"), `${JSON.stringify(head)}\n`);
  await writeJsonAtomic(join(root, "metrics/train.json"), {
    best_epoch: res.bestEpoch,
    epochs_run: res.history.length,
    val_accuracy: best.val_accuracy,
    val_f1_macro: best.val_f1_macro,
    train_time_s: Number(((performance.now() - t0) / 1000).toFixed(2)),
    pretrained: meta.pretrained,
  });
  const cols = ["epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy", "train_f1_macro", "val_f1_macro"] as const;
  const csv = [cols.join(","), ...res.history.map((h) => cols.map((c) => String(h[c])).join(","))].join("\n");
  await writeFileAtomic(join(root, "plots/train_history.csv"), `${csv}\n`);
  log(`best epoch ${res.bestEpoch}: val accuracy ${best.val_accuracy.toFixed(4)}, macro-F1 ${best.val_f1_macro.toFixed(4)}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) runStage("train", main);
