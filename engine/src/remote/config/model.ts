// The remote settings a project has: the four config files parsed and merged key by key, later
// files winning (`.dvc/config` < `.dvc/config.local` < `.pipe/config` < `.pipe/config.local`). Pure.
import { posix } from "node:path";
import type { Diagnostic } from "../../diagnostics/index.js";
import { err, ok, type Result } from "../../diagnostics/index.js";
import type { RemoteSettings } from "../backends/backend.js";
import { parseIni, sectionsOf, type IniDocument } from "./ini.js";
import { isSecretKey } from "./secrets.js";

/** Every file remote settings are read from, lowest precedence first. */
export const CONFIG_FILES = [".dvc/config", ".dvc/config.local", ".pipe/config", ".pipe/config.local"] as const;
export type ConfigFile = (typeof CONFIG_FILES)[number];
/** The files pipe writes (it reads DVC's, never writes them). */
export type PipeConfigFile = ".pipe/config" | ".pipe/config.local";
export const PIPE_CONFIG: PipeConfigFile = ".pipe/config";
export const PIPE_CONFIG_LOCAL: PipeConfigFile = ".pipe/config.local";

/** A remote with where its settings came from (for `pipe remote list` and for error messages). */
export interface ConfiguredRemote extends RemoteSettings {
  /** The file whose `url` is in effect. */
  readonly definedIn: ConfigFile;
  /** Every file with a section for this remote, lowest precedence first. */
  readonly files: readonly ConfigFile[];
}

export interface RemoteConfig {
  /** The project root a relative directory URL is resolved against. */
  readonly root: string;
  /** Sorted by name. */
  readonly remotes: readonly ConfiguredRemote[];
  /** `core.remote` as merged (lower-cased); null when unset or set empty. */
  readonly default: string | null;
  readonly defaultSource: ConfigFile | null;
  /** The files that exist and were read, lowest precedence first. */
  readonly sources: readonly ConfigFile[];
  /** Problems that do not stop a command (a secret in the committed `.pipe/config`). */
  readonly warnings: readonly Diagnostic[];
}

/** Parsed files, by name; a file absent from the map does not exist. */
export type ParsedConfigs = ReadonlyMap<ConfigFile, IniDocument>;

export function parseConfigs(texts: ReadonlyMap<ConfigFile, string>): Result<ParsedConfigs, Diagnostic> {
  const out = new Map<ConfigFile, IniDocument>();
  for (const file of CONFIG_FILES) {
    const text = texts.get(file);
    if (text === undefined) continue;
    const doc = parseIni(file, text);
    if (!doc.ok) return doc;
    out.set(file, doc.value);
  }
  return ok(out);
}

/** The section a remote's settings live in, as DVC names it. */
export const remoteSection = (name: string): string => `remote "${name}"`;

/** The remote a section is for (`remote "storage"` → storage), or null. */
export function remoteOfSection(section: string): string | null {
  const m = /^\s*remote\s*"(.*)"\s*$/.exec(section);
  return m?.[1] ?? null;
}

export function buildRemoteConfig(parsed: ParsedConfigs, root: string): Result<RemoteConfig, Diagnostic> {
  const merged = new Map<string, { options: Map<string, string>; files: ConfigFile[]; urlFile: ConfigFile | null; last: { file: ConfigFile; line: number } }>();
  const warnings: Diagnostic[] = [];
  let defaultName: string | null = null;
  let defaultSource: ConfigFile | null = null;
  for (const file of CONFIG_FILES) {
    const doc = parsed.get(file);
    if (doc === undefined) continue;
    for (const section of sectionsOf(doc).values()) {
      if (section.name === "core") {
        const remote = section.entries.get("remote");
        if (remote !== undefined) {
          defaultName = remote.value.trim() === "" ? null : remote.value.trim().toLowerCase();
          defaultSource = file;
        }
        continue;
      }
      const name = remoteOfSection(section.name);
      if (name === null) continue;
      let m = merged.get(name);
      if (m === undefined) {
        m = { options: new Map(), files: [], urlFile: null, last: { file, line: section.line } };
        merged.set(name, m);
      }
      m.files.push(file);
      m.last = { file, line: section.line };
      for (const [key, entry] of section.entries) {
        m.options.set(key, file.startsWith(".dvc/") ? rebaseDvcPath(key, entry.value) : entry.value);
        if (key === "url") m.urlFile = file;
        if (file === PIPE_CONFIG && isSecretKey(key)) {
          warnings.push({
            severity: "warning",
            code: "bad-remote",
            message: `${key} of remote "${name}" is in .pipe/config, which is committed: move it to .pipe/config.local (pipe remote modify ${name} ${key} ... does)`,
            location: { file, line: entry.line, col: 1 },
          });
        }
      }
    }
  }
  const remotes: ConfiguredRemote[] = [];
  for (const [name, m] of [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const url = m.options.get("url");
    if (url === undefined || m.urlFile === null) {
      return err({
        severity: "error",
        code: "bad-remote",
        message: `remote "${name}" has no url (settings in ${m.files.join(", ")})`,
        location: { file: m.last.file, line: m.last.line, col: 1 },
      });
    }
    const options = Object.fromEntries([...m.options].filter(([k]) => k !== "url").sort(([a], [b]) => (a < b ? -1 : 1)));
    remotes.push({ name, url, options, definedIn: m.urlFile, files: m.files });
  }
  return ok({ root, remotes, default: defaultName, defaultSource, sources: CONFIG_FILES.filter((f) => parsed.has(f)), warnings });
}

/** Settings DVC reads as paths relative to the config file's folder (dvc/config.py `_map_dirs`). */
const DVC_PATH_KEYS = new Set([
  "url",
  "keyfile",
  "credentialpath",
  "cert_path",
  "key_path",
  "gdrive_user_credentials_file",
  "gdrive_service_account_json_file_path",
]);

/**
 * DVC resolves a relative path in `.dvc/config` against `.dvc/`; pipe resolves against the project
 * root, so `url = ../storage` there is the root's `storage`.
 */
function rebaseDvcPath(key: string, value: string): string {
  if (!DVC_PATH_KEYS.has(key) || value === "" || posix.isAbsolute(value) || /^\w+:\/\//.test(value) || value.startsWith("~")) return value;
  return posix.normalize(posix.join(".dvc", value));
}
