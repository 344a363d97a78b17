// What push, pull, fetch and `status --cloud` move: the outputs the current locks record (all of
// them, or the targeted stages'), with `--all-commits` those of every git revision's locks too.
// Each becomes a TransferItem labelled with its path and where it is recorded.
import { gitConfigFs, listCommits } from "../git/index.js";
import { addressed, lockPathOf } from "../lock/address.js";
import { parseLock } from "../lock/read.js";
import type { LockFile } from "../lock/index.js";
import type { TransferItem } from "../remote/wants.js";
import type { CheckoutItem } from "./transfer.js";

/** The outs of `names` (every stage when null) as the lock records them. */
export function lockItems(lock: LockFile, names: readonly string[] | null, suffix = ""): CheckoutItem[] {
  const items: CheckoutItem[] = [];
  for (const name of names ?? Object.keys(lock.stages)) {
    for (const out of lock.stages[name]?.outs ?? []) {
      const nfiles = out.nfiles === undefined ? {} : { nfiles: out.nfiles };
      items.push({ digest: out.hash, size: out.size, label: `${out.path} (stage ${name}${suffix})`, path: out.path, ...nfiles });
    }
  }
  return items;
}

/** Every output recorded by any lock at any commit reachable from a ref. */
export async function allCommitItems(root: string): Promise<{ items: TransferItem[]; commits: number }> {
  const commits = await listCommits(root);
  const items: TransferItem[] = [];
  const seen = new Set<string>();
  for (const commit of commits) {
    const fs = gitConfigFs(root, commit);
    for (const file of fs.pipelineFiles()) {
      const lockFile = lockPathOf(file);
      const text = fs.readText(`${root}/${lockFile}`);
      if (text === null) continue;
      const parsed = parseLock(text, `${lockFile}@${commit.slice(0, 7)}`);
      if (!parsed.ok) continue; // an old commit's hand-broken lock holds nothing to move
      const stages = lockFile === "pipeline.lock" ? parsed.value.stages : addressed(parsed.value, file);
      for (const item of lockItems({ schema: parsed.value.schema, stages }, null, ` @ ${commit.slice(0, 7)}`)) {
        if (seen.has(item.digest)) continue;
        seen.add(item.digest);
        items.push(item);
      }
    }
  }
  return { items, commits: commits.length };
}

/** Drop repeats of a digest (the first label is kept). */
export function uniqueItems(items: readonly TransferItem[]): TransferItem[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(i.digest) ? false : (seen.add(i.digest), true)));
}
