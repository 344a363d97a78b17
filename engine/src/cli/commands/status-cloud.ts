// `pipe status --cloud [-r NAME] [targets] [--json]`: what `pipe push` would send (in the local
// cache, not on the remote), what `pipe pull` would bring (on the remote, not here), and what is in
// neither. Nothing is transferred but directory manifests missing here (verified, as a fetch would).
import { RemoteError } from "../../remote/backends/backend.js";
import type { TransferItem } from "../../remote/wants.js";
import { cloudStatus } from "../../session/cloud-status.js";
import { requireRemote } from "../open-remote.js";
import { uniqueItems } from "../../session/remote-refs.js";
import { ExitCode, UserError, type CliIO } from "../io.js";
import { transferItems } from "../transfer-items.js";

const list = (title: string, items: readonly TransferItem[]): string =>
  items.length === 0 ? "" : `  ${title}:\n${items.map((i) => `    ${i.label}\n`).join("")}`;

export async function statusCloud(targets: readonly string[], remoteName: string | undefined, json: boolean, io: CliIO): Promise<number> {
  const { root, items, stores } = await transferItems("pipe status --cloud", targets, false, io);
  const { name, backend } = await requireRemote("pipe status --cloud", root, remoteName, io);
  try {
    const s = await cloudStatus(stores.cache, backend, uniqueItems(items));
    if (json) {
      const labels = (xs: readonly TransferItem[]): string[] => xs.map((x) => x.label);
      io.stdout(
        `${JSON.stringify({ remote: name, url: backend.url, notOnRemote: labels(s.notOnRemote), notLocal: labels(s.notLocal), nowhere: labels(s.nowhere), inSync: s.inSync })}\n`,
      );
    } else if (s.notOnRemote.length + s.notLocal.length + s.nowhere.length === 0) {
      io.stdout(`Remote '${name}' and the local cache hold the same ${s.inSync} output(s).\n`);
    } else {
      io.stdout(
        `remote '${name}' (${backend.url}):\n` +
          list("not on the remote (pipe push sends them)", s.notOnRemote) +
          list("not in the local cache (pipe pull brings them)", s.notLocal) +
          list("in neither (run the stage again)", s.nowhere),
      );
    }
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof RemoteError) throw new UserError(`pipe status --cloud: ${e.message}`, ExitCode.stageFailed);
    throw e;
  } finally {
    await backend.close();
  }
}
