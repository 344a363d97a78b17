// The items push, pull, fetch and `status --cloud` work on: the outputs the locks record and the
// tracked data (`.dvc` files) of the project, all of them or those the targets name (stages as for
// repro, tracked paths or their .dvc files), and with --all-commits every git revision's outputs.
import type { TransferItem } from "../remote/wants.js";
import { allCommitItems, lockItems } from "../session/remote-refs.js";
import type { Stores } from "../session/stores.js";
import { trackedItems } from "../session/tracked-items.js";
import type { CheckoutItem } from "../session/transfer.js";
import { requireDataProject } from "./data-project.js";
import type { CliIO } from "./io.js";
import { resolveDataTargets } from "./data-targets.js";
import { requireStores } from "./open.js";

/** The items a command moves: the targeted stages' outs and tracked data, or everything. */
export async function transferItems(
  cmd: string,
  targets: readonly string[],
  allCommits: boolean,
  io: CliIO,
): Promise<{ root: string; items: CheckoutItem[]; extra: TransferItem[]; stores: Stores }> {
  const dp = await requireDataProject(io.cwd);
  const stores = await requireStores(dp.project ?? dp.root);
  const picked = resolveDataTargets(cmd, dp, io.cwd, targets);
  const tracked = trackedItems(picked.data);
  for (const d of tracked.md5Only) io.stderr(`${cmd}: ${d.file}: records DVC's md5 only, no pipe object to move (run 'pipe add ${d.path}' once)\n`);
  const extra = allCommits ? (await allCommitItems(dp.root)).items : [];
  return { root: dp.root, items: [...lockItems(stores.lock, picked.stages), ...tracked.items], extra, stores };
}
