// The items push, pull, fetch and `status --cloud` work on: the outputs the locks record and the
// tracked data (`.dvc` files) of the project, all of them or those the targets name (stages as for
// repro, tracked paths or their .dvc files), and with --all-commits every git revision's outputs.
import { relative, resolve, sep } from "node:path";
import { resolveTargets } from "../plan/index.js";
import type { TransferItem } from "../remote/wants.js";
import { allCommitItems } from "../session/remote-refs.js";
import type { Stores } from "../session/stores.js";
import { reproTargets } from "../session/targets.js";
import { trackedItems } from "../session/tracked-items.js";
import type { CheckoutItem } from "../session/transfer.js";
import { requireDataProject } from "./data-project.js";
import { UserError, type CliIO } from "./io.js";
import { requireStores } from "./open.js";

/** The items a command moves: the targeted stages' outs and tracked data, or everything. */
export async function transferItems(
  cmd: string,
  targets: readonly string[],
  allCommits: boolean,
  io: CliIO,
): Promise<{ root: string; items: CheckoutItem[]; extra: TransferItem[]; stores: Stores }> {
  const { root, project, tracked } = await requireDataProject(io.cwd);
  const stores = await requireStores(project ?? root);
  const fromTracked = trackedItems(tracked.data);
  for (const d of fromTracked.md5Only) io.stderr(`${cmd}: ${d.file}: records DVC's md5 only, no pipe object to move (run 'pipe add ${d.path}' once)\n`);
  let names: readonly string[] | null = null;
  let tracks: CheckoutItem[] = fromTracked.items;
  if (targets.length > 0) {
    const stageTargets: string[] = [];
    const picked: CheckoutItem[] = [];
    for (const t of targets) {
      const rel = relative(root, resolve(io.cwd, t)).split(sep).join("/");
      const hit = fromTracked.items.filter((i) => i.path === rel || i.file === rel);
      if (hit.length > 0) picked.push(...hit);
      else stageTargets.push(t);
    }
    tracks = picked;
    names = [];
    if (stageTargets.length > 0) {
      if (project === null) throw new UserError(`${cmd}: '${stageTargets[0] as string}' is not tracked data, and this project has no pipeline`);
      const t = resolveTargets(project.graph, reproTargets(project, io.cwd, { targets: stageTargets, recursive: false, allPipelines: false }));
      if (!Array.isArray(t)) throw new UserError(`${cmd}: unknown target '${t.target}' (not a stage or tracked data; stages: ${t.known.join(", ")})`);
      names = t;
    }
  }
  const fromLock: CheckoutItem[] = [];
  for (const name of names ?? Object.keys(stores.lock.stages)) {
    const entry = stores.lock.stages[name];
    if (entry === undefined) continue;
    for (const out of entry.outs) {
      fromLock.push({
        digest: out.hash,
        size: out.size,
        label: `${out.path} (stage ${name})`,
        path: out.path,
        ...(out.nfiles !== undefined ? { nfiles: out.nfiles } : {}),
      });
    }
  }
  const extra = allCommits ? (await allCommitItems(root)).items : [];
  return { root, items: [...fromLock, ...tracks], extra, stores };
}
