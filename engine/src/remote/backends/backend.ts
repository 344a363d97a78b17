// The one small interface every remote storage speaks (a directory, S3, SSH; Azure, GCS or HTTP
// later): keys are `/`-separated paths under the remote's root, bodies are streams. The transfer
// code (remote/transfer.ts) knows nothing else about a backend, and the engine nothing of remotes.
import type { Readable } from "node:stream";

export interface RemoteBackend {
  /** The remote as users wrote it, secrets stripped: `s3://bucket/prefix`, `ssh://me@host:2222/srv/cache`. */
  readonly url: string;
  /** Every key under `prefix` (a folder such as `objects/` or `runs/`), relative to the remote root, in no order. */
  list(prefix: string): AsyncIterable<string>;
  /** Which of `keys` exist: in batches, by listing or in parallel where the API allows, never one round trip each in sequence. */
  existsMany(keys: readonly string[]): Promise<Set<string>>;
  /** The object's bytes; throws RemoteError `missing` when absent. */
  get(key: string): Promise<Readable>;
  /**
   * Store a body under `key`, visible only once complete (a temporary name then a rename; an S3 key
   * only when its upload completes). `body` may be called again for a retry; `size` is its length.
   */
  put(key: string, body: () => Readable, size: number): Promise<void>;
  /** Remove `key`; absent is not an error. */
  delete(key: string): Promise<void>;
  /** Release connections. */
  close(): Promise<void>;
}

/** Why a remote operation failed, as data: the CLI prints one line from it. */
export type RemoteErrorKind =
  /** Bad URL or setting (unknown scheme, no bucket, a relative SSH path). */
  | "config"
  /** Host not reachable, connection refused or reset, DNS. */
  | "unreachable"
  /** Credentials refused or missing, permission denied. */
  | "auth"
  /** The bucket or the remote's root folder does not exist. */
  | "no-root"
  /** The key asked for is not there. */
  | "missing"
  /** Anything else the storage said. */
  | "io";

export class RemoteError extends Error {
  constructor(
    readonly kind: RemoteErrorKind,
    /** One line, naming the remote (never a secret). */
    message: string,
    readonly key?: string,
  ) {
    super(message);
    this.name = "RemoteError";
  }
}

/** Settings for one remote, as read from `.pipe/config` (+ `.pipe/config.local`) or `.dvc/config`. */
export interface RemoteSettings {
  readonly name: string;
  readonly url: string;
  /** Every other `key = value` of the remote's section (`endpointurl`, `region`, `profile`, `keyfile`, `user`, `port`, `jobs`...). */
  readonly options: Readonly<Record<string, string>>;
}
