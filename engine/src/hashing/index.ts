// Content hashing for pipe: file and directory digests (xxh64, stat-cached), and the canonical
// record fingerprint used for stage fingerprints and run-cache keys.
export type { Digest, Fingerprint } from "./xxh.js";
export { digestBytes, digestString, isDigest, isDirDigest } from "./xxh.js";
export { canonicalJson, fingerprint } from "./canonical.js";
export type { HashInfo, Manifest, ManifestEntry, HashedDir, Hasher, HasherOptions } from "./hasher.js";
export { createHasher, manifestDigest, sortManifest, dirInfo, globInfo, PathEscapeError } from "./hasher.js";
export type { HashFs, FileStat, DirEntry, EntryKind } from "./fs.js";
export { nodeHashFs, digestFileNode } from "./fs.js";
