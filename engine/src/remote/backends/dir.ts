// A directory remote: a local disk or an NFS mount (`/mnt/shared/cache`, `../cache`, `file:///abs`).
// A put writes `<key>.tmp-<random>` beside the key, fsyncs it and renames it into place, so a reader
// never sees a partial object and two writers racing on one key both leave a whole one.
import { mkdir, open, readdir, rename, stat, unlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { join, sep } from "node:path";
import type { Readable } from "node:stream";
import type { RemoteBackend } from "./backend.js";
import { RemoteError } from "./backend.js";
import { asBuffer } from "./chunks.js";
import { errnoCode, reason, remoteError } from "./errors.js";
import type { RemoteLabel } from "./errors.js";
import { checkKey, checkPrefix, groupByParent, isTempName, tempKey } from "./keys.js";
import { forEachLimit } from "./limit.js";

/** Parallel stats / readdirs at once: enough to hide an NFS round trip, few enough for file handles. */
const CONCURRENCY = 32;
/** A folder with at least this many asked keys is read once instead of stat'ing each key. */
const READDIR_AT = 16;

export class DirBackend implements RemoteBackend {
  readonly url: string;
  #rootChecked: Promise<void> | undefined;

  constructor(
    private readonly label: RemoteLabel,
    /** The remote's root folder, absolute. */
    private readonly root: string,
  ) {
    this.url = label.url;
  }

  async *list(prefix: string): AsyncIterable<string> {
    const folder = checkPrefix(prefix);
    await this.checkRoot();
    const pending: string[] = [folder.replace(/\/$/, "")];
    while (pending.length > 0) {
      const rel = pending.pop() ?? "";
      let entries;
      try {
        entries = await readdir(this.path(rel), { withFileTypes: true });
      } catch (err) {
        const code = errnoCode(err);
        if (code === "ENOENT" || code === "ENOTDIR") continue;
        throw this.fail(err, "cannot list", rel === "" ? undefined : `${rel}/`);
      }
      for (const entry of entries) {
        const key = rel === "" ? entry.name : `${rel}/${entry.name}`;
        if (entry.isDirectory()) pending.push(key);
        else if (!isTempName(entry.name)) yield key;
      }
    }
  }

  async existsMany(keys: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (keys.length === 0) return found;
    await this.checkRoot();
    const groups = groupByParent(keys);
    const singles: string[] = [];
    const folders: [string, string[]][] = [];
    for (const [parent, group] of groups) {
      if (group.length >= READDIR_AT) folders.push([parent, group]);
      else singles.push(...group);
    }
    await forEachLimit(folders, CONCURRENCY, async ([parent, group]) => {
      let names: Set<string>;
      try {
        names = new Set(await readdir(this.path(parent)));
      } catch (err) {
        const code = errnoCode(err);
        if (code === "ENOENT" || code === "ENOTDIR") return;
        throw this.fail(err, "cannot list", `${parent}/`);
      }
      for (const key of group) if (names.has(key.slice(key.lastIndexOf("/") + 1))) found.add(key);
    });
    await forEachLimit(singles, CONCURRENCY, async (key) => {
      try {
        if ((await stat(this.path(key))).isFile()) found.add(key);
      } catch (err) {
        const code = errnoCode(err);
        if (code === "ENOENT" || code === "ENOTDIR") return;
        throw this.fail(err, "cannot check", key);
      }
    });
    return found;
  }

  async get(key: string): Promise<Readable> {
    checkKey(key);
    let handle: FileHandle;
    try {
      handle = await open(this.path(key), "r");
    } catch (err) {
      const code = errnoCode(err);
      if (code === "ENOENT" || code === "ENOTDIR") {
        await this.checkRoot();
        throw remoteError(this.label, "missing", `${key} is not on the remote`, key);
      }
      throw this.fail(err, "cannot read", key);
    }
    return handle.createReadStream({ autoClose: true });
  }

  async put(key: string, body: () => Readable, size: number): Promise<void> {
    checkKey(key);
    await this.checkRoot();
    const target = this.path(key);
    const temp = this.path(tempKey(key));
    const parent = target.slice(0, target.lastIndexOf(sep));
    let handle: FileHandle | undefined;
    try {
      try {
        handle = await open(temp, "wx", 0o644);
      } catch (err) {
        if (errnoCode(err) !== "ENOENT") throw err;
        await mkdir(parent, { recursive: true });
        handle = await open(temp, "wx", 0o644);
      }
      let written = 0;
      for await (const chunk of body()) {
        const bytes = asBuffer(chunk);
        for (let at = 0; at < bytes.length;) at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
        written += bytes.length;
      }
      if (written !== size) throw new Error(`the body was ${written} bytes, ${size} expected`);
      await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(temp, target);
    } catch (err) {
      await handle?.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw err instanceof RemoteError ? err : this.fail(err, "cannot write", key);
    }
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    try {
      await unlink(this.path(key));
    } catch (err) {
      const code = errnoCode(err);
      if (code === "ENOENT" || code === "ENOTDIR") return;
      throw this.fail(err, "cannot delete", key);
    }
  }

  async close(): Promise<void> {}

  private path(key: string): string {
    return key === "" ? this.root : join(this.root, ...key.split("/"));
  }

  /** The root must exist (an unmounted share must not be filled on the local disk): checked once. */
  private checkRoot(): Promise<void> {
    this.#rootChecked ??= (async () => {
      let isDir: boolean;
      try {
        isDir = (await stat(this.root)).isDirectory();
      } catch (err) {
        const code = errnoCode(err);
        if (code !== "ENOENT" && code !== "ENOTDIR") throw this.fail(err, "cannot open the remote's folder");
        isDir = false;
      }
      if (!isDir) throw remoteError(this.label, "no-root", `the folder ${this.root} does not exist (create it, or mount the share)`);
    })();
    const checked = this.#rootChecked;
    checked.catch(() => {
      if (this.#rootChecked === checked) this.#rootChecked = undefined;
    });
    return checked;
  }

  private fail(err: unknown, what: string, key?: string): RemoteError {
    const code = errnoCode(err);
    const kind = code === "EACCES" || code === "EPERM" || code === "EROFS" ? "auth" : "io";
    const where = key === undefined ? "" : ` ${key}`;
    return remoteError(this.label, kind, `${what}${where}: ${reason(err)}`, key);
  }
}
