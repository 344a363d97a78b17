// Tracked data (`pipe add`'s `.dvc` files) as the items push, pull and fetch move.
import { isDirDigest } from "../hashing/index.js";
import type { TrackedData } from "./tracked.js";
import type { CheckoutItem } from "./transfer.js";

export interface TrackedItem extends CheckoutItem {
  /** The `.dvc` file that records it, root-relative. */
  readonly file: string;
}

/** Tracked data with a pipe digest as transfer items; DVC md5-only entries (no pipe object) are returned apart. */
export function trackedItems(data: readonly TrackedData[]): { items: TrackedItem[]; md5Only: TrackedData[] } {
  const items: TrackedItem[] = [];
  const md5Only: TrackedData[] = [];
  for (const d of data) {
    if (d.info === null) {
      md5Only.push(d);
      continue;
    }
    const nfiles = isDirDigest(d.info.digest) ? d.info.nfiles : undefined;
    items.push({
      digest: d.info.digest,
      size: d.info.size,
      label: `${d.path} (${d.file})`,
      path: d.path,
      file: d.file,
      ...(nfiles !== undefined ? { nfiles } : {}),
    });
  }
  return { items, md5Only };
}
