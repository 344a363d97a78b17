// Which remote a command uses: the one named (`-r NAME`) or the default, with its URL parsed, or
// one diagnostic saying why none can be used. Pure.
import type { Diagnostic } from "../../diagnostics/index.js";
import { err, ok, type Result } from "../../diagnostics/index.js";
import type { ConfiguredRemote, RemoteConfig } from "./model.js";
import { parseRemoteUrl, type RemoteLocation } from "./url.js";

/** A remote ready to open: its settings and where its URL points. */
export interface ResolvedRemote extends ConfiguredRemote {
  readonly location: RemoteLocation;
}

const fail = (code: Diagnostic["code"], message: string): Result<never, Diagnostic> => err({ severity: "error", code, message });

export function resolveRemote(config: RemoteConfig, name?: string): Result<ResolvedRemote, Diagnostic> {
  if (config.remotes.length === 0) return fail("no-remote", "no remote: add one with `pipe remote add -d NAME URL`");
  const known = `known: ${config.remotes.map((r) => r.name).join(", ")}`;
  let remote: ConfiguredRemote | undefined;
  if (name !== undefined) {
    remote = findRemote(config, name);
    if (remote === undefined) return fail("unknown-remote", `unknown remote "${name}" (${known})`);
  } else if (config.default === null) {
    return fail("no-remote", `no default remote: pass -r NAME or set one with \`pipe remote default NAME\` (${known})`);
  } else {
    remote = findRemote(config, config.default);
    if (remote === undefined) {
      return fail("unknown-remote", `the default remote "${config.default}" (set in ${config.defaultSource ?? "config"}) is not configured (${known})`);
    }
  }
  const location = parseRemoteUrl(remote.url, config.root);
  if (!location.ok) return fail("bad-remote", `remote "${remote.name}" (${remote.definedIn}): ${location.error}`);
  return ok({ ...remote, location: location.value });
}

/** Remote names are case-insensitive (DVC lower-cases them when it reads its config). */
export const findRemote = (config: RemoteConfig, name: string): ConfiguredRemote | undefined => config.remotes.find((r) => r.name === name.toLowerCase());
