// The experiment records, read through ExpStore and kept until `.pipe/exp/index.jsonl` changes:
// the table, compare and plots routes of one page load share one read of 10,000 records.
import { join } from "node:path";
import { statSig } from "../../memo/fresh-stamp.js";
import { EXP_DIR, ExpStore, type ExperimentRecord, type ListResult } from "../../exp/index.js";

export interface ExperimentCache {
  list(): Promise<ListResult>;
  /** A record by exact id. */
  byId(id: string): Promise<ExperimentRecord | undefined>;
}

export function experimentCache(root: string): ExperimentCache {
  const store = new ExpStore(root);
  const index = join(root, EXP_DIR, "index.jsonl");
  let held: { sig: string; list: Promise<ListResult>; byId: Promise<Map<string, ExperimentRecord>> } | null = null;
  const current = (): NonNullable<typeof held> => {
    const sig = signature(index);
    if (held === null || held.sig !== sig) {
      const list = store.list();
      held = { sig, list, byId: list.then((l) => new Map(l.records.map((r) => [r.id, r]))) };
      // A failed read is not kept: the next request tries again.
      list.catch(() => {
        if (held?.list === list) held = null;
      });
    }
    return held;
  };
  return {
    list: () => current().list,
    byId: async (id) => (await current().byId).get(id),
  };
}

/** The index file's (ino, size, mtime), as text: a new line in it is a new experiment. */
const signature = (path: string): string => statSig(path)?.join(":") ?? "none";
