// Stage `split`: stream-parses data/raw/arxiv-papers.csv.gz, drops duplicate ids and empty text,
// splits by publication date (train < train_before, val in [val_from, test_from), test >= test_from),
// keeps categories with >= min_per_class train papers; writes the splits, labels.json, metrics/data.json.
import { createReadStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { readCsvGz } from "#common/csv.js";
import { JsonlWriter, StageError, runStage, writeJsonAtomic } from "#common/io.js";
import { projectRoot, readParamGroup } from "#common/params.js";
import { createProgress } from "#common/progress.js";

export const SPLITS = ["train", "val", "test"] as const;
export type SplitName = (typeof SPLITS)[number];

/** One paper as every later stage reads it (a line of `{train,val,test}.jsonl`). */
export interface Paper {
  id: string;
  title: string;
  summary: string;
  published: string;
  label: string;
}

export interface SplitParams {
  train_before: string;
  val_from: string;
  test_from: string;
  min_per_class: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Validates the split params; collects every problem into one message. */
export function checkSplitParams(raw: Record<string, unknown>): SplitParams {
  const problems: string[] = [];
  const date = (key: string): string => {
    const v = raw[key];
    const s = v instanceof Date ? v.toISOString().slice(0, 10) : v;
    if (typeof s !== "string" || !DATE.test(s) || Number.isNaN(Date.parse(s))) {
      problems.push(`split.${key} must be a YYYY-MM-DD date, got ${JSON.stringify(v)}`);
      return "";
    }
    return s;
  };
  const p: SplitParams = {
    train_before: date("train_before"),
    val_from: date("val_from"),
    test_from: date("test_from"),
    min_per_class: 0,
  };
  const m = raw.min_per_class;
  if (typeof m !== "number" || !Number.isInteger(m) || m < 1) problems.push(`split.min_per_class must be an integer >= 1, got ${JSON.stringify(m)}`);
  else p.min_per_class = m;
  if (problems.length === 0) {
    if (p.train_before > p.val_from) problems.push(`split.train_before (${p.train_before}) must not be after split.val_from (${p.val_from})`);
    if (p.val_from >= p.test_from) problems.push(`split.val_from (${p.val_from}) must be before split.test_from (${p.test_from})`);
  }
  if (problems.length > 0) throw new StageError(problems.join("; "));
  return p;
}

/** Which split a publication date falls in; `undefined` for the gap [train_before, val_from). */
export function splitOf(published: string, p: SplitParams): SplitName | undefined {
  if (published < p.train_before) return "train";
  if (published >= p.test_from) return "test";
  if (published >= p.val_from) return "val";
  return undefined;
}

type Counts = Record<string, number>;

function bump(c: Counts, k: string): void {
  c[k] = (c[k] ?? 0) + 1;
}

function sortCounts(c: Counts): Counts {
  return Object.fromEntries(Object.entries(c).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}

async function main(): Promise<void> {
  const root = projectRoot();
  const params = checkSplitParams(readParamGroup<Record<string, unknown>>("split"));
  const rawPath = join(root, "data/raw/arxiv-papers.csv.gz");
  const outDir = join(root, "data/processed");
  const size = (await stat(rawPath).catch(() => undefined))?.size;
  if (size === undefined) throw new StageError(`cannot read ${rawPath}; run the download stage first`);

  // Pass 1: parse the CSV once, write every dated paper to a per-split staging file.
  const staging = await Promise.all(SPLITS.map((s) => JsonlWriter.open(join(outDir, `.${s}.all.jsonl`))));
  const seen = new Set<string>();
  const dropped = { duplicate_id: 0, empty_text: 0, bad_row: 0, date_gap: 0 };
  const trainCounts: Counts = {};
  const bar = createProgress("split", { unit: "bytes", total: size });
  let rows = 0;
  try {
    for await (const rec of readCsvGz(rawPath, { onBytes: (b) => bar.update(b), required: ["id", "title", "summary", "published", "primary_category"] })) {
      rows++;
      const id = (rec.id ?? "").trim();
      const label = (rec.primary_category ?? "").trim();
      const published = (rec.published ?? "").trim().slice(0, 10);
      if (id === "" || label === "" || !DATE.test(published)) {
        dropped.bad_row++;
        continue;
      }
      if (seen.has(id)) {
        dropped.duplicate_id++;
        continue;
      }
      seen.add(id);
      const title = (rec.title ?? "").trim();
      const summary = (rec.summary ?? "").trim();
      if (title === "" && summary === "") {
        dropped.empty_text++;
        continue;
      }
      const split = splitOf(published, params);
      if (split === undefined) {
        dropped.date_gap++;
        continue;
      }
      if (split === "train") bump(trainCounts, label);
      const paper: Paper = { id, title, summary, published, label };
      await staging[SPLITS.indexOf(split)]!.write(paper);
    }
    bar.done();
    for (const w of staging) await w.commit();
  } catch (err) {
    for (const w of staging) await w.abort();
    throw err;
  }

  const labels = Object.keys(trainCounts)
    .filter((k) => (trainCounts[k] ?? 0) >= params.min_per_class)
    .sort();
  if (labels.length < 2) {
    throw new StageError(
      `only ${labels.length} categor${labels.length === 1 ? "y has" : "ies have"} >= ${params.min_per_class} train papers; lower split.min_per_class or widen the train window`,
    );
  }
  const keep = new Set(labels);

  // Pass 2: filter each staging file to the kept labels, in the CSV's order.
  const perSplit: Record<
    string,
    { rows: number; dropped_rare_class: number; class_counts: Counts; majority_class: string; majority_share: number; floor_share: number }
  > = {};
  const trainMajority = labels.reduce((best, l) => ((trainCounts[l] ?? 0) > (trainCounts[best] ?? 0) ? l : best), labels[0]!);
  for (const s of SPLITS) {
    const src = join(outDir, `.${s}.all.jsonl`);
    const out = await JsonlWriter.open(join(outDir, `${s}.jsonl`));
    const counts: Counts = {};
    let rare = 0;
    try {
      for await (const line of createInterface({ input: createReadStream(src, "utf8"), crlfDelay: Infinity })) {
        if (line === "") continue;
        const p = JSON.parse(line) as Paper;
        if (!keep.has(p.label)) {
          rare++;
          continue;
        }
        bump(counts, p.label);
        await out.write(p);
      }
      await out.commit();
    } catch (err) {
      await out.abort();
      throw err;
    } finally {
      await rm(src, { force: true });
    }
    const n = out.count;
    if (n === 0) throw new StageError(`split '${s}' is empty after filtering; check the split dates against the data's range`);
    const sorted = sortCounts(counts);
    const [majority, majorityN] = Object.entries(sorted)[0] ?? ["", 0];
    perSplit[s] = {
      rows: n,
      dropped_rare_class: rare,
      class_counts: sorted,
      majority_class: majority,
      majority_share: round(majorityN / n),
      floor_share: round((counts[trainMajority] ?? 0) / n),
    };
  }

  await writeJsonAtomic(join(outDir, "labels.json"), labels);
  const total = SPLITS.reduce((a, s) => a + (perSplit[s]?.rows ?? 0), 0);
  await writeJsonAtomic(join(root, "metrics/data.json"), {
    rows_read: rows,
    rows_kept: total,
    n_classes: labels.length,
    train_majority_class: trainMajority,
    dropped,
    splits: perSplit,
  });
  const summary = SPLITS.map((s) => `${s} ${perSplit[s]?.rows ?? 0}`).join(", ");
  process.stderr.write(`split: ${rows} rows read, ${labels.length} classes, ${summary}\n`);
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runStage("split", main);
}
