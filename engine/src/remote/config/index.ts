// Remote settings: `.dvc/config`, `.dvc/config.local`, `.pipe/config`, `.pipe/config.local` read and
// merged (later wins), the remote a command uses resolved, and the edits `pipe remote` makes.
export type { IniDocument, IniLine, IniSection } from "./ini.js";
export { parseIni, sectionsOf } from "./ini.js";
export { quoteValue, removeSection, sectionHeader, serializeIni, setEntry, unsetEntry } from "./ini-edit.js";
export type { ConfigFile, ConfiguredRemote, ParsedConfigs, PipeConfigFile, RemoteConfig } from "./model.js";
export { CONFIG_FILES, PIPE_CONFIG, PIPE_CONFIG_LOCAL, buildRemoteConfig, parseConfigs, remoteOfSection, remoteSection } from "./model.js";
export type { ResolvedRemote } from "./resolve.js";
export { findRemote, resolveRemote } from "./resolve.js";
export type { RemoteLocation } from "./url.js";
export { URL_FORMS, hasPassword, parseRemoteUrl, redactUrl } from "./url.js";
export { REDACTED, SECRET_KEYS, isSecretKey, redactOptions } from "./secrets.js";
export type { EditPlan, Scope } from "./edit.js";
export { addRemote, checkRemoteName, modifyRemote, removeRemote, setDefault } from "./edit.js";
export { loadRemoteConfig, loadRemoteFiles, readConfigTexts, writeConfigFiles } from "./files.js";
