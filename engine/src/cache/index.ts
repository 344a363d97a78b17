// The content-addressed cache `.cache/`: objects (files and `.dir` manifests), the run cache, gc.
// One `createCache()` per command; the link strategy is probed once (rule in ./link.ts).
import type { RelPath } from "../config/types.js";
import type { Digest, HashInfo, Hasher, Manifest } from "../hashing/index.js";
import { collectGarbage, type GcOptions, type GcResult } from "./gc.js";
import { cacheLayout, type CacheLayout } from "./layout.js";
import type { LinkMode } from "./link.js";
import { readRun, writeRun, type RunEntry } from "./runs.js";
import type { ObjectStore } from "./object-store.js";
import { createStore, type RestoreProblem } from "./store.js";
import type { ObjectCheck } from "./verified.js";

export type { LinkMode } from "./link.js";
export type { RunEntry, RunOut } from "./runs.js";
export type { GcOptions, GcResult } from "./gc.js";
export type { CacheLayout } from "./layout.js";
export { cacheLayout, objectPath } from "./layout.js";
export { parseManifest, describeRestoreProblem, RestoreError, type RestoreProblem } from "./store.js";
export type { ObjectCheck } from "./verified.js";
export { parseRunEntry } from "./runs.js";
export { probeLinkMode, runningAsRoot } from "./link.js";
export { localObjectStore, readObjectText, type ObjectStore } from "./object-store.js";

export interface CacheOptions {
  /** Absolute project root; the store lives in `<root>/.cache/`. */
  readonly root: string;
  /** Used to list directories being saved and to record restored files in the stat cache. */
  readonly hasher: Hasher;
  /** Force a strategy instead of probing (tests, or a user setting). */
  readonly linkMode?: LinkMode;
  /** Override the uid-0 check used by the probe (tests). */
  readonly asRoot?: boolean;
  /** Non-fatal problems (a corrupt run-cache entry); default: ignored. */
  readonly onWarning?: (message: string) => void;
  /** Where objects live; by default the local `.cache/objects/` (a remote is another ObjectStore). */
  readonly objects?: ObjectStore;
}

export interface Cache {
  readonly layout: CacheLayout;
  /** How restores materialize files; probed on first access. */
  readonly linkMode: LinkMode;
  /** The object store behind this cache, by digest and stream. */
  readonly objects: ObjectStore;
  /** Store a file or a whole directory that `info` describes (after its stage ran). */
  save(rel: RelPath, info: HashInfo): Promise<void>;
  /** True when the object (for a dir: manifest and every file object) is present. */
  has(info: HashInfo): Promise<boolean>;
  /** Replace whatever is at `rel` by the stored content, verified; throws RestoreError when it cannot. */
  restore(rel: RelPath, info: HashInfo): Promise<void>;
  /** As restore, returning the problem (a missing or corrupt object, moved out of the store) instead of throwing. */
  restoreChecked(rel: RelPath, info: HashInfo): Promise<RestoreProblem | null>;
  /** Read one object back: does it hash to its name? */
  checkObject(digest: Digest): Promise<ObjectCheck>;
  /** Move a bad object out of the store; where it went (relative to the root), if it was kept. */
  quarantine(digest: Digest): Promise<string | undefined>;
  /** Persist what verification learnt (.cache/verified.json). */
  flush(): Promise<void>;
  /** Make `rel` (a file, or every file of a dir) a private writable copy: call before a stage with `persist` outs runs. */
  unprotect(rel: RelPath): Promise<void>;
  /** True when the stored bytes still hash to their name (dir: manifest and every file). */
  verify(info: HashInfo): Promise<boolean>;
  /** A stored directory manifest, or null when absent or corrupt. */
  readManifest(digest: Digest): Promise<Manifest | null>;
  /** A run-cache hit for fingerprint `fp`; null on a miss, and on a corrupt entry (after a warning). */
  getRun(fp: string): Promise<RunEntry | null>;
  putRun(fp: string, entry: RunEntry): Promise<void>;
  /** Remove objects not in `keep` (see ./gc.ts for the run-entry policy). */
  gc(keep: ReadonlySet<Digest>, opts?: GcOptions): Promise<GcResult>;
}

export function createCache(opts: CacheOptions): Cache {
  const layout = cacheLayout(opts.root);
  const store = createStore({
    root: opts.root,
    hasher: opts.hasher,
    layout,
    ...(opts.linkMode !== undefined && { linkMode: opts.linkMode }),
    ...(opts.asRoot !== undefined && { asRoot: opts.asRoot }),
    ...(opts.objects !== undefined && { objects: opts.objects }),
  });
  const warn = opts.onWarning ?? ((): void => undefined);
  return {
    layout,
    get linkMode() {
      return store.linkMode();
    },
    objects: store.objects,
    save: store.save,
    has: store.has,
    restore: store.restore,
    restoreChecked: store.restoreChecked,
    checkObject: store.checkObject,
    quarantine: store.quarantine,
    flush: store.flush,
    unprotect: store.unprotect,
    verify: store.verify,
    readManifest: store.readManifest,
    getRun: (fp) => readRun(layout.runs, fp, warn),
    putRun: (fp, entry) => writeRun(layout.runs, fp, entry),
    gc: (keep, gcOpts) => collectGarbage(layout, keep, store.readManifest, gcOpts),
  };
}
