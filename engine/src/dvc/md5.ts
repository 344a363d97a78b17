// DVC's md5 of a workspace path, byte for byte as DVC computes it (dvc-data's hashfile/hash.py and
// tree.py), so a stage DVC recorded in dvc.lock can be recognised without DVC:
// - `hash: md5` (DVC 3): md5 of the file's bytes.
// - no `hash` field (DVC 2, "md5-dos2unix"): when the file's first 512 bytes look like text, each
//   1 MiB chunk read has its CRLFs turned into LFs before hashing (a CRLF split across two chunks
//   stays as it is, as in DVC).
// - a directory: md5 of Python's `json.dumps(sorted([{"md5": …, "relpath": …}]), sort_keys=True)`
//   over its files (each hashed by the same rule), plus `.dir`.
import { createHash } from "node:crypto";
import { constants, promises as fsp } from "node:fs";
import { join } from "node:path";

/** How an item's md5 was computed: DVC 3's plain md5, or DVC 2's md5 with dos2unix for text files. */
export type Md5Rule = "md5" | "md5-dos2unix";

/** DVC reads files in 1 MiB chunks and applies dos2unix chunk by chunk. */
const CHUNK = 1 << 20;
/** DVC's istextfile looks at the first 512 bytes. */
const TEXT_BLOCK = 512;

const TEXT_CHARS = new Set<number>([...Array.from({ length: 127 - 32 }, (_, i) => i + 32), 0x0a, 0x0d, 0x09, 0x0c, 0x08]);

/** DVC's `istextblock`: empty is text, a NUL byte is binary, else at most 30% bytes outside TEXT_CHARS. */
export function isTextBlock(block: Uint8Array): boolean {
  if (block.length === 0) return true;
  let nontext = 0;
  for (const b of block) {
    if (b === 0) return false;
    if (!TEXT_CHARS.has(b)) nontext++;
  }
  return nontext / block.length <= 0.3;
}

/** `data.replace(b"\r\n", b"\n")`. */
export function dos2unix(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x0d && data[i + 1] === 0x0a) continue;
    out[n++] = data[i] as number;
  }
  return out.subarray(0, n);
}

/** md5 of a file under `rule`; null when it is not a readable regular file. */
export async function fileMd5(abs: string, rule: Md5Rule): Promise<string | null> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(abs, constants.O_RDONLY);
  } catch {
    return null;
  }
  try {
    const h = createHash("md5");
    const buf = Buffer.allocUnsafe(CHUNK);
    let text: boolean | null = rule === "md5" ? false : null;
    let pos = 0;
    for (;;) {
      // Fill a whole chunk (a short read is not the end), as Python's read(n) on a file does.
      let got = 0;
      while (got < CHUNK) {
        const { bytesRead } = await fh.read(buf, got, CHUNK - got, pos + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      if (got === 0) break;
      const chunk = buf.subarray(0, got);
      text ??= isTextBlock(chunk.subarray(0, TEXT_BLOCK));
      h.update(text ? dos2unix(chunk) : chunk);
      pos += got;
      if (got < CHUNK) break;
    }
    return h.digest("hex");
  } catch {
    return null;
  } finally {
    await fh.close();
  }
}

/** Python's `json.dumps(s)` of a string (ensure_ascii: everything outside space..tilde escaped). */
export function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else out += `\\u${c.toString(16).padStart(4, "0")}`;
  }
  return `${out}"`;
}

/** Python's string order (by code point; differs from UTF-16 order only beyond the BMP). */
const byCodePoint = (a: string, b: string): number => {
  const x = [...a].map((ch) => ch.codePointAt(0) as number);
  const y = [...b].map((ch) => ch.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
};

/** The bytes DVC hashes for a directory: its `.dir` listing as Python's json.dumps writes it. */
export function dirListingJson(entries: readonly { readonly relpath: string; readonly md5: string }[]): string {
  const sorted = [...entries].sort((a, b) => byCodePoint(a.relpath, b.relpath));
  return `[${sorted.map((e) => `{"md5": ${pyJsonString(e.md5)}, "relpath": ${pyJsonString(e.relpath)}}`).join(", ")}]`;
}

/** Every regular file under `dir` (symlinks followed), as POSIX paths relative to it. */
async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const p = prefix === "" ? e.name : `${prefix}/${e.name}`;
    const abs = join(dir, e.name);
    const st = e.isSymbolicLink() ? await fsp.stat(abs).catch(() => null) : null;
    if (e.isDirectory() || st?.isDirectory()) out.push(...(await listFiles(abs, p)));
    else if (e.isFile() || st?.isFile()) out.push(p);
  }
  return out;
}

/** DVC's md5 of a directory (`….dir`); null when it cannot be read. */
export async function dirMd5(abs: string, rule: Md5Rule): Promise<string | null> {
  let files: string[];
  try {
    files = await listFiles(abs);
  } catch {
    return null;
  }
  const entries: { relpath: string; md5: string }[] = [];
  for (const relpath of files) {
    const md5 = await fileMd5(join(abs, relpath), rule);
    if (md5 === null) return null;
    entries.push({ relpath, md5 });
  }
  return `${createHash("md5").update(dirListingJson(entries), "utf8").digest("hex")}.dir`;
}

/** DVC's md5 of whatever `abs` is (file or directory); null when missing. */
export async function pathMd5(abs: string, rule: Md5Rule): Promise<string | null> {
  const st = await fsp.stat(abs).catch(() => null);
  if (st === null) return null;
  if (st.isDirectory()) return dirMd5(abs, rule);
  return st.isFile() ? fileMd5(abs, rule) : null;
}
