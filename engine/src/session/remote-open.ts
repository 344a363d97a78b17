// Open the remote a command names (`-r NAME`) or the default one: settings from `.pipe/config*` and
// `.dvc/config*` (remote/config), a backend by URL scheme (remote/backends). Problems come back as
// one line each, naming the file or the remote.
import type { Diagnostic } from "../diagnostics/types.js";
import type { RemoteBackend } from "../remote/backends/backend.js";
import { RemoteError } from "../remote/backends/backend.js";
import { openBackend } from "../remote/backends/open.js";
import { loadRemoteConfig, resolveRemote, type ResolvedRemote } from "../remote/config/index.js";

export interface OpenedRemote {
  readonly name: string;
  readonly backend: RemoteBackend;
  /** The settings it was opened with (a Slurm job without the shared file system gets them, secrets left out). */
  readonly settings: ResolvedRemote;
  /** Problems that do not stop the command (a secret in the committed `.pipe/config`), one line each. */
  readonly warnings: readonly string[];
}

export type OpenRemoteResult = { readonly ok: true; readonly value: OpenedRemote } | { readonly ok: false; readonly error: string; readonly exitCode: number };

const line = (d: Diagnostic): string => (d.location === undefined ? d.message : `${d.location.file}:${d.location.line}: ${d.message}`);

/** Exit codes: 2 for settings the user must fix (bad config, no or unknown remote). */
export async function openRemote(root: string, name: string | undefined, env: Readonly<Record<string, string | undefined>>): Promise<OpenRemoteResult> {
  const config = await loadRemoteConfig(root);
  if (!config.ok) return { ok: false, error: line(config.error), exitCode: 2 };
  const remote = resolveRemote(config.value, name);
  if (!remote.ok) return { ok: false, error: line(remote.error), exitCode: 2 };
  try {
    const warnings = config.value.warnings.map(line);
    return { ok: true, value: { name: remote.value.name, backend: await openBackend(remote.value, { root, env }), settings: remote.value, warnings } };
  } catch (e) {
    if (e instanceof RemoteError) return { ok: false, error: e.message, exitCode: 2 };
    throw e;
  }
}
