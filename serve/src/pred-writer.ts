// Writes batch predictions as CSV (`id,category,confidence,prob_<label>...`), a JSON array or JSON
// Lines, streamed through a temp file that is renamed into place only when the run succeeds.
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, extname } from "node:path";
import { csvField } from "#common/csv.js";
import { tempPathFor } from "#common/io.js";

export type OutputFormat = "csv" | "json" | "jsonl";

export interface PredRow {
  readonly id: string | undefined;
  readonly category: string;
  readonly confidence: number;
  readonly probs: Float32Array;
}

export function outputFormatOf(path: string): OutputFormat | null {
  const ext = extname(path).toLowerCase();
  return ext === ".csv" ? "csv" : ext === ".json" ? "json" : ext === ".jsonl" || ext === ".ndjson" ? "jsonl" : null;
}

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Serialises rows of one format; pure, so it is tested without files. */
export class PredFormatter {
  private first = true;
  constructor(
    readonly format: OutputFormat,
    readonly labels: readonly string[],
  ) {}

  header(): string {
    switch (this.format) {
      case "csv":
        return `${["id", "category", "confidence", ...this.labels.map((l) => `prob_${l}`)].map(csvField).join(",")}\n`;
      case "json":
        return "[\n";
      case "jsonl":
        return "";
    }
  }

  row(r: PredRow): string {
    if (this.format === "csv") {
      return `${[r.id ?? "", r.category, r6(r.confidence), ...Array.from(r.probs, r6)].map(csvField).join(",")}\n`;
    }
    const obj: Record<string, unknown> = {};
    if (r.id !== undefined) obj.id = r.id;
    obj.category = r.category;
    obj.confidence = r6(r.confidence);
    obj.probabilities = Object.fromEntries(this.labels.map((l, i) => [l, r6(r.probs[i] ?? 0)]));
    const text = JSON.stringify(obj);
    if (this.format === "jsonl") return `${text}\n`;
    const sep = this.first ? "  " : ",\n  ";
    this.first = false;
    return sep + text;
  }

  footer(): string {
    return this.format === "json" ? (this.first ? "]\n" : "\n]\n") : "";
  }
}

/** A predictions file written through a temp name; `commit()` renames it into place. With path
 * `-`, rows go to stdout. */
export class PredWriter {
  private readonly stream: WriteStream | NodeJS.WriteStream;
  private readonly tmp: string | undefined;
  count = 0;

  private constructor(
    readonly path: string,
    private readonly fmt: PredFormatter,
  ) {
    if (path === "-") {
      this.stream = process.stdout;
    } else {
      this.tmp = tempPathFor(path);
      this.stream = createWriteStream(this.tmp, "utf8");
    }
  }

  static async open(path: string, fmt: PredFormatter): Promise<PredWriter> {
    if (path !== "-") await mkdir(dirname(path), { recursive: true });
    const w = new PredWriter(path, fmt);
    await w.put(fmt.header());
    return w;
  }

  private async put(text: string): Promise<void> {
    if (text !== "" && !this.stream.write(text)) await new Promise<void>((resolve) => this.stream.once("drain", resolve));
  }

  async write(r: PredRow): Promise<void> {
    this.count++;
    await this.put(this.fmt.row(r));
  }

  async commit(): Promise<void> {
    await this.put(this.fmt.footer());
    if (this.tmp === undefined) return;
    const s = this.stream as WriteStream;
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.end(resolve);
    });
    await rename(this.tmp, this.path);
  }

  async abort(): Promise<void> {
    if (this.tmp === undefined) return;
    const s = this.stream as WriteStream;
    // Destroying a stream that is still opening makes its queued writes fail with
    // ERR_STREAM_DESTROYED: that is expected here, so listen for it and wait for the close.
    s.on("error", () => undefined);
    await new Promise<void>((resolve) => {
      s.once("close", () => resolve());
      s.destroy();
    });
    await rm(this.tmp, { force: true });
  }
}
