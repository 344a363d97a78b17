// `pipe add PATH... [--no-commit] [--json]`: track data no stage produces. Parse, call the engine's
// addTracked, render one line per path (or JSON); every refused path is one line, exit 2.
import { parseArgs } from "node:util";
import { addTracked, collectsFolder, type Added } from "../../index.js";
import { ExitCode, UserError, type Command } from "../io.js";
import { requireStores } from "../open.js";
import { requireDataProject } from "../data-project.js";

const HELP = `usage: pipe add PATH... [--no-commit] [--json]

Track files or folders that no stage produces: write PATH.dvc beside each (DVC's .dvc layout,
with pipe's digest), add /NAME to the .gitignore of its folder, and save it into the cache so
that pipe checkout (and push/pull) can bring it back. A path already tracked is re-added.

  --no-commit   write the .dvc file and the .gitignore entry, but do not save the data into the cache
  --json        print what was added as JSON on stdout
`;

/** Decimal units, as `ls -h --si` and DVC print sizes. */
export function formatSize(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${bytes} B` : `${v.toFixed(1)} ${units[i]}`;
}

function describe(a: Added): string {
  const what = a.info.isDir ? `${a.info.nfiles ?? 0} file${a.info.nfiles === 1 ? "" : "s"}, ${formatSize(a.info.size)}` : formatSize(a.info.size);
  const ignore = a.gitignore.added ? `${a.gitignore.entry} added to ${a.gitignore.file}` : `${a.gitignore.entry} already in ${a.gitignore.file}`;
  return `${a.readded ? "re-added" : "added"} ${a.path} (${what}): ${a.file} ${a.readded ? "updated" : "written"}, ${ignore}${a.cached ? "" : ", not cached (--no-commit)"}`;
}

export const add: Command = async (argv, io) => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      "no-commit": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return ExitCode.ok;
  }
  if (positionals.length === 0) throw new UserError("pipe add: name the files or folders to track (pipe add PATH...)");
  const dp = await requireDataProject(io.cwd);
  const stores = await requireStores(dp.project ?? dp.root);
  const outcome = await addTracked({
    root: dp.root,
    cwd: io.cwd,
    paths: positionals,
    stages: dp.project?.pipeline.stages ?? [],
    tracked: dp.tracked.data,
    hasher: stores.hasher,
    cache: stores.cache,
    commit: !values["no-commit"],
    collected: collectsFolder(dp.root),
  });
  if (!outcome.ok) {
    for (const r of outcome.refusals) io.stderr(`pipe add: ${r.path} ${r.reason}\n`);
    return ExitCode.usage;
  }
  if (values.json) {
    const rows = outcome.added.map((a) => ({ path: a.path, file: a.file, ...a.info, readded: a.readded, gitignore: a.gitignore, cached: a.cached }));
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return ExitCode.ok;
  }
  for (const a of outcome.added) io.stdout(`${describe(a)}\n`);
  const toGit = [...new Set(outcome.added.flatMap((a) => [a.file, a.gitignore.file]))];
  io.stderr(`to track the changes with git, run: git add ${toGit.join(" ")}\n`);
  return ExitCode.ok;
};
