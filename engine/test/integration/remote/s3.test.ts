// The S3 backend against the remote contract, on s3rver started here on 127.0.0.1; a small
// multipart threshold sends the large body in parts.
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBackend, RemoteError } from "../../../src/remote/backends/index.js";
import { freePort } from "../../services/ports.js";
import type { S3Service } from "../../services/s3.js";
import { startS3 } from "../../services/s3.js";
import { contract } from "./contract.js";

let s3: S3Service;
let closedPort = 0;
beforeAll(async () => {
  s3 = await startS3();
  closedPort = await freePort();
});
afterAll(async () => {
  await s3?.stop();
});

const MiB = 1024 * 1024;
const ctx = { root: process.cwd(), env: {} };
const options = (): Record<string, string> => ({
  endpointurl: s3.endpoint,
  access_key_id: s3.accessKeyId,
  secret_access_key: s3.secretAccessKey,
  region: "us-east-1",
  multipart_threshold: "5MiB",
  multipart_chunksize: "5MiB",
});

contract("s3 remote", () => ({
  good: () => ({ name: "team", url: `s3://${s3.bucket}/cache/pipe`, options: options() }),
  unreachable: () => ({ name: "team", url: `s3://${s3.bucket}/cache`, options: { ...options(), endpointurl: `http://127.0.0.1:${closedPort.toString()}` } }),
  badAuth: () => ({
    name: "team",
    url: `s3://${s3.bucket}/cache`,
    options: { ...options(), access_key_id: "WRONGKEYID0000000000", secret_access_key: "wrong-secret-value" },
  }),
  noRoot: () => ({ name: "team", url: "s3://no-such-bucket/cache", options: options() }),
  secrets: [],
  largeSize: 11 * MiB + 3,
}));

describe("s3 remote, large objects", () => {
  it("sends a body at the multipart threshold in parts, and a part upload that fails leaves no key", async () => {
    const remote = await openBackend({ name: "team", url: `s3://${s3.bucket}/mp`, options: options() }, ctx);
    const client = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: "us-east-1",
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    try {
      const body = randomBytes(11 * MiB);
      const before = s3.requests.length;
      await remote.put("objects/parts", () => Readable.from([body]), body.length);
      const sent = s3.requests.slice(before);
      expect(sent.filter((r) => /^PUT \/pipe-test\/mp\/objects\/parts\?.*partNumber=/.test(r))).toHaveLength(3);
      expect(sent.filter((r) => /^POST .*uploadId=/.test(r))).toHaveLength(1);
      const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: "mp/objects/parts" }));
      expect(head.ContentLength).toBe(body.length);
      const dying = (): Readable =>
        Readable.from(
          (function* () {
            yield body.subarray(0, 6 * MiB);
            throw new Error("source read failed");
          })(),
        );
      const err = await remote.put("objects/dying", dying, body.length).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemoteError);
      expect((err as RemoteError).message).toContain("objects/dying");
      expect((await remote.existsMany(["objects/dying"])).size).toBe(0);
    } finally {
      client.destroy();
      await remote.close();
    }
  });
});

describe("s3 remote, existence in batches", () => {
  it("lists a folder once for many keys instead of one HeadObject each", async () => {
    const remote = await openBackend({ name: "team", url: `s3://${s3.bucket}/batch`, options: options() }, ctx);
    try {
      const present = Array.from({ length: 80 }, (_, i) => `objects/ab/${i.toString().padStart(3, "0")}`);
      await Promise.all(present.map((key) => remote.put(key, () => Readable.from([Buffer.from(key)]), key.length)));
      const asked = [...present, ...present.map((key) => `${key}-absent`)];
      const before = s3.requests.length;
      expect([...(await remote.existsMany(asked))].sort()).toEqual(present);
      const sent = s3.requests.slice(before);
      expect(sent.filter((r) => r.startsWith("HEAD /pipe-test/batch/"))).toHaveLength(0);
      expect(sent.filter((r) => r.includes("list-type=2")).length).toBeGreaterThan(0);
    } finally {
      await remote.close();
    }
  });
});

describe("s3 remote settings", () => {
  it("refuses a size option that is not a size, naming it", async () => {
    await expect(openBackend({ name: "team", url: "s3://b/p", options: { multipart_threshold: "lots" } }, { root: "/", env: {} })).rejects.toThrow(
      /remote "team" \(s3:\/\/b\/p\): multipart_threshold = "lots" is not a size/,
    );
  });

  it("refuses a URL with no bucket", async () => {
    await expect(openBackend({ name: "team", url: "s3://", options: {} }, { root: "/", env: {} })).rejects.toThrow(/no bucket/);
  });
});
