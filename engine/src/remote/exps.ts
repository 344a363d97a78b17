// Experiment records through a remote (`exps/<id>.json`), so a team sees each other's runs in
// `exp show`. A record is immutable and named by its id: what a side holds never moves again.
import { Readable } from "node:stream";
import type { ExperimentRecord } from "../exp/types.js";
import type { ExpStore } from "../exp/store.js";
import { RemoteError, type RemoteBackend } from "./backends/backend.js";
import { expIdOfKey, expKey } from "./keys.js";
import { bodyText } from "./manifests.js";

export interface ExpTransfer {
  readonly moved: readonly string[];
  readonly present: number;
  /** Records pulled under another name because one here already held theirs. */
  readonly renamed: readonly string[];
  readonly problems: readonly string[];
}

const picked = (r: ExperimentRecord, names: readonly string[]): boolean => names.length === 0 || names.includes(r.name) || names.includes(r.id);

export async function pushExperiments(store: ExpStore, remote: RemoteBackend, names: readonly string[]): Promise<ExpTransfer> {
  const { records } = await store.list();
  const mine = records.filter((r) => picked(r, names));
  const missing = names.filter((n) => !records.some((r) => r.name === n || r.id === n));
  const there = await remote.existsMany(mine.map((r) => expKey(r.id)));
  const moved: string[] = [];
  for (const r of mine) {
    if (there.has(expKey(r.id))) continue;
    const text = `${JSON.stringify(r, null, 2)}\n`;
    await remote.put(expKey(r.id), () => Readable.from([Buffer.from(text)]), Buffer.byteLength(text));
    moved.push(r.name);
  }
  return { moved, present: mine.length - moved.length, renamed: [], problems: missing.map((n) => `no experiment named '${n}' here`) };
}

const isRecord = (v: unknown): v is ExperimentRecord => {
  const r = v as Partial<ExperimentRecord> | null;
  return typeof r === "object" && r !== null && r.schema === 1 && typeof r.id === "string" && typeof r.name === "string" && typeof r.createdAt === "string";
};

export async function pullExperiments(store: ExpStore, remote: RemoteBackend, names: readonly string[]): Promise<ExpTransfer> {
  const moved: string[] = [];
  const renamed: string[] = [];
  const problems: string[] = [];
  let present = 0;
  for await (const key of remote.list("exps/")) {
    const id = expIdOfKey(key);
    if (id === null) continue;
    let text: string;
    try {
      text = await bodyText(await remote.get(key));
    } catch (e) {
      if (e instanceof RemoteError && e.kind === "missing") continue; // removed while listing
      throw e;
    }
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      record = null;
    }
    if (!isRecord(record) || record.id !== id) {
      problems.push(`${key} on remote ${remote.url} is not an experiment record; skipped`);
      continue;
    }
    if (!picked(record, names)) continue;
    const how = await store.import(record);
    if (how === "present") present++;
    else (how === "renamed" ? renamed : moved).push(how === "renamed" ? `${record.name}@${record.id}` : record.name);
  }
  return { moved, present, renamed, problems };
}
