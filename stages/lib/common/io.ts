// File helpers for stage scripts: atomic writes (temp name in the same folder, then rename),
// JSON Lines read/write, sha256 of files, and the one-line-error wrapper every stage's main uses.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type { WriteStream } from "node:fs";

/** An expected failure (bad file, bad param): printed as one line, no stack trace. */
export class StageError extends Error {
  override name = "StageError";
}

/** Runs a stage's main; a StageError becomes `<stage>: message` on stderr and exit code 1. */
export function runStage(stage: string, main: () => Promise<void>): void {
  const t0 = performance.now();
  main().then(
    () => {
      // One line per stage with its cost, for the README's per-stage table.
      const mib = process.resourceUsage().maxRSS / 1024;
      process.stderr.write(`${stage}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s, peak RSS ${mib.toFixed(0)} MiB\n`);
    },
    (err: unknown) => {
      if (err instanceof StageError) {
        process.stderr.write(`${stage}: ${err.message}\n`);
      } else {
        process.stderr.write(`${stage}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      }
      process.exitCode = 1;
    },
  );
}

/** A temp name beside `path`, so the final rename never crosses a filesystem. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now().toString(36)}`);
}

/** Writes a whole file atomically: temp + rename; creates the parent folder. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Pretty JSON with a trailing newline, written atomically. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

export async function readJson<T>(path: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new StageError(`cannot read ${path}; did the stage that writes it run?`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new StageError(`${path}: invalid JSON (${(err as Error).message})`);
  }
}

/** Streams a JSON Lines file, one parsed value per non-empty line. */
export async function* readJsonl<T>(path: string): AsyncGenerator<T> {
  if (!existsSync(path)) throw new StageError(`cannot read ${path}; did the stage that writes it run?`);
  const lines = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === "") continue;
    try {
      yield JSON.parse(line) as T;
    } catch (err) {
      throw new StageError(`${path}:${n}: invalid JSON line (${(err as Error).message})`);
    }
  }
}

export async function readJsonlAll<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  for await (const row of readJsonl<T>(path)) out.push(row);
  return out;
}

/** A JSON Lines file written through a temp name; `commit()` renames it into place. */
export class JsonlWriter {
  readonly path: string;
  private readonly tmp: string;
  private readonly stream: WriteStream;
  count = 0;

  private constructor(path: string) {
    this.path = path;
    this.tmp = tempPathFor(path);
    this.stream = createWriteStream(this.tmp, "utf8");
  }

  static async open(path: string): Promise<JsonlWriter> {
    await mkdir(dirname(path), { recursive: true });
    return new JsonlWriter(path);
  }

  /** Resolves once the line is buffered; waits for drain when the buffer is full. */
  async write(value: unknown): Promise<void> {
    this.count++;
    if (!this.stream.write(`${JSON.stringify(value)}\n`)) {
      await new Promise<void>((resolve) => this.stream.once("drain", resolve));
    }
  }

  async commit(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.stream.once("error", reject);
      this.stream.end(resolve);
    });
    await rename(this.tmp, this.path);
  }

  async abort(): Promise<void> {
    this.stream.destroy();
    await rm(this.tmp, { force: true });
  }
}

/** sha256 hex digest and byte size of a file, streamed. */
export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    const buf = chunk as Buffer;
    hash.update(buf);
    bytes += buf.length;
  }
  return { sha256: hash.digest("hex"), bytes };
}
