// SSH/SFTP remotes (`ssh://user@host:port/abs/path`). Several SSH connections (the `sessions`
// option, 4 by default), each with one SFTP channel, share the work, and every file keeps many
// requests in flight, so many small files go about as fast as the link allows. A put uploads to
// `<key>.tmp-<random>` and renames it into place (posix-rename@openssh.com when the server has it);
// like rsync it does not fsync on the server: a reader never sees a partial object, and a pull
// checks every object's bytes against its name anyway.
import { posix } from "node:path";
import type { Readable } from "node:stream";
import type { RemoteBackend, RemoteErrorKind, RemoteSettings } from "./backend.js";
import { RemoteError } from "./backend.js";
import { errnoCode, makeLabel, reason, remoteError, UNREACHABLE_CODES } from "./errors.js";
import type { RemoteLabel } from "./errors.js";
import { checkKey, checkPrefix, groupByParent, isTempName, parentOf, tempKey } from "./keys.js";
import { forEachLimit } from "./limit.js";
import type { OpenContext } from "./open.js";
import { ConnectError, SFTP_STATUS, SftpSession } from "./sftp-session.js";
import { sshTarget } from "./ssh-config.js";
import type { SshTarget } from "./ssh-config.js";

/** Requests in flight at once for stats and listings, across all sessions. */
const CONCURRENCY = 64;
/** A folder with at least this many asked keys is read once instead of stat'ing each key. */
const READDIR_AT = 16;

export function openSsh(settings: RemoteSettings, ctx: OpenContext): RemoteBackend {
  const target = sshTarget(settings, ctx);
  return new SshBackend(makeLabel(settings.name, target.display, target.secrets), target);
}

export class SshBackend implements RemoteBackend {
  readonly url: string;
  #sessions: (Promise<SftpSession> | undefined)[];
  #turn = 0;
  #rootChecked: Promise<void> | undefined;
  #madeDirs = new Set<string>();

  constructor(
    private readonly label: RemoteLabel,
    private readonly target: SshTarget,
  ) {
    this.url = label.url;
    this.#sessions = Array.from({ length: target.sessions }, () => undefined);
  }

  async *list(prefix: string): AsyncIterable<string> {
    const folder = checkPrefix(prefix).replace(/\/$/, "");
    await this.checkRoot();
    let level = [folder];
    while (level.length > 0) {
      const next: string[] = [];
      const files: string[] = [];
      await forEachLimit(level, CONCURRENCY, async (rel) => {
        let entries;
        try {
          entries = await (await this.session()).readdir(this.path(rel));
        } catch (err) {
          if (statusOf(err) === SFTP_STATUS.NO_SUCH_FILE) return;
          throw this.fail(err, "cannot list", rel === "" ? undefined : `${rel}/`);
        }
        for (const entry of entries) {
          if (entry.filename === "." || entry.filename === "..") continue;
          const key = rel === "" ? entry.filename : `${rel}/${entry.filename}`;
          if (entry.attrs.isDirectory()) next.push(key);
          else if (!isTempName(entry.filename)) files.push(key);
        }
      });
      yield* files;
      level = next;
    }
  }

  async existsMany(keys: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (keys.length === 0) return found;
    await this.checkRoot();
    const singles: string[] = [];
    const folders: [string, string[]][] = [];
    for (const [parent, group] of groupByParent(keys)) {
      if (group.length >= READDIR_AT) folders.push([parent, group]);
      else singles.push(...group);
    }
    await forEachLimit(folders, CONCURRENCY, async ([parent, group]) => {
      let names: Set<string>;
      try {
        names = new Set((await (await this.session()).readdir(this.path(parent))).map((e) => e.filename));
      } catch (err) {
        if (statusOf(err) === SFTP_STATUS.NO_SUCH_FILE) return;
        throw this.fail(err, "cannot list", `${parent}/`);
      }
      for (const key of group) if (names.has(posix.basename(key))) found.add(key);
    });
    await forEachLimit(singles, CONCURRENCY, async (key) => {
      try {
        if ((await (await this.session()).stat(this.path(key))).isFile()) found.add(key);
      } catch (err) {
        if (statusOf(err) === SFTP_STATUS.NO_SUCH_FILE) return;
        throw this.fail(err, "cannot check", key);
      }
    });
    return found;
  }

  async get(key: string): Promise<Readable> {
    checkKey(key);
    const session = await this.session();
    try {
      return await session.download(this.path(key));
    } catch (err) {
      if (statusOf(err) === SFTP_STATUS.NO_SUCH_FILE) {
        await this.checkRoot();
        throw remoteError(this.label, "missing", `${key} is not on the remote`, key);
      }
      throw this.fail(err, "cannot read", key);
    }
  }

  async put(key: string, body: () => Readable, size: number): Promise<void> {
    checkKey(key);
    await this.checkRoot();
    const session = await this.session();
    const temp = this.path(tempKey(key));
    let handle: Buffer | undefined;
    try {
      try {
        handle = await session.openFile(temp, "wx");
      } catch (err) {
        if (statusOf(err) !== SFTP_STATUS.NO_SUCH_FILE) throw err;
        await this.makeDirs(session, parentOf(key));
        handle = await session.openFile(temp, "wx");
      }
      const written = await session.writeAll(handle, body(), size);
      if (written !== size) throw new Error(`the body was ${written.toString()} bytes, ${size.toString()} expected`);
      const open = handle;
      handle = undefined;
      await session.closeFile(open);
      await session.replace(temp, this.path(key));
    } catch (err) {
      if (handle) await session.closeFile(handle).catch(() => undefined);
      await session.unlink(temp).catch(() => undefined);
      throw this.fail(err, "cannot write", key);
    }
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    const session = await this.session();
    try {
      await session.unlink(this.path(key));
    } catch (err) {
      if (statusOf(err) === SFTP_STATUS.NO_SUCH_FILE) return;
      throw this.fail(err, "cannot delete", key);
    }
  }

  async close(): Promise<void> {
    const sessions = this.#sessions;
    this.#sessions = sessions.map(() => undefined);
    await Promise.all(
      sessions.map(async (pending) => {
        const session = await pending?.catch(() => undefined);
        session?.close();
      }),
    );
  }

  private path(key: string): string {
    return key === "" ? this.target.root : posix.join(this.target.root, key);
  }

  /** The next session, round robin, connecting it on first use (and again after it dropped). */
  private session(): Promise<SftpSession> {
    const slot = this.#turn++ % this.#sessions.length;
    let pending = this.#sessions[slot];
    if (pending === undefined) {
      pending = SftpSession.open(this.target).then(
        (session) => {
          session.onClose = () => {
            if (this.#sessions[slot] === pending) this.#sessions[slot] = undefined;
          };
          return session;
        },
        (err: unknown) => {
          if (this.#sessions[slot] === pending) this.#sessions[slot] = undefined;
          throw this.connectFailure(err);
        },
      );
      this.#sessions[slot] = pending;
    }
    return pending;
  }

  /** Create the folders of `rel` under the root (never the root itself: a missing root is an error). */
  private async makeDirs(session: SftpSession, rel: string): Promise<void> {
    if (rel === "" || this.#madeDirs.has(rel)) return;
    try {
      await session.mkdir(this.path(rel));
    } catch (err) {
      if (statusOf(err) === SFTP_STATUS.NO_SUCH_FILE) {
        await this.makeDirs(session, parentOf(rel));
        await session.mkdir(this.path(rel)).catch(async (again: unknown) => {
          if (!(await this.isDir(session, rel))) throw again;
        });
      } else if (!(await this.isDir(session, rel))) throw err;
    }
    this.#madeDirs.add(rel);
  }

  private async isDir(session: SftpSession, rel: string): Promise<boolean> {
    return session.stat(this.path(rel)).then(
      (stats) => stats.isDirectory(),
      () => false,
    );
  }

  /** The root folder must exist on the host: checked once per backend. */
  private checkRoot(): Promise<void> {
    this.#rootChecked ??= (async () => {
      const session = await this.session();
      let isDir: boolean;
      try {
        isDir = (await session.stat(this.target.root)).isDirectory();
      } catch (err) {
        if (statusOf(err) !== SFTP_STATUS.NO_SUCH_FILE) throw this.fail(err, "cannot open the remote's folder");
        isDir = false;
      }
      if (!isDir) throw remoteError(this.label, "no-root", `the folder ${this.target.root} does not exist on ${this.target.host}`);
    })();
    const checked = this.#rootChecked;
    checked.catch(() => {
      if (this.#rootChecked === checked) this.#rootChecked = undefined;
    });
    return checked;
  }

  private connectFailure(err: unknown): RemoteError {
    const where = `${this.target.host}:${this.target.port.toString()}`;
    if (!(err instanceof ConnectError)) return remoteError(this.label, "io", `cannot connect to ${where}: ${reason(err)}`);
    if (err.hostKeyRefused) {
      const file = this.target.knownHostsFile ?? "known_hosts";
      return remoteError(this.label, "auth", `the host key of ${where} does not match ${file}; if the host was re-keyed, remove its old entry (ssh-keygen -R)`);
    }
    if (err.level === "client-authentication")
      return remoteError(this.label, "auth", `${this.target.user}@${where} refused the credentials (tried ${this.methods()})`);
    if (err.level === "client-timeout") return remoteError(this.label, "unreachable", `cannot reach ${where}: no SSH handshake within 20 s`);
    if (err.level === "client-socket" || (err.code !== undefined && UNREACHABLE_CODES.has(err.code)))
      return remoteError(this.label, "unreachable", `cannot reach ${where} (${err.code ?? err.message})`);
    return remoteError(this.label, "io", `cannot connect to ${where}: ${err.message}`);
  }

  /** Which credentials were offered, by kind only (never a secret): `ssh-agent, key ~/.ssh/id_ed25519, password`. */
  private methods(): string {
    const auth = this.target.connect.authHandler;
    if (!Array.isArray(auth)) return "none";
    const kinds = auth.map((method) => (typeof method === "string" ? method : method.type));
    return [...new Set(kinds)].join(", ") || "none";
  }

  private fail(err: unknown, what: string, key?: string): RemoteError {
    if (err instanceof RemoteError) return err;
    const status = statusOf(err);
    const code = errnoCode(err);
    let kind: RemoteErrorKind = "io";
    if (status === SFTP_STATUS.PERMISSION_DENIED) kind = "auth";
    else if (status === SFTP_STATUS.NO_CONNECTION || status === SFTP_STATUS.CONNECTION_LOST || (code !== undefined && UNREACHABLE_CODES.has(code)))
      kind = "unreachable";
    const where = key === undefined ? "" : ` ${key}`;
    return remoteError(this.label, kind, `${what}${where}: ${reason(err)}`, key);
  }
}

/** The SFTP status code of a failed request (ssh2 puts it in `code`), if it is one. */
function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}
