// The CLI's side of opening a remote: a problem with the settings is one UserError (exit 2); the
// warnings of the settings (a secret in the committed `.pipe/config`) go to stderr.
import { openRemote, type OpenedRemote } from "../session/remote-open.js";
import { UserError, type CliIO } from "./io.js";

export async function requireRemote(cmd: string, root: string, name: string | undefined, io: CliIO): Promise<OpenedRemote> {
  const remote = await openRemote(root, name, io.env);
  if (!remote.ok) throw new UserError(`${cmd}: ${remote.error}`, remote.exitCode);
  for (const w of remote.value.warnings) io.stderr(`warning: ${w}\n`);
  return remote.value;
}
