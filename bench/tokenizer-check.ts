// Checks stages/lib/model-contract/wordpiece.ts against transformers.js on every paper of the mirror: the pipeline's
// truncated ids (title + " " + summary, as the split stage trims them) and, on a sample, the whole
// ids; prints the mismatches (first few in full) and docs/s of each. Exit status 1 on any mismatch.
// Usage: tsx bench/tokenizer-check.ts [--max-length 128] [--full-every 20] [--limit N]
import { join } from "node:path";
import { parseArgs } from "node:util";
import { AutoTokenizer } from "@huggingface/transformers";
import { readCsvGz } from "#common/csv.js";
import { mirrorModelDir, mirrorRoot } from "#common/mirror.js";
import { paperText } from "#model-contract/paper.js";
import { paperTokenIds, type Encode } from "#model-contract/paper-tokenizer.js";
import { loadWordPiece } from "#model-contract/wordpiece.js";

const { values } = parseArgs({
  options: {
    "max-length": { type: "string", default: "128" },
    "full-every": { type: "string", default: "20" },
    limit: { type: "string" },
  },
});
const maxLength = Number(values["max-length"]);
const fullEvery = Number(values["full-every"]);
const limit = values.limit === undefined ? Infinity : Number(values.limit);

const root = mirrorRoot();
const modelDir = mirrorModelDir("distilbert-base-uncased");
if (root === null || modelDir === null) throw new Error("no mirror (set PIPE_MIRROR): the check needs the papers and the tokenizer files");

const texts: string[] = [];
for await (const rec of readCsvGz(join(root, "arxiv/arxiv-papers.csv.gz"), { required: ["title", "summary"] })) {
  if (texts.length >= limit) break;
  texts.push(paperText({ title: (rec.title ?? "").trim(), summary: (rec.summary ?? "").trim() }));
}

const tokenizer = (await AutoTokenizer.from_pretrained(modelDir, { local_files_only: true })) as unknown as (
  t: string[],
  o: object,
) => { input_ids: number[][] };
const reference: Encode = (batch) => (batch.length === 0 ? [] : tokenizer(batch, { truncation: false, padding: false, return_tensor: false }).input_ids);

/** Runs `fn` over `items` in slices of 256, timing only the calls. */
function timed<T>(items: readonly string[], fn: (slice: string[]) => T[]): { out: T[]; seconds: number } {
  const out: T[] = [];
  let seconds = 0;
  for (let i = 0; i < items.length; i += 256) {
    const slice = items.slice(i, i + 256);
    const t = performance.now();
    const part = fn(slice);
    seconds += (performance.now() - t) / 1000;
    out.push(...part);
  }
  return { out, seconds };
}

const same = (a: readonly number[] | undefined, b: readonly number[] | undefined): boolean =>
  a !== undefined && b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);

function compare(label: string, sample: readonly string[], ours: number[][], theirs: number[][]): number {
  let mismatches = 0;
  for (let i = 0; i < sample.length; i++) {
    if (same(ours[i], theirs[i])) continue;
    if (++mismatches <= 5) {
      const a = ours[i] ?? [];
      const b = theirs[i] ?? [];
      const at = a.findIndex((v, k) => v !== b[k]);
      process.stdout.write(
        `  ${label} mismatch #${mismatches}: text ${JSON.stringify((sample[i] as string).slice(0, 160))}\n` +
          `    first difference at ${at < 0 ? Math.min(a.length, b.length) : at}; ours ${JSON.stringify(a.slice(Math.max(0, at - 3), at + 8))} ` +
          `theirs ${JSON.stringify(b.slice(Math.max(0, at - 3), at + 8))} (lengths ${a.length} / ${b.length})\n`,
      );
    }
  }
  return mismatches;
}

// Ours first, from a fresh tokenizer (cold word caches), so its docs/s includes every cache miss.
const wordpiece = loadWordPiece(modelDir);
const ours = timed(texts, (s) => s.map((t) => wordpiece.encode(t, maxLength)));
const oursWarm = timed(texts, (s) => s.map((t) => wordpiece.encode(t, maxLength)));
const theirs = timed(texts, (s) => paperTokenIds(reference, s, maxLength));
const bad = compare(`max_length ${maxLength}`, texts, ours.out, theirs.out);

const sample = texts.filter((_, i) => i % fullEvery === 0);
const oursFull = timed(sample, (s) => s.map((t) => wordpiece.encode(t)));
const theirsFull = timed(sample, reference);
const badFull = compare("untruncated", sample, oursFull.out, theirsFull.out);

const rate = (n: number, s: number): string => `${Math.round(n / s).toLocaleString("en-US")} docs/s`;
const tokens = theirsFull.out.reduce((a, r) => a + r.length, 0) / Math.max(sample.length, 1);
process.stdout.write(
  [
    `tokenizer-check: ${texts.length} papers, max_length ${maxLength}; untruncated: every ${fullEvery}th (${sample.length}, mean ${tokens.toFixed(0)} tokens)`,
    `  truncated    mismatches ${bad} / ${texts.length}   ours ${rate(texts.length, ours.seconds)} (cold caches), ${rate(texts.length, oursWarm.seconds)} (warm)   transformers.js + clipping ${rate(texts.length, theirs.seconds)}`,
    `  untruncated  mismatches ${badFull} / ${sample.length}   ours ${rate(sample.length, oursFull.seconds)}   transformers.js ${rate(sample.length, theirsFull.seconds)}`,
  ].join("\n") + "\n",
);
process.exitCode = bad + badFull > 0 ? 1 : 0;
