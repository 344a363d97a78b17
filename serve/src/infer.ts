// `npm run infer`: predicts arXiv categories with an exported model package, for one paper
// (`--title --summary`, prints the top categories) or a file of papers (`--input --output`).
import { stat } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createProgress } from "#common/progress.js";
import { ModelLoadError, type ModelCard } from "#model-contract/export-card.js";
import { formatOf, InputError, readPapers, type Row } from "./paper-reader.js";
import { outputFormatOf, PredFormatter, PredWriter } from "./pred-writer.js";
import { loadModel, topK, type LoadedModel } from "./predictor.js";

const USAGE = `usage:
  npm run infer -- --title "..." --summary "..." [--top 5] [--json]
  npm run infer -- --input papers.{csv,json,jsonl} [--output preds.{csv,json,jsonl}] [--batch-size 64] [--strict]
options: --model artifacts/export  --verbose (model card digests)  --threads N`;

/** A wrong command line: usage text and exit code 2. */
class UsageError extends Error {
  override name = "UsageError";
}

export interface InferArgs {
  readonly model: string;
  readonly title: string | undefined;
  readonly summary: string | undefined;
  readonly input: string | undefined;
  readonly output: string | undefined;
  readonly batchSize: number;
  readonly top: number;
  readonly strict: boolean;
  readonly verbose: boolean;
  readonly json: boolean;
  readonly threads: number | undefined;
}

function posInt(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got ${raw}`);
  return n;
}

export function parseInferArgs(argv: readonly string[]): InferArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        model: { type: "string", default: "artifacts/export" },
        title: { type: "string" },
        summary: { type: "string" },
        input: { type: "string", short: "i" },
        output: { type: "string", short: "o" },
        "batch-size": { type: "string" },
        top: { type: "string" },
        strict: { type: "boolean", default: false },
        verbose: { type: "boolean", short: "v", default: false },
        json: { type: "boolean", default: false },
        threads: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help === true) throw new UsageError("");
  const single = values.title !== undefined || values.summary !== undefined;
  if (single && values.input !== undefined) throw new UsageError("give either --title/--summary or --input, not both");
  if (!single && values.input === undefined) throw new UsageError("give --title and --summary, or --input");
  if (single && (values.title?.trim() ?? "") === "") throw new UsageError("--title must be a non-empty text");
  if (single && (values.summary?.trim() ?? "") === "") throw new UsageError("--summary must be a non-empty text");
  return {
    model: values.model ?? "artifacts/export",
    title: values.title,
    summary: values.summary,
    input: values.input,
    output: values.output,
    batchSize: posInt(values["batch-size"], "batch-size", 64),
    top: posInt(values.top, "top", 5),
    strict: values.strict === true,
    verbose: values.verbose === true,
    json: values.json === true,
    threads: values.threads === undefined ? undefined : posInt(values.threads, "threads", 1),
  };
}

/** The model card lines `--verbose` prints, so a prediction can be traced to its run. */
export function describeCard(dir: string, card: ModelCard, loadMs: number): string {
  return [
    `model: ${dir} (${card.kind}, ${card.labels.length} labels, format ${card.format}, pretrained ${String(card.pretrained ?? "unknown")})`,
    `model_version: ${card.version}`,
    `data_digest: ${card.dataDigest ?? "(none)"}`,
    `lock_digest: ${card.lockDigest ?? "(none)"}`,
    `created: ${card.created ?? "(unknown)"}`,
    `loaded in ${Math.round(loadMs)} ms`,
  ].join("\n");
}

async function single(args: InferArgs, m: LoadedModel): Promise<void> {
  const [probs] = await m.predictor.predict([{ title: args.title ?? "", summary: args.summary ?? "" }]);
  const ranked = topK(m.predictor.labels, probs as Float32Array, Math.min(args.top, m.predictor.labels.length));
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ category: ranked[0]?.category, confidence: ranked[0]?.probability, top_k: ranked, model_version: m.predictor.version })}\n`,
    );
    return;
  }
  const width = Math.max(8, ...ranked.map((r) => r.category.length));
  const lines = [`${"category".padEnd(width)}  probability`, ...ranked.map((r) => `${r.category.padEnd(width)}  ${r.probability.toFixed(4)}`)];
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function batch(args: InferArgs, m: LoadedModel): Promise<void> {
  const input = args.input as string;
  const inFormat = formatOf(input);
  if (inFormat === null) throw new UsageError(`--input must end in .csv, .json or .jsonl: ${input}`);
  const outPath = args.output ?? "-";
  const outFormat = outPath === "-" ? "csv" : outputFormatOf(outPath);
  if (outFormat === null) throw new UsageError(`--output must end in .csv, .json or .jsonl: ${outPath}`);
  const size = await stat(input).then(
    (s) => s.size,
    () => 0,
  );
  const progress = createProgress("infer", { total: size, unit: "bytes" });
  const writer = await PredWriter.open(outPath, new PredFormatter(outFormat, m.predictor.labels));
  const start = performance.now();
  let skipped = 0;
  let pending: Extract<Row, { ok: true }>[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    const probs = await m.predictor.predict(rows.map((r) => r.paper));
    for (let i = 0; i < rows.length; i++) {
      const p = probs[i] as Float32Array;
      const [best] = topK(m.predictor.labels, p, 1);
      await writer.write({ id: rows[i]?.id, category: best?.category ?? "", confidence: best?.probability ?? 0, probs: p });
    }
  };
  try {
    for await (const row of readPapers(input, inFormat, { onBytes: (b) => progress.update(b) })) {
      if (!row.ok) {
        process.stderr.write(`${input}:${row.line}: ${row.reason}${args.strict ? "" : " (row skipped)"}\n`);
        if (args.strict) throw new InputError(`malformed row at ${input}:${row.line}; no output written (--strict)`);
        skipped++;
        continue;
      }
      pending.push(row);
      if (pending.length >= args.batchSize) await flush();
    }
    await flush();
    await writer.commit();
  } catch (err) {
    await writer.abort();
    throw err;
  } finally {
    progress.done();
  }
  const secs = ((performance.now() - start) / 1000).toFixed(1);
  const where = outPath === "-" ? "stdout" : outPath;
  process.stderr.write(`infer: ${writer.count} papers predicted → ${where}, ${skipped} malformed row${skipped === 1 ? "" : "s"} skipped, in ${secs}s\n`);
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseInferArgs(argv);
    const m = await loadModel(args.model, args.threads === undefined ? {} : { threads: args.threads });
    if (args.verbose) process.stderr.write(`${describeCard(args.model, m.card, m.loadMs)}\n`);
    if (args.input !== undefined) await batch(args, m);
    else await single(args, m);
    await m.predictor.close?.();
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message !== "") process.stderr.write(`infer: ${err.message}\n`);
      process.stderr.write(`${USAGE}\n`);
      return err.message === "" ? 0 : 2;
    }
    if (err instanceof ModelLoadError || err instanceof InputError) {
      process.stderr.write(`infer: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`infer: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
