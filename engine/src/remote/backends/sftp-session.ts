// One SSH connection with one SFTP channel, its callbacks made promises, and the two transfers that
// matter for speed: a pipelined upload (many WRITEs in flight) and a pipelined download stream.
import { Readable } from "node:stream";
import type { FileEntryWithStats, SFTPWrapper, Stats } from "ssh2";
import ssh2 from "ssh2";
import { asBuffer } from "./chunks.js";
import { hostKeyAccepted } from "./ssh-config.js";
import type { SshTarget } from "./ssh-config.js";

/** Bytes per READ/WRITE request at most (the server's limits@openssh.com may allow less), and requests in flight per file. */
const PIECE = 64 * 1024;
const IN_FLIGHT = 16;

/** SFTP status codes (draft-ietf-secsh-filexfer-02) that the backend tells apart. */
export const SFTP_STATUS = { EOF: 1, NO_SUCH_FILE: 2, PERMISSION_DENIED: 3, FAILURE: 4, NO_CONNECTION: 6, CONNECTION_LOST: 7 } as const;

/** A failure while connecting, with the stage ssh2 reports (`client-socket`, `client-authentication`...). */
export class ConnectError extends Error {
  constructor(
    message: string,
    readonly level: string,
    readonly code: string | undefined,
    readonly hostKeyRefused: boolean,
  ) {
    super(message);
  }
}

export class SftpSession {
  #closed = false;
  onClose: (() => void) | undefined;

  private constructor(
    private readonly client: ssh2.Client,
    readonly sftp: SFTPWrapper,
  ) {
    client.on("close", () => {
      this.#closed = true;
      this.onClose?.();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  static open(target: SshTarget): Promise<SftpSession> {
    return new Promise((resolve, reject) => {
      const client = new ssh2.Client();
      let hostKeyRefused = false;
      let settled = false;
      const fail = (err: Error & { level?: string; code?: string }): void => {
        if (settled) return;
        settled = true;
        client.end();
        reject(new ConnectError(err.message, err.level ?? "client", typeof err.code === "string" ? err.code : undefined, hostKeyRefused));
      };
      client.on("error", fail);
      client.on("close", () => fail(Object.assign(new Error("the connection closed during the handshake"), { level: "client-socket" })));
      client.on("ready", () => {
        client.sftp((err, sftp) => {
          if (err) return fail(err);
          settled = true;
          client.removeListener("error", fail);
          client.on("error", () => undefined);
          resolve(new SftpSession(client, sftp));
        });
      });
      client.connect({
        ...target.connect,
        hostVerifier: (key: Buffer) => {
          const ok = hostKeyAccepted(target, key);
          if (!ok) hostKeyRefused = true;
          return ok;
        },
      });
    });
  }

  close(): void {
    this.client.end();
  }

  /** The largest READ and WRITE the server takes in one request (ssh2 would split a larger one into a serial chain). */
  get pieces(): { read: number; write: number } {
    const limits = this.sftp as unknown as { _maxReadLen?: number; _maxWriteLen?: number };
    return { read: Math.min(PIECE, limits._maxReadLen ?? 32 * 1024), write: Math.min(PIECE, limits._maxWriteLen ?? 32 * 1024) };
  }

  hasExtension(name: string): boolean {
    const extensions = (this.sftp as unknown as { _extensions?: Record<string, string> })._extensions;
    return extensions?.[name] !== undefined;
  }

  stat(path: string): Promise<Stats> {
    return new Promise((resolve, reject) => this.sftp.stat(path, (err, stats) => (err ? reject(err) : resolve(stats))));
  }

  readdir(path: string): Promise<FileEntryWithStats[]> {
    return new Promise((resolve, reject) => this.sftp.readdir(path, (err, list) => (err ? reject(err) : resolve(list))));
  }

  mkdir(path: string): Promise<void> {
    return new Promise((resolve, reject) => this.sftp.mkdir(path, (err) => (err ? reject(err) : resolve())));
  }

  unlink(path: string): Promise<void> {
    return new Promise((resolve, reject) => this.sftp.unlink(path, (err) => (err ? reject(err) : resolve())));
  }

  /** Rename over an existing target: posix-rename@openssh.com when offered, else remove then rename. */
  async replace(from: string, to: string): Promise<void> {
    if (this.hasExtension("posix-rename@openssh.com")) {
      return new Promise((resolve, reject) => this.sftp.ext_openssh_rename(from, to, (err) => (err ? reject(err) : resolve())));
    }
    const rename = (): Promise<void> => new Promise((resolve, reject) => this.sftp.rename(from, to, (err) => (err ? reject(err) : resolve())));
    try {
      await rename();
    } catch {
      await this.unlink(to).catch(() => undefined);
      await rename();
    }
  }

  openFile(path: string, flags: "r" | "wx"): Promise<Buffer> {
    return new Promise((resolve, reject) => this.sftp.open(path, flags, 0o644, (err, handle) => (err ? reject(err) : resolve(handle))));
  }

  closeFile(handle: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.sftp.close(handle, (err) => (err ? reject(err) : resolve())));
  }

  fstat(handle: Buffer): Promise<Stats> {
    return new Promise((resolve, reject) => this.sftp.fstat(handle, (err, stats) => (err ? reject(err) : resolve(stats))));
  }

  /** Write all of `source` to `handle`, up to IN_FLIGHT writes outstanding; returns the byte count. */
  async writeAll(handle: Buffer, source: Readable, limit: number): Promise<number> {
    const inFlight = new Set<Promise<void>>();
    let failure: Error | undefined;
    let position = 0;
    const write = (piece: Buffer, at: number): void => {
      const done = new Promise<void>((resolve) => {
        this.sftp.write(handle, piece, 0, piece.length, at, (err) => {
          if (err) failure ??= err;
          resolve();
        });
      });
      inFlight.add(done);
      void done.then(() => inFlight.delete(done));
    };
    try {
      for await (const chunk of source) {
        const bytes = asBuffer(chunk);
        if (position + bytes.length > limit) throw new Error(`the body is longer than ${limit.toString()} bytes`);
        const piece = this.pieces.write;
        for (let at = 0; at < bytes.length; at += piece) {
          write(bytes.subarray(at, at + piece), position + at);
          while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
          if (failure) throw failure;
        }
        position += bytes.length;
      }
    } finally {
      await Promise.all(inFlight);
    }
    if (failure) throw failure;
    return position;
  }

  /** The file at `path` as a stream, read with up to IN_FLIGHT READs outstanding. */
  async download(path: string): Promise<Readable> {
    const handle = await this.openFile(path, "r");
    let size: number;
    try {
      size = (await this.fstat(handle)).size;
    } catch (err) {
      await this.closeFile(handle).catch(() => undefined);
      throw err;
    }
    return new PipelinedRead(this, handle, size);
  }

  readAt(handle: Buffer, at: number, length: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const buffer = Buffer.allocUnsafe(length);
      let got = 0;
      const next = (): void => {
        this.sftp.read(handle, buffer, got, length - got, at + got, (err, bytesRead) => {
          if (err) return reject(err);
          if (bytesRead === 0) return reject(new Error(`the file ended at ${(at + got).toString()} bytes, shorter than it was when opened`));
          got += bytesRead;
          if (got < length) next();
          else resolve(buffer);
        });
      };
      next();
    });
  }
}

/** A download stream keeping several READ requests ahead of the consumer, yielding pieces in order. */
class PipelinedRead extends Readable {
  #queue: Promise<Buffer>[] = [];
  #next = 0;
  #pumping = false;

  constructor(
    private readonly session: SftpSession,
    private readonly handle: Buffer,
    private readonly size: number,
  ) {
    super({ highWaterMark: session.pieces.read * 4 });
  }

  override _read(): void {
    void this.pump();
  }

  private fill(): void {
    while (this.#queue.length < IN_FLIGHT && this.#next < this.size) {
      const length = Math.min(this.session.pieces.read, this.size - this.#next);
      const read = this.session.readAt(this.handle, this.#next, length);
      read.catch(() => undefined);
      this.#queue.push(read);
      this.#next += length;
    }
  }

  private async pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (;;) {
        this.fill();
        const head = this.#queue.shift();
        if (head === undefined) {
          this.push(null);
          return;
        }
        const piece = await head;
        if (this.destroyed) return;
        if (!this.push(piece)) return;
      }
    } catch (err) {
      this.destroy(err as Error);
    } finally {
      this.#pumping = false;
    }
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.session.closeFile(this.handle).then(
      () => callback(err),
      () => callback(err),
    );
  }
}
