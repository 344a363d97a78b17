// An S3 server for tests: s3rver on 127.0.0.1 and a free port, storing into a temp folder, with one
// bucket made ready. Its credentials are s3rver's fixed pair; stop() closes it and removes the folder.
import { mkdtempSync, rmSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

export interface S3Service {
  /** `http://127.0.0.1:<port>`, for the remote's `endpointurl`. */
  readonly endpoint: string;
  readonly port: number;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** `METHOD /path?query` of every request the server got, oldest first (to see how a client talked to it). */
  readonly requests: string[];
  stop(): Promise<void>;
}

export async function startS3(bucket = "pipe-test"): Promise<S3Service> {
  const directory = mkdtempSync(join(tmpdir(), "pipe-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const address = await server.run();
  const requests: string[] = [];
  server.httpServer?.on("request", (req: IncomingMessage) => requests.push(`${req.method ?? "?"} ${req.url ?? ""}`));
  return {
    endpoint: `http://127.0.0.1:${address.port.toString()}`,
    port: address.port,
    bucket,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    requests,
    async stop() {
      server.httpServer?.closeAllConnections();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
