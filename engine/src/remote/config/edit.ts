// What `pipe remote add|remove|default|modify` change: pure planners from the parsed config files to
// the new text of `.pipe/config` / `.pipe/config.local`, plus notes for stderr. Secrets are routed to
// `.pipe/config.local`; DVC's files are read, never written. A refusal is one line.
import { err, ok, type Result } from "../../diagnostics/index.js";
import type { IniDocument } from "./ini.js";
import { emptyIni, removeSection, serializeIni, setEntry, unsetEntry, unwritableValue } from "./ini-edit.js";
import { sectionsOf } from "./ini.js";
import {
  CONFIG_FILES,
  PIPE_CONFIG,
  PIPE_CONFIG_LOCAL,
  buildRemoteConfig,
  remoteSection,
  type ConfigFile,
  type ParsedConfigs,
  type PipeConfigFile,
  type RemoteConfig,
} from "./model.js";
import { findRemote } from "./resolve.js";
import { unknownKeyNote } from "./known-keys.js";
import { isSecretKey } from "./secrets.js";
import { parseRemoteUrl } from "./url.js";

/** The files to write (new full text) and what to tell the user. */
export interface EditPlan {
  readonly writes: ReadonlyMap<PipeConfigFile, string>;
  readonly notes: readonly string[];
}

export interface Scope {
  /** `--local`: write `.pipe/config.local` instead of `.pipe/config`. */
  readonly local: boolean;
}

/** `[core]` goes before the remotes, where DVC writes it. */
const CORE = { first: true } as const;
const PIPE_FILES: readonly PipeConfigFile[] = [PIPE_CONFIG, PIPE_CONFIG_LOCAL];
const target = (scope: Scope): PipeConfigFile => (scope.local ? PIPE_CONFIG_LOCAL : PIPE_CONFIG);

/** A name pipe accepts for a remote: letters, digits, `.`, `_`, `-` (DVC lower-cases names; so does pipe). */
export function checkRemoteName(name: string): Result<string, string> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) return err(`invalid remote name "${name}": use letters, digits, '.', '_' and '-' (no spaces or quotes)`);
  return ok(name.toLowerCase());
}

export function addRemote(
  parsed: ParsedConfigs,
  config: RemoteConfig,
  args: Scope & { readonly name: string; readonly url: string; readonly makeDefault: boolean; readonly force: boolean },
): Result<EditPlan, string> {
  const name = checkRemoteName(args.name);
  if (!name.ok) return name;
  const url = checkUrl(args.url, config.root);
  if (!url.ok) return url;
  const existing = findRemote(config, name.value);
  if (existing !== undefined && !args.force) return err(`remote "${name.value}" already exists (in ${existing.definedIn}): use -f to replace it`);
  const file = target(args);
  const docs = new Docs(parsed);
  docs.edit(file, (d) => setEntry(removeSection(d, remoteSection(name.value)), remoteSection(name.value), "url", url.value));
  if (args.makeDefault) docs.edit(file, (d) => setEntry(d, "core", "remote", name.value, CORE));
  const notes = [...caseNote(args.name, name.value), ...shadowed(docs.all, name.value, "url", file)];
  if (args.makeDefault) notes.push(...shadowedDefault(docs.all, file));
  return docs.plan(config.root, notes);
}

export function removeRemote(parsed: ParsedConfigs, config: RemoteConfig, rawName: string): Result<EditPlan, string> {
  const remote = findRemote(config, rawName);
  if (remote === undefined) return err(unknown(config, rawName));
  const name = remote.name;
  const dvcFiles = remote.files.filter((f) => f.startsWith(".dvc/"));
  if (dvcFiles.length === remote.files.length) {
    return err(`remote "${name}" is defined in ${dvcFiles.join(" and ")}, which pipe reads but does not write: remove it there (dvc remote remove ${name})`);
  }
  const docs = new Docs(parsed);
  const notes: string[] = [];
  for (const file of PIPE_FILES) docs.edit(file, (d) => removeSection(d, remoteSection(name)));
  if (config.default === name) {
    for (const file of PIPE_FILES)
      if (entryOf(docs.all, file, "core", "remote")?.toLowerCase() === name) docs.edit(file, (d) => unsetEntry(d, "core", "remote"));
    // A default still naming it from DVC's files is overridden with an empty one (no default).
    if (effectiveEntry(docs.all, "core", "remote")?.value.toLowerCase() === name) docs.edit(PIPE_CONFIG, (d) => setEntry(d, "core", "remote", "", CORE));
    notes.push(`"${name}" was the default remote: now there is none (set one with pipe remote default NAME)`);
  }
  if (dvcFiles.length > 0) notes.push(`note: "${name}" is still defined in ${dvcFiles.join(" and ")} (pipe does not write DVC's files)`);
  return docs.plan(config.root, notes);
}

/** `remote default NAME` (set) or `remote default --unset` (name null). */
export function setDefault(parsed: ParsedConfigs, config: RemoteConfig, rawName: string | null, scope: Scope): Result<EditPlan, string> {
  const docs = new Docs(parsed);
  if (rawName === null) {
    const files = scope.local ? [PIPE_CONFIG_LOCAL] : PIPE_FILES;
    for (const file of files) docs.edit(file, (d) => unsetEntry(d, "core", "remote"));
    const still = effectiveEntry(docs.all, "core", "remote");
    if (still !== null && still.value !== "") docs.edit(target(scope), (d) => setEntry(d, "core", "remote", "", CORE));
    return docs.plan(config.root, []);
  }
  const remote = findRemote(config, rawName);
  if (remote === undefined) return err(unknown(config, rawName));
  const file = target(scope);
  docs.edit(file, (d) => setEntry(d, "core", "remote", remote.name, CORE));
  return docs.plan(config.root, shadowedDefault(docs.all, file));
}

/** `remote modify NAME KEY VALUE`, or with value null, `--unset KEY`. */
export function modifyRemote(
  parsed: ParsedConfigs,
  config: RemoteConfig,
  rawName: string,
  rawKey: string,
  value: string | null,
  scope: Scope,
): Result<EditPlan, string> {
  const remote = findRemote(config, rawName);
  if (remote === undefined) return err(unknown(config, rawName));
  const key = rawKey.toLowerCase();
  if (!/^[a-z][a-z0-9_]*$/.test(key)) return err(`invalid setting name "${rawKey}": use letters, digits and '_'`);
  const section = remoteSection(remote.name);
  const docs = new Docs(parsed);
  if (value === null) {
    if (key === "url") return err(`the url of "${remote.name}" cannot be unset: remove the remote instead (pipe remote remove ${remote.name})`);
    const files = scope.local ? [PIPE_CONFIG_LOCAL] : PIPE_FILES;
    for (const file of files) docs.edit(file, (d) => unsetEntry(d, section, key));
    const still = effectiveEntry(docs.all, section, key);
    return docs.plan(config.root, still === null ? [] : [`note: ${key} of "${remote.name}" is still set in ${still.file}`]);
  }
  let written = value;
  if (key === "url") {
    const url = checkUrl(value, config.root);
    if (!url.ok) return url;
    written = url.value;
  } else {
    const bad = unwritableValue(value);
    if (bad !== null) return err(`${key} of "${remote.name}": ${bad}`);
  }
  const location = parseRemoteUrl(key === "url" ? written : remote.url, config.root);
  const unknownKey = location.ok ? unknownKeyNote(location.value.kind, key) : null;
  const secret = isSecretKey(key);
  const file = secret ? PIPE_CONFIG_LOCAL : target(scope);
  const notes: string[] = unknownKey === null ? [] : [unknownKey];
  docs.edit(file, (d) => setEntry(d, section, key, written));
  if (secret) {
    if (!scope.local) notes.push(`note: ${key} is a secret: written to ${PIPE_CONFIG_LOCAL} (git-ignored), not ${PIPE_CONFIG}`);
    if (entryOf(docs.all, PIPE_CONFIG, section, key) !== null) {
      docs.edit(PIPE_CONFIG, (d) => unsetEntry(d, section, key));
      notes.push(`note: removed ${key} of "${remote.name}" from ${PIPE_CONFIG}, which is committed`);
    }
  }
  notes.push(...shadowed(docs.all, remote.name, key, file));
  return docs.plan(config.root, notes);
}

/** The parsed files being edited; remembers which pipe files changed. */
class Docs {
  private readonly docs: Map<ConfigFile, IniDocument>;
  private readonly changed = new Set<PipeConfigFile>();
  constructor(parsed: ParsedConfigs) {
    this.docs = new Map(parsed);
  }
  get all(): ParsedConfigs {
    return this.docs;
  }
  edit(file: PipeConfigFile, f: (doc: IniDocument) => IniDocument): void {
    const before = this.docs.get(file) ?? emptyIni(file);
    const after = f(before);
    if (after === before || serializeIni(after) === serializeIni(before)) return;
    this.docs.set(file, after);
    this.changed.add(file);
  }
  /** The plan, once the edited files still make a valid config. */
  plan(root: string, notes: readonly string[]): Result<EditPlan, string> {
    const check = buildRemoteConfig(this.docs, root);
    if (!check.ok) return err(check.error.message);
    const writes = new Map<PipeConfigFile, string>();
    for (const file of this.changed) writes.set(file, serializeIni(this.docs.get(file) ?? emptyIni(file)));
    return ok({ writes, notes });
  }
}

function checkUrl(url: string, root: string): Result<string, string> {
  const parsed = parseRemoteUrl(url, root);
  if (!parsed.ok) return parsed;
  const bad = unwritableValue(url);
  return bad === null ? ok(url) : err(`remote URL: ${bad}`);
}

function unknown(config: RemoteConfig, name: string): string {
  if (config.remotes.length === 0) return `unknown remote "${name}" (no remotes configured: add one with pipe remote add -d NAME URL)`;
  return `unknown remote "${name}" (known: ${config.remotes.map((r) => r.name).join(", ")})`;
}

function entryOf(docs: ParsedConfigs, file: ConfigFile, section: string, key: string): string | null {
  const doc = docs.get(file);
  return doc === undefined ? null : (sectionsOf(doc).get(section)?.entries.get(key)?.value ?? null);
}

/** The value in effect for a key (from the last file that sets it), and that file. */
function effectiveEntry(docs: ParsedConfigs, section: string, key: string): { value: string; file: ConfigFile } | null {
  for (const file of [...CONFIG_FILES].reverse()) {
    const value = entryOf(docs, file, section, key);
    if (value !== null) return { value, file };
  }
  return null;
}

/** A note when a file of higher precedence than the one written still sets the key (and so wins). */
function shadowed(docs: ParsedConfigs, name: string, key: string, written: ConfigFile): string[] {
  const winner = effectiveEntry(docs, remoteSection(name), key);
  return winner === null || winner.file === written ? [] : [`note: ${winner.file} also sets ${key} of "${name}", and wins over ${written}`];
}

function shadowedDefault(docs: ParsedConfigs, written: ConfigFile): string[] {
  const winner = effectiveEntry(docs, "core", "remote");
  return winner === null || winner.file === written ? [] : [`note: ${winner.file} also sets the default remote ("${winner.value}"), and wins over ${written}`];
}

const caseNote = (given: string, stored: string): string[] => (given === stored ? [] : [`note: remote names are case-insensitive: stored as "${stored}"`]);
