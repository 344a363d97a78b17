// S3 and S3-compatible storage (`s3://bucket/prefix`, with `endpointurl` for MinIO, Ceph, s3rver).
// Credentials: the remote's own options when given, else the standard AWS chain (environment,
// ~/.aws/credentials and config, `profile`, SSO, instance roles) through the SDK's default provider.
// A key becomes visible only when its upload completes: one PutObject, or a multipart upload for
// large bodies (aborted on failure). existsMany lists a folder when many of its keys are asked.
import { createHash } from "node:crypto";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { CompletedPart, S3ClientConfig } from "@aws-sdk/client-s3";
import type { RemoteBackend, RemoteErrorKind, RemoteSettings } from "./backend.js";
import { RemoteError } from "./backend.js";
import { errnoCode, makeLabel, reason, remoteError, UNREACHABLE_CODES } from "./errors.js";
import type { RemoteLabel } from "./errors.js";
import { asBuffer } from "./chunks.js";
import { checkKey, checkPrefix, groupByParent } from "./keys.js";
import { forEachLimit } from "./limit.js";
import type { OpenContext } from "./open.js";
import { parseSize } from "./size.js";

const MiB = 1024 * 1024;
/** Bodies this large or larger go up in parts (the `multipart_threshold` option); smaller ones are read whole into memory. */
const DEFAULT_MULTIPART_THRESHOLD = 32 * MiB;
/** The part size (the `multipart_chunksize` option); S3 wants at least 5 MiB and at most 10,000 parts. */
const DEFAULT_PART_SIZE = 16 * MiB;
/** Parts of one object in flight at once. */
const PART_CONCURRENCY = 4;
/** HeadObject requests in flight at once. */
const HEAD_CONCURRENCY = 32;
/** A folder with this many asked keys is listed rather than asked key by key. */
const LIST_AT = 32;
/** A listed page must answer about this many asked keys to be worth its round trip; past that, HeadObject. */
const KEYS_PER_PAGE = 32;

export interface S3Location {
  readonly bucket: string;
  /** "" or `some/prefix/`. */
  readonly prefix: string;
}

/** `s3://bucket/some/prefix` → its bucket and key prefix; undefined when there is no bucket. */
export function parseS3Url(url: string): S3Location | undefined {
  const match = /^s3:\/\/([^/?#]+)\/*([^?#]*)$/i.exec(url.trim());
  if (!match?.[1]) return undefined;
  const prefix = (match[2] ?? "").replace(/\/+$/, "").replace(/\/{2,}/g, "/");
  return { bucket: match[1], prefix: prefix === "" ? "" : `${prefix}/` };
}

export function openS3(settings: RemoteSettings, ctx: OpenContext): RemoteBackend {
  const o = settings.options;
  const location = parseS3Url(settings.url);
  const display = location ? `s3://${location.bucket}/${location.prefix}`.replace(/\/$/, "") : settings.url;
  const bad = (what: string): RemoteError => new RemoteError("config", `remote "${settings.name}" (${display}): ${what}`);
  if (!location) throw bad("no bucket in the URL (write s3://bucket/prefix)");
  if (/@/.test(location.bucket)) throw bad("credentials do not belong in the URL; set access_key_id and secret_access_key with --local");
  const size = (option: string, fallback: number): number => {
    const text = o[option];
    if (text === undefined) return fallback;
    const bytes = parseSize(text);
    if (bytes === undefined) throw bad(`${option} = ${JSON.stringify(text)} is not a size (write 64MiB or a number of bytes)`);
    return bytes;
  };
  const flag = (option: string): boolean | undefined => {
    const text = o[option]?.trim().toLowerCase();
    if (text === undefined) return undefined;
    if (["true", "1", "yes"].includes(text)) return true;
    if (["false", "0", "no"].includes(text)) return false;
    throw bad(`${option} = ${JSON.stringify(o[option])} is not true or false`);
  };
  const threshold = size("multipart_threshold", DEFAULT_MULTIPART_THRESHOLD);
  const partSize = size("multipart_chunksize", DEFAULT_PART_SIZE);
  const useSsl = flag("use_ssl") ?? true;
  const sslVerify = flag("ssl_verify") ?? true;

  let endpoint = o.endpointurl?.trim();
  if (endpoint !== undefined && endpoint !== "" && !/^https?:\/\//i.test(endpoint)) endpoint = `${useSsl ? "https" : "http"}://${endpoint}`;
  if (endpoint === "") endpoint = undefined;
  if (endpoint !== undefined) {
    try {
      new URL(endpoint);
    } catch {
      throw bad(`endpointurl = ${JSON.stringify(o.endpointurl)} is not a URL`);
    }
  }

  const accessKeyId = o.access_key_id ?? ctx.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = o.secret_access_key ?? ctx.env.AWS_SECRET_ACCESS_KEY;
  const sessionToken = o.session_token ?? (o.access_key_id === undefined ? ctx.env.AWS_SESSION_TOKEN : undefined);
  if ((o.access_key_id === undefined) !== (o.secret_access_key === undefined))
    throw bad("access_key_id and secret_access_key go together (set both, or neither to use the AWS credential chain)");

  const agentOptions = { keepAlive: true, maxSockets: 64 };
  const config: S3ClientConfig = {
    region: o.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? "us-east-1",
    followRegionRedirects: true,
    // Plain checksums only when S3 requires them: S3-compatible stores often reject aws-chunked trailers.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: {
      connectionTimeout: 10_000,
      requestTimeout: 120_000,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent({ ...agentOptions, rejectUnauthorized: sslVerify }),
    },
    ...(endpoint !== undefined ? { endpoint, forcePathStyle: true } : {}),
    // Explicit keys (options, or this process's environment) win; else the SDK's chain, with `profile`.
    ...(accessKeyId !== undefined && secretAccessKey !== undefined && o.profile === undefined
      ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken !== undefined ? { sessionToken } : {}) } }
      : o.profile !== undefined
        ? { profile: o.profile }
        : {}),
  };
  const label = makeLabel(settings.name, display, [o.secret_access_key, o.session_token, o.access_key_id, secretAccessKey, sessionToken]);
  return new S3Backend(label, location, config, { threshold, partSize });
}

export class S3Backend implements RemoteBackend {
  readonly url: string;
  #client: S3Client | undefined;
  #bucketChecked: Promise<void> | undefined;

  constructor(
    private readonly label: RemoteLabel,
    private readonly location: S3Location,
    private readonly config: S3ClientConfig,
    private readonly multipart: { readonly threshold: number; readonly partSize: number },
  ) {
    this.url = label.url;
  }

  async *list(prefix: string): AsyncIterable<string> {
    const folder = checkPrefix(prefix);
    let token: string | undefined;
    do {
      const page = await this.call("cannot list", undefined, (c) =>
        c.send(
          new ListObjectsV2Command({
            Bucket: this.location.bucket,
            Prefix: this.location.prefix + folder,
            ...(token !== undefined ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      for (const object of page.Contents ?? []) if (object.Key !== undefined) yield object.Key.slice(this.location.prefix.length);
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async existsMany(keys: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (keys.length === 0) return found;
    await this.checkBucket();
    const heads: string[] = [];
    const listed: [string, string[]][] = [];
    for (const [parent, group] of groupByParent(keys)) {
      if (group.length >= LIST_AT) listed.push([parent, group.sort()]);
      else heads.push(...group);
    }
    await forEachLimit(listed, 8, async ([parent, group]) => {
      heads.push(...(await this.listRange(parent, group, found)));
    });
    await forEachLimit(heads, HEAD_CONCURRENCY, async (key) => {
      try {
        await this.client().send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.location.prefix + key }));
        found.add(key);
      } catch (err) {
        if (status(err) === 404) return;
        throw this.fail(err, "cannot check", key);
      }
    });
    return found;
  }

  /**
   * List `parent/` from just before the first of `sorted` keys, marking those found, for as many
   * pages as the keys justify; returns the keys the listing did not reach.
   */
  private async listRange(parent: string, sorted: readonly string[], found: Set<string>): Promise<string[]> {
    const asked = new Set(sorted);
    const last = sorted[sorted.length - 1] ?? "";
    const budget = Math.max(1, Math.floor(sorted.length / KEYS_PER_PAGE));
    const folder = this.location.prefix + (parent === "" ? "" : `${parent}/`);
    let token: string | undefined;
    for (let pages = 1; ; pages++) {
      const page = await this.call("cannot list", undefined, (c) =>
        c.send(
          new ListObjectsV2Command({
            Bucket: this.location.bucket,
            Prefix: folder,
            ...(token !== undefined ? { ContinuationToken: token } : { StartAfter: (this.location.prefix + (sorted[0] ?? "")).slice(0, -1) }),
          }),
        ),
      );
      let reached = "";
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        reached = object.Key.slice(this.location.prefix.length);
        if (asked.has(reached)) found.add(reached);
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      if (token === undefined || reached >= last) return [];
      if (pages >= budget) return sorted.filter((key) => key > reached);
    }
  }

  async get(key: string): Promise<Readable> {
    checkKey(key);
    const response = await this.call("cannot read", key, (c) =>
      c.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.location.prefix + key })),
    );
    if (response.Body === undefined) throw remoteError(this.label, "io", `cannot read ${key}: the storage sent no body`, key);
    return response.Body as Readable;
  }

  async put(key: string, body: () => Readable, size: number): Promise<void> {
    checkKey(key);
    if (size >= this.multipart.threshold) return this.putMultipart(key, body, size);
    // A small body is read whole first: a source that fails or ends short then never reaches the
    // storage (some S3-compatible servers keep a truncated stream), and the SDK can retry a buffer.
    let bytes: Buffer;
    try {
      bytes = await readWhole(body(), size);
    } catch (err) {
      throw this.fail(err, "cannot write", key);
    }
    await this.call("cannot write", key, (c) =>
      c.send(new PutObjectCommand({ Bucket: this.location.bucket, Key: this.location.prefix + key, Body: bytes, ContentLength: size, ContentMD5: md5(bytes) })),
    );
  }

  private async putMultipart(key: string, body: () => Readable, size: number): Promise<void> {
    const Bucket = this.location.bucket;
    const Key = this.location.prefix + key;
    const partSize = Math.max(this.multipart.partSize, Math.ceil(size / 10_000));
    const created = await this.call("cannot start the upload of", key, (c) => c.send(new CreateMultipartUploadCommand({ Bucket, Key })));
    const UploadId = created.UploadId;
    if (UploadId === undefined) throw remoteError(this.label, "io", `cannot start the upload of ${key}: no upload id`, key);
    const parts: CompletedPart[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: Error | undefined;
    const send = (PartNumber: number, Body: Buffer): void => {
      const upload = this.client()
        .send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body, ContentLength: Body.length, ContentMD5: md5(Body) }))
        .then((done) => {
          parts.push({ PartNumber, ETag: done.ETag });
        })
        .catch((err: unknown) => {
          failure ??= err instanceof Error ? err : new Error(String(err));
        })
        .finally(() => inFlight.delete(upload));
      inFlight.add(upload);
    };
    try {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let total = 0;
      let partNumber = 0;
      for await (const chunk of body()) {
        let bytes = asBuffer(chunk);
        total += bytes.length;
        while (bytes.length > 0) {
          const take = Math.min(bytes.length, partSize - pendingBytes);
          pending.push(bytes.subarray(0, take));
          pendingBytes += take;
          bytes = bytes.subarray(take);
          if (pendingBytes === partSize) {
            send(++partNumber, Buffer.concat(pending));
            pending = [];
            pendingBytes = 0;
            while (inFlight.size >= PART_CONCURRENCY) await Promise.race(inFlight);
          }
        }
        if (failure !== undefined) throw failure;
      }
      if (pendingBytes > 0 || partNumber === 0) send(++partNumber, Buffer.concat(pending));
      await Promise.all(inFlight);
      if (failure !== undefined) throw failure;
      if (total !== size) throw new Error(`the body was ${total} bytes, ${size} expected`);
      parts.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
      await this.client().send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (err) {
      await Promise.allSettled(inFlight);
      await this.client()
        .send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }))
        .catch(() => undefined);
      throw err instanceof RemoteError ? err : this.fail(err, "cannot write", key);
    }
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await this.call("cannot delete", key, (c) => c.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.location.prefix + key })));
  }

  async close(): Promise<void> {
    this.#client?.destroy();
    this.#client = undefined;
  }

  private client(): S3Client {
    this.#client ??= new S3Client(this.config);
    return this.#client;
  }

  /** A HeadObject 404 cannot tell a missing key from a missing bucket: the bucket is asked once. */
  private checkBucket(): Promise<void> {
    this.#bucketChecked ??= this.client()
      .send(new HeadBucketCommand({ Bucket: this.location.bucket }))
      .then(
        () => undefined,
        (err: unknown) => {
          this.#bucketChecked = undefined;
          throw status(err) === 404 ? this.noBucket() : this.fail(err, "cannot open the bucket");
        },
      );
    return this.#bucketChecked;
  }

  /** One request, its failure made a RemoteError. */
  private async call<T>(what: string, key: string | undefined, run: (client: S3Client) => Promise<T>): Promise<T> {
    try {
      return await run(this.client());
    } catch (err) {
      throw this.fail(err, what, key);
    }
  }

  private noBucket(): RemoteError {
    return remoteError(this.label, "no-root", `the bucket "${this.location.bucket}" does not exist`);
  }

  private fail(err: unknown, what: string, key?: string): RemoteError {
    if (err instanceof RemoteError) return err;
    const kind = classify(err);
    if (kind === "no-root") return this.noBucket();
    if (kind === "missing" && key !== undefined) return remoteError(this.label, "missing", `${key} is not on the remote`, key);
    const where = key === undefined ? "" : ` ${key}`;
    const host = kind === "unreachable" ? `cannot reach the storage (${reason(err)})` : `${what}${where}: ${describe(err)}`;
    return remoteError(this.label, kind, host, key);
  }
}

function status(err: unknown): number | undefined {
  const meta = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return meta?.httpStatusCode;
}

function errName(err: unknown): string {
  const e = err as { name?: unknown; Code?: unknown } | null;
  return typeof e?.Code === "string" ? e.Code : typeof e?.name === "string" ? e.name : "";
}

const AUTH_NAMES = new Set([
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "TokenRefreshRequired",
  "CredentialsProviderError",
  "AllAccessDisabled",
  "AccountProblem",
]);

function classify(err: unknown): RemoteErrorKind {
  const name = errName(err);
  if (name === "NoSuchBucket") return "no-root";
  if (name === "NoSuchKey" || name === "NotFound") return "missing";
  if (AUTH_NAMES.has(name) || status(err) === 403 || status(err) === 401) return "auth";
  const code = errnoCode(err) ?? errnoCode((err as { cause?: unknown } | null)?.cause);
  if ((code !== undefined && UNREACHABLE_CODES.has(code)) || name === "TimeoutError") return "unreachable";
  return "io";
}

/** What S3 said: its error code and message (`InvalidAccessKeyId: The AWS Access Key Id ...`). */
function describe(err: unknown): string {
  const name = errName(err);
  const message = reason(err);
  return name !== "" && name !== "Error" && !message.startsWith(name) ? `${name}: ${message}` : message;
}

/** Base64 MD5 of a body, so the storage checks that what it stored is what was sent. */
function md5(bytes: Buffer): string {
  return createHash("md5").update(bytes).digest("base64");
}

/** All of `source`, which must be exactly `size` bytes. */
async function readWhole(source: Readable, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of source) {
    const bytes = asBuffer(chunk);
    total += bytes.length;
    if (total > size) throw new Error(`the body is longer than ${size} bytes`);
    chunks.push(bytes);
  }
  if (total !== size) throw new Error(`the body was ${total} bytes, ${size} expected`);
  return Buffer.concat(chunks, total);
}
