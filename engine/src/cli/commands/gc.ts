// `pipe gc [--dry]`: remove cache objects that neither the current locks nor the `.dvc` files of
// tracked data reference. A bad `.dvc` file stops it (exit 2) rather than lose what it tracks.
import { parseArgs } from "node:util";
import type { Digest } from "../../hashing/index.js";
import { trackedDigests } from "../../index.js";
import { ExitCode, type Command } from "../io.js";
import { requireStores } from "../open.js";
import { requireDataProject } from "../data-project.js";

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export const gc: Command = async (argv, io) => {
  const { values } = parseArgs({
    args: [...argv],
    options: { dry: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help) {
    io.stdout("usage: pipe gc [--dry]\n\nRemove cache objects referenced neither by the locks nor by .dvc files (--dry: list them only).\n");
    return ExitCode.ok;
  }
  const { root, tracked } = await requireDataProject(io.cwd, { pipelines: false });
  const ws = await requireStores(root);
  const keep = new Set<Digest>(trackedDigests(tracked.data));
  for (const entry of Object.values(ws.lock.stages)) for (const out of entry.outs) keep.add(out.hash);
  const result = await ws.cache.gc(keep, { dry: values.dry });
  for (const path of result.removed) io.stdout(`${values.dry ? "would remove" : "removed"} ${path}\n`);
  io.stderr(`${values.dry ? "would remove" : "removed"} ${result.removed.length} objects, ${mib(result.bytes)}\n`);
  return ExitCode.ok;
};
