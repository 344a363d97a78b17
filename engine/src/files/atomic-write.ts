// Atomic replacement of a file: write a temp file in the same folder, then rename over the target,
// so a reader sees the old content or the whole new one, never a half-written file.
import { promises as fsp } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";

export async function writeTextAtomic(abs: string, text: string | Uint8Array): Promise<void> {
  const dir = dirname(abs);
  await fsp.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(abs)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await fsp.writeFile(tmp, text);
    await fsp.rename(tmp, abs);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}
