// The embedded experiments store under .pipe/exp/: one JSON file per experiment (written to a temp
// file, then renamed into place) plus an append-only index.jsonl guarded by a mutex file (files/mutex.ts), so
// concurrent writers never lose or duplicate an entry. Queued runs wait in queue/.
import { randomBytes } from "node:crypto";
import { readFileSync, renameSync } from "node:fs";
import { appendFile, mkdir, readdir, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { writeTextAtomic } from "../files/atomic-write.js";
import { withMutex } from "../files/mutex.js";
import { ensurePipeDir } from "../files/pipe-dir.js";
import type { ExperimentRecord, QueuedExperiment } from "./types.js";

/** Records read between two turns of the event loop (ExpStore.list). */
const READ_BATCH = 500;

/** Store location, relative to the project root. */
export const EXP_DIR = ".pipe/exp";

/** One line of index.jsonl. */
interface IndexLine {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

export class DuplicateNameError extends Error {
  constructor(readonly expName: string) {
    super(`an experiment named "${expName}" already exists`);
    this.name = "DuplicateNameError";
  }
}

let sequence = 0;

/** A time-sortable unique id: base36 milliseconds, a per-process sequence (order within one ms), random hex. */
export function newId(now: Date = new Date()): string {
  sequence = (sequence + 1) % 36 ** 4;
  return `${now.getTime().toString(36).padStart(9, "0")}-${sequence.toString(36).padStart(4, "0")}${randomBytes(3).toString("hex")}`;
}

export interface ListResult {
  readonly records: readonly ExperimentRecord[];
  /** Index lines or record files that could not be read (a warning each, never a crash). */
  readonly warnings: readonly string[];
}

export class ExpStore {
  readonly dir: string;
  constructor(root: string) {
    this.dir = join(root, EXP_DIR);
  }

  private get lockPath(): string {
    return join(this.dir, "lock");
  }

  /**
   * Writes the record file, then, under the lock, checks the name is free and appends the index
   * line. The record becomes visible only once indexed, so readers never see a half-written entry.
   */
  async add(record: ExperimentRecord): Promise<void> {
    await ensurePipeDir(join(this.dir, "..", ".."));
    await mkdir(join(this.dir, "records"), { recursive: true });
    await writeTextAtomic(join(this.dir, "records", `${record.id}.json`), JSON.stringify(record, null, 2) + "\n");
    try {
      await withMutex(this.lockPath, async () => {
        const index = await this.readIndex();
        if (index.lines.some((l) => l.name === record.name)) throw new DuplicateNameError(record.name);
        const line: IndexLine = { id: record.id, name: record.name, createdAt: record.createdAt };
        await appendFile(join(this.dir, "index.jsonl"), JSON.stringify(line) + "\n");
      });
    } catch (e) {
      await unlink(join(this.dir, "records", `${record.id}.json`)).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Take in a record made elsewhere (a teammate's, from a remote): nothing when its id is already
   * here; under `name@<id>` when another experiment here holds its name.
   */
  async import(record: ExperimentRecord): Promise<"added" | "present" | "renamed"> {
    const index = await this.readIndex();
    if (index.lines.some((l) => l.id === record.id)) return "present";
    if (!index.lines.some((l) => l.name === record.name)) {
      try {
        await this.add(record);
        return "added";
      } catch (e) {
        if (!(e instanceof DuplicateNameError)) throw e;
      }
    }
    await this.add({ ...record, name: `${record.name}@${record.id}` });
    return "renamed";
  }

  /** True when `name` is already used by an indexed experiment. */
  async hasName(name: string): Promise<boolean> {
    return (await this.readIndex()).lines.some((l) => l.name === name);
  }

  /** Every indexed experiment, oldest first. */
  async list(): Promise<ListResult> {
    const { lines, warnings } = await this.readIndex();
    // Read synchronously, 500 records between turns of the event loop: 10,000 records take ~0.16 s
    // this way, ~0.65 s as 10,000 async reads (pipe ui's first table waits for this), and a server
    // reading them still answers other requests between batches.
    const records: ExperimentRecord[] = [];
    for (let i = 0; i < lines.length; i += READ_BATCH) {
      if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      for (const line of lines.slice(i, i + READ_BATCH)) {
        try {
          records.push(JSON.parse(readFileSync(join(this.dir, "records", `${line.id}.json`), "utf8")) as ExperimentRecord);
        } catch {
          warnings.push(`experiment ${line.name} (${line.id}): record missing or corrupt, skipped`);
        }
      }
    }
    records.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
    return { records, warnings };
  }

  /** Finds by exact name, then exact id, then unique id prefix. */
  async find(ref: string): Promise<ExperimentRecord | undefined> {
    const { records } = await this.list();
    const byName = records.find((r) => r.name === ref) ?? records.find((r) => r.id === ref);
    if (byName) return byName;
    const prefixed = records.filter((r) => r.id.startsWith(ref));
    return prefixed.length === 1 ? prefixed[0] : undefined;
  }

  /** The most recent record, if any. */
  async latest(): Promise<ExperimentRecord | undefined> {
    const { records } = await this.list();
    return records[records.length - 1];
  }

  async enqueue(entry: QueuedExperiment): Promise<void> {
    await mkdir(join(this.dir, "queue"), { recursive: true });
    await writeTextAtomic(join(this.dir, "queue", `${entry.id}.json`), JSON.stringify(entry, null, 2) + "\n");
  }

  /** Queued entries, oldest first (claimed ones excluded). */
  async queued(): Promise<QueuedExperiment[]> {
    const names = await readdir(join(this.dir, "queue")).catch(() => [] as string[]);
    const out: QueuedExperiment[] = [];
    for (const n of names.filter((f) => f.endsWith(".json")).sort()) {
      try {
        out.push(JSON.parse(await readFile(join(this.dir, "queue", n), "utf8")) as QueuedExperiment);
      } catch {
        // being claimed right now, or corrupt: not runnable
      }
    }
    return out;
  }

  /** Claims a queued entry for running (atomic rename); false when another runner got it first. */
  async claim(id: string): Promise<boolean> {
    try {
      await rename(join(this.dir, "queue", `${id}.json`), join(this.dir, "queue", `${id}.running`));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Puts a claimed entry back in the queue (an experiment stopped before it finished: Ctrl-C).
   * Synchronous, so an exit hook can call it; false when the entry was not claimed.
   */
  release(id: string): boolean {
    try {
      renameSync(join(this.dir, "queue", `${id}.running`), join(this.dir, "queue", `${id}.json`));
      return true;
    } catch {
      return false;
    }
  }

  /** Drops a claimed entry once it has run (whatever the outcome: the record tells). */
  async done(id: string): Promise<void> {
    await unlink(join(this.dir, "queue", `${id}.running`)).catch(() => undefined);
  }

  private async readIndex(): Promise<{ lines: IndexLine[]; warnings: string[] }> {
    let text: string;
    try {
      text = await readFile(join(this.dir, "index.jsonl"), "utf8");
    } catch {
      return { lines: [], warnings: [] };
    }
    const lines: IndexLine[] = [];
    const warnings: string[] = [];
    text.split("\n").forEach((raw, i) => {
      if (raw.trim() === "") return;
      try {
        const l = JSON.parse(raw) as IndexLine;
        if (typeof l.id === "string" && typeof l.name === "string") lines.push(l);
        else warnings.push(`${EXP_DIR}/index.jsonl:${i + 1}: malformed entry, skipped`);
      } catch {
        warnings.push(`${EXP_DIR}/index.jsonl:${i + 1}: malformed entry, skipped`);
      }
    });
    return { lines, warnings };
  }
}
