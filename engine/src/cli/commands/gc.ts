// `pipe gc [--dry]`: remove cache objects that the current pipeline.lock does not reference.
import { parseArgs } from "node:util";
import type { Digest } from "../../hashing/index.js";
import { ExitCode, type Command } from "../io.js";
import { requireRoot, requireStores } from "../open.js";

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export const gc: Command = async (argv, io) => {
  const { values } = parseArgs({
    args: [...argv],
    options: { dry: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help) {
    io.stdout("usage: pipe gc [--dry]\n\nRemove cache objects not referenced by pipeline.lock (--dry: list them only).\n");
    return ExitCode.ok;
  }
  const root = requireRoot(io.cwd);
  const ws = await requireStores(root);
  const keep = new Set<Digest>();
  for (const entry of Object.values(ws.lock.stages)) for (const out of entry.outs) keep.add(out.hash);
  const result = await ws.cache.gc(keep, { dry: values.dry });
  for (const path of result.removed) io.stdout(`${values.dry ? "would remove" : "removed"} ${path}\n`);
  io.stderr(`${values.dry ? "would remove" : "removed"} ${result.removed.length} objects, ${mib(result.bytes)}\n`);
  return ExitCode.ok;
};
