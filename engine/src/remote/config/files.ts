// The only file IO of remote settings: read the four config files of a project, and write pipe's two
// (atomically; `.pipe/config.local` readable by its owner only; `.pipe/.gitignore` naming it).
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Diagnostic, Result } from "../../diagnostics/index.js";
import { err } from "../../diagnostics/index.js";
import {
  CONFIG_FILES,
  PIPE_CONFIG_LOCAL,
  buildRemoteConfig,
  parseConfigs,
  type ConfigFile,
  type ParsedConfigs,
  type PipeConfigFile,
  type RemoteConfig,
} from "./model.js";

/** The text of each config file that exists under `root`. */
export async function readConfigTexts(root: string): Promise<Map<ConfigFile, string>> {
  const texts = new Map<ConfigFile, string>();
  for (const file of CONFIG_FILES) {
    try {
      texts.set(file, await fsp.readFile(join(root, file), "utf8"));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
  return texts;
}

/** The files parsed (for editing) and the settings they make. */
export async function loadRemoteFiles(root: string): Promise<Result<{ parsed: ParsedConfigs; config: RemoteConfig }, Diagnostic>> {
  const parsed = parseConfigs(await readConfigTexts(root));
  if (!parsed.ok) return parsed;
  const config = buildRemoteConfig(parsed.value, root);
  if (!config.ok) return err(config.error);
  return { ok: true, value: { parsed: parsed.value, config: config.value } };
}

/** The remote settings of the project at `root`: the four files merged, later ones winning. */
export async function loadRemoteConfig(root: string): Promise<Result<RemoteConfig, Diagnostic>> {
  const loaded = await loadRemoteFiles(root);
  return loaded.ok ? { ok: true, value: loaded.value.config } : loaded;
}

/** Writes each file's new text; creates `.pipe/` and makes sure `.pipe/.gitignore` ignores `/config.local`. */
export async function writeConfigFiles(root: string, writes: ReadonlyMap<PipeConfigFile, string>): Promise<void> {
  if (writes.size === 0) return;
  await fsp.mkdir(join(root, ".pipe"), { recursive: true });
  await ensureIgnored(root);
  for (const [file, text] of writes) await writeAtomic(join(root, file), text, file === PIPE_CONFIG_LOCAL ? PRIVATE : 0o644);
}

const PRIVATE = 0o600;
const LOCAL_IGNORE = "/config.local";

async function ensureIgnored(root: string): Promise<void> {
  const path = join(root, ".pipe", ".gitignore");
  let text = "";
  try {
    text = await fsp.readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  if (text.split(/\r?\n/).some((l) => l.trim() === LOCAL_IGNORE || l.trim() === "config.local")) return;
  const sep = text === "" || text.endsWith("\n") ? "" : "\n";
  await writeAtomic(path, `${text}${sep}${LOCAL_IGNORE}\n`, 0o644);
}

/** Temp file in the same folder (created with `mode`), then renamed over the target. */
async function writeAtomic(abs: string, text: string, mode: number): Promise<void> {
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await fsp.writeFile(tmp, text, { mode });
    // The umask may leave a secrets file group-readable: set its mode outright.
    if (mode === PRIVATE) await fsp.chmod(tmp, mode);
    await fsp.rename(tmp, abs);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}
