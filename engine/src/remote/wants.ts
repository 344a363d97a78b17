// What a transfer moves, as data: the outputs and tracked data asked for (a digest each, a
// directory by its manifest), expanded to the objects that make them up. A directory's files come
// before its manifest, so a manifest on a remote (or in a cache) means its files arrived first.
import { isDirDigest, type Digest, type Manifest } from "../hashing/index.js";

/** One output or tracked path to move: its digest and what to call it in messages. */
export interface TransferItem {
  readonly digest: Digest;
  /** Bytes (for a directory, of all its files), for progress. */
  readonly size: number;
  /** `data/raw.csv (stage download)`, `images (images.dvc)`: names the output in every message. */
  readonly label: string;
}

/** One object to move. */
export interface Want {
  readonly digest: Digest;
  /** Bytes, when known before the transfer (file objects of a manifest, file outputs). */
  readonly size: number | null;
  readonly label: string;
  /** A manifest's file objects. */
  readonly members?: readonly Digest[];
}

export interface Wanted {
  /** File objects, first come first kept (one object may back several outputs). */
  readonly files: readonly Want[];
  /** Directory manifests, moved after every file. */
  readonly manifests: readonly Want[];
  /** Directories whose manifest could not be read: the items, with why. */
  readonly unreadable: readonly { readonly want: Want; readonly why: string }[];
}

/**
 * Expand items to objects: a file is its object, a directory is its manifest plus one object per
 * file (read through `readManifest`, which may fetch it). Duplicates are dropped.
 */
export async function expandWants(
  items: readonly TransferItem[],
  readManifest: (digest: Digest, label: string) => Promise<Manifest | string>,
): Promise<Wanted> {
  const files = new Map<Digest, Want>();
  const manifests = new Map<Digest, Want>();
  const unreadable: { want: Want; why: string }[] = [];
  for (const item of items) {
    if (!isDirDigest(item.digest)) {
      if (!files.has(item.digest)) files.set(item.digest, { digest: item.digest, size: item.size, label: item.label });
      continue;
    }
    if (manifests.has(item.digest)) continue;
    const want: Want = { digest: item.digest, size: null, label: item.label };
    const manifest = await readManifest(item.digest, item.label);
    if (typeof manifest === "string") {
      unreadable.push({ want, why: manifest });
      continue;
    }
    manifests.set(item.digest, { ...want, members: manifest.map((e) => e[1]) });
    for (const [path, digest, size] of manifest) {
      if (!files.has(digest)) files.set(digest, { digest, size, label: `${item.label.replace(/ \(.*\)$/, "")}/${path}${labelNote(item.label)}` });
    }
  }
  return { files: [...files.values()], manifests: [...manifests.values()], unreadable };
}

/** The ` (stage x)` tail of a label, kept on the files of a directory. */
function labelNote(label: string): string {
  const m = / \(.*\)$/.exec(label);
  return m === null ? "" : m[0];
}
