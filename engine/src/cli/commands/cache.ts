// `pipe cache verify [--repair] [--json]`: check every cache object, manifest, run-cache entry and
// the outputs pipeline.lock records (Git's fsck); `--repair` removes what is bad so the next
// `pipe repro` makes it again. Exit 1 when something is wrong and was not repaired.
import { describeFinding, fsck } from "../../cache/fsck.js";
import { byteOrder } from "../../common/order.js";
import { parseCommand } from "../compare-options.js";
import { dispatch } from "../subcommands.js";
import { ExitCode, type CliIO } from "../io.js";
import { requireRoot, requireStores } from "../open.js";

const HELP = `usage: pipe cache verify [--repair] [--json]

verify  read back every object, manifest and run-cache entry, and check that every output
        pipeline.lock records is in the cache; --repair removes the bad ones (the next
        pipe repro makes them again)
`;

export const cache = dispatch("pipe cache", HELP, { verify });

async function verify(argv: readonly string[], io: CliIO): Promise<number> {
  const { values } = parseCommand("pipe cache verify", argv, {
    repair: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    io.stdout(HELP);
    return ExitCode.ok;
  }
  const stores = await requireStores(requireRoot(io.cwd));
  const recorded = Object.entries(stores.lock.stages)
    .sort(([a], [b]) => byteOrder(a, b))
    .flatMap(([stage, entry]) => entry.outs.map((o) => ({ stage, path: o.path, hash: o.hash })));
  const report = await fsck({ layout: stores.cache.layout, objects: stores.cache.objects, recorded, repair: values.repair });
  if (values.json) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    for (const f of report.findings) io.stdout(`${describeFinding(f)}\n`);
    for (const r of report.removed) io.stdout(`removed ${r}\n`);
    const what = `${report.objects} objects, ${report.runEntries} run-cache entries, ${report.lockOuts} outputs in pipeline.lock`;
    io.stderr(
      report.findings.length === 0
        ? `checked ${what}: all good\n`
        : `checked ${what}: ${report.findings.length} problem${report.findings.length === 1 ? "" : "s"}${values.repair ? `, ${report.removed.length} removed` : "; run pipe cache verify --repair to remove the bad ones"}\n`,
    );
  }
  return report.findings.length > 0 && !values.repair ? ExitCode.stageFailed : ExitCode.ok;
}
