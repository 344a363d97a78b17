// 10,000 experiment records for the pipe ui bench, written into a demo project's .pipe/exp/ the way
// ExpStore lays them out (one JSON per record, one index.jsonl line each), with varied params and
// metrics: 6 params (lr, epochs, batch size, dropout, optimizer, seed) and 6 metrics per record.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mulberry32 } from "#common/random.js";
import { newId } from "../../engine/src/exp/store.js";
import type { ExperimentRecord } from "../../engine/src/exp/types.js";

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

export function generateRecords(root: string, count: number, commit: string | null): void {
  const dir = join(root, ".pipe", "exp");
  mkdirSync(join(dir, "records"), { recursive: true });
  const rand = mulberry32(17); // deterministic: every bench run sees the same records
  const start = Date.now() - count * 60_000;
  const index: string[] = [];
  for (let i = 0; i < count; i++) {
    const createdAt = new Date(start + i * 60_000);
    const lr = round(10 ** (-4 + 3 * rand()), 6);
    const epochs = 3 + Math.floor(rand() * 20);
    const batch = [16, 32, 64, 128][Math.floor(rand() * 4)] ?? 32;
    const dropout = round(rand() * 0.5, 2);
    const acc = round(0.55 + 0.4 * rand());
    const record: ExperimentRecord = {
      schema: 1,
      id: newId(createdAt),
      name: `exp-${i.toString(36).padStart(4, "0")}`,
      createdAt: createdAt.toISOString(),
      git: commit === null ? null : { commit, dirty: false },
      status: rand() < 0.04 ? "failed" : "success",
      params: {
        "params.yaml": {
          "data.size": 120,
          "train.lr": lr,
          "train.epochs": epochs,
          "train.batch_size": batch,
          "train.dropout": dropout,
          "train.optimizer": rand() < 0.5 ? "adam" : "sgd",
          "train.seed": i,
        },
      },
      metrics: {
        "metrics.json": {
          accuracy: acc,
          loss: round(1 - acc + rand() * 0.1),
          epochs,
          f1: round(acc - rand() * 0.05),
          precision: round(acc - rand() * 0.04),
          recall: round(acc - rand() * 0.06),
        },
      },
      deps: {},
      durations: { prepare: Math.round(50 + rand() * 100), train: Math.round(1000 + rand() * 60_000), report: Math.round(10 + rand() * 40) },
    };
    writeFileSync(join(dir, "records", `${record.id}.json`), JSON.stringify(record, null, 2) + "\n");
    index.push(JSON.stringify({ id: record.id, name: record.name, createdAt: record.createdAt }));
  }
  appendFileSync(join(dir, "index.jsonl"), index.join("\n") + "\n");
}
