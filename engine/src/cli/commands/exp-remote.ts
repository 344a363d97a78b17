// `pipe exp push [NAME...]` / `pipe exp pull [NAME...]`: experiment records through a remote, with
// the run cache (entries and objects) so that `exp apply NAME && pipe repro` restores a teammate's
// outputs instead of recomputing them.
import { availableParallelism } from "node:os";
import { ExpStore } from "../../exp/index.js";
import { RemoteError } from "../../remote/backends/backend.js";
import { pullExperiments, pushExperiments } from "../../remote/exps.js";
import { fetchRunCache, pushRunCache } from "../../remote/runs.js";
import { requireRemote } from "../open-remote.js";
import { parseCommand } from "../compare-options.js";
import { ExitCode, UserError, type CliIO } from "../io.js";
import { requireRoot, requireStores } from "../open.js";

export const EXP_REMOTE_HELP = `push   send experiment records (all, or the named ones) and the run cache to a remote (-r NAME)
pull   take in a remote's experiment records (all, or the named ones) and its run cache
`;

export async function expTransfer(verb: "push" | "pull", argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = `pipe exp ${verb}`;
  const { values, positionals } = parseCommand(cmd, argv, {
    remote: { type: "string", short: "r" },
    "no-run-cache": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    io.stdout(`usage: ${cmd} [NAME...] [-r REMOTE] [--no-run-cache]\n\n${EXP_REMOTE_HELP}`);
    return ExitCode.ok;
  }
  const root = requireRoot(io.cwd);
  const { name, backend } = await requireRemote(cmd, root, values.remote, io);
  try {
    const store = new ExpStore(root);
    const r = verb === "push" ? await pushExperiments(store, backend, positionals) : await pullExperiments(store, backend, positionals);
    for (const p of r.problems) io.stderr(`${cmd}: ${p}\n`);
    for (const n of r.renamed) io.stderr(`${cmd}: took in ${n} (an experiment here already had its name)\n`);
    let runs = "";
    if (!values["no-run-cache"]) {
      const stores = await requireStores(root);
      const opts = { jobs: 4 * availableParallelism() };
      const rc = verb === "push" ? await pushRunCache(stores.cache, backend, opts) : await fetchRunCache(stores.cache, backend, opts);
      for (const p of rc.problems) io.stderr(`${cmd}: ${p.want.label}: ${p.why}\n`);
      runs = `; run cache: ${rc.moved} ${verb === "push" ? "sent" : "taken in"}, ${rc.present} already there`;
    }
    const moved = r.moved.length + r.renamed.length;
    io.stderr(`exp ${verb}: ${moved} experiment(s) ${verb === "push" ? "sent to" : "taken in from"} '${name}', ${r.present} already there${runs}\n`);
    return r.problems.length > 0 ? ExitCode.stageFailed : ExitCode.ok;
  } catch (e) {
    if (e instanceof RemoteError) throw new UserError(`${cmd}: ${e.message}`, ExitCode.stageFailed);
    throw e;
  } finally {
    await backend.close();
  }
}
