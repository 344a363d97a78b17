// Content hashing for pipe: file and directory digests (BLAKE3, stat-cached; the legacy xxh64 form
// still read and verified), and the canonical record fingerprint used for stage fingerprints and
// run-cache keys.
export type { Digest, DigestKind, DigestStream, Fingerprint } from "./digest.js";
export {
  blake3Implementation,
  createDigestStream,
  digestBytes,
  digestKind,
  digestStreamFor,
  digestString,
  hexAs,
  isDigest,
  isDirDigest,
  matchesDigest,
} from "./digest.js";
export { canonicalJson, fingerprint } from "./canonical.js";
export type { HashInfo, Manifest, ManifestEntry, HashedDir, Hasher, HasherOptions } from "./hasher.js";
export { createHasher, manifestDigest, sortManifest, dirInfo, globInfo, PathEscapeError } from "./hasher.js";
export type { HashFs, FileStat, DirEntry, EntryKind } from "./fs.js";
export { nodeHashFs, digestFileNode, digestFileAs } from "./fs.js";
