// Writing a tracking file (pure text): DVC 3's layout with pipe's digest, the field named after its
// algorithm (`blake3: <digest>` ... `hash: blake3`). Re-adding keeps what else the file says (desc,
// meta, other outs) and replaces only the entry's content fields.
import { Document, isMap, isScalar, isSeq, parseDocument, YAMLMap, type Pair } from "yaml";
import { digestKind, type HashInfo } from "../hashing/index.js";

/** The keys that describe an entry's content: replaced as a whole when the entry is re-added. */
const CONTENT_KEYS = new Set(["md5", "blake3", "xxh64", "etag", "checksum", "size", "nfiles", "hash", "path", "isexec", "files"]);

const TO_STRING = { indentSeq: false, lineWidth: 0 } as const;

/** The entry as pipe writes it, in DVC 3's key order: digest, size, nfiles (folders), hash, path. */
export function trackedEntry(written: string, info: HashInfo): Record<string, string | number> {
  const kind = digestKind(info.digest);
  return {
    [kind]: info.digest,
    size: info.size,
    ...(info.isDir ? { nfiles: info.nfiles ?? 0 } : {}),
    hash: kind,
    path: written,
  };
}

/** A new tracking file for one path (`written` relative to the file's folder). */
export function trackingText(written: string, info: HashInfo): string {
  return new Document({ outs: [trackedEntry(written, info)] }).toString(TO_STRING);
}

const keyOf = (p: Pair): unknown => (isScalar(p.key) ? p.key.value : p.key);

/**
 * `old` with the entry whose path is `written` rewritten for `info` (its other keys kept after
 * the content fields). DVC 2's top-level `md5` (a checksum of the file itself) no longer holds, so
 * it goes. When `old` is not a tracking file with such an entry, a new file is returned.
 */
export function updatedTrackingText(old: string, written: string, info: HashInfo): string {
  const doc = parseDocument(old, { uniqueKeys: true });
  const outs = doc.errors.length === 0 && isMap(doc.contents) ? doc.contents.get("outs", true) : undefined;
  if (!isSeq(outs)) return trackingText(written, info);
  const index = outs.items.findIndex((n) => isMap(n) && n.get("path") === written);
  const entry = outs.items[index];
  if (!isMap(entry)) return trackingText(written, info);
  const fresh = doc.createNode(trackedEntry(written, info));
  const rest = entry.items.filter((p) => !CONTENT_KEYS.has(String(keyOf(p))));
  const replaced = new YAMLMap();
  replaced.items = [...fresh.items, ...rest];
  outs.items[index] = replaced;
  doc.delete("md5");
  return doc.toString(TO_STRING);
}
