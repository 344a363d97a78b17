// `pipe checkout [targets]`: bring the outputs recorded in pipeline.lock, and the data the `.dvc`
// files track, back from the cache. A target is a stage (as for repro), a `.dvc` file or a tracked path.
import { parseArgs } from "node:util";
import type { HashInfo } from "../../hashing/index.js";
import { isDirDigest } from "../../hashing/index.js";
import { describeRestoreProblem } from "../../cache/index.js";
import type { TrackedData } from "../../index.js";
import type { RelPath } from "../../config/types.js";
import { ExitCode, type Command } from "../io.js";
import { requireStores } from "../open.js";
import { requireDataProject } from "../data-project.js";
import { resolveDataTargets } from "../data-targets.js";

const HELP = `usage: pipe checkout [targets...]

Restore the outputs recorded in pipeline.lock, and the data tracked by .dvc files, from the cache.
A target is a stage (as for repro), a .dvc file or a tracked path; no target: everything.
`;

/** One path to bring back: what it should hold, and how to talk about it. */
interface Wanted {
  readonly path: RelPath;
  /** null: the tracking file records DVC's md5 only, so pipe has no object for it. */
  readonly info: HashInfo | null;
  /** `stage train` or `data/raw.csv.dvc`, for the lines below. */
  readonly owner: string;
  /** `output of stage 'train'` or `tracked by data/raw.csv.dvc`. */
  readonly role: string;
  /** What to do when its object is bad. */
  readonly remedy: string;
}

const fromTracked = (d: TrackedData): Wanted => ({
  path: d.path,
  info: d.info,
  owner: d.file,
  role: `tracked by ${d.file}`,
  remedy: `run 'pipe pull ${d.file}', or 'pipe add ${d.path}' where the data is`,
});

export const checkout: Command = async (argv, io) => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help) {
    io.stdout(HELP);
    return ExitCode.ok;
  }
  const dp = await requireDataProject(io.cwd);
  const { root, project } = dp;
  const picked = resolveDataTargets("pipe checkout", dp, io.cwd, positionals);
  const ws = await requireStores(project ?? root);
  const wanted: Wanted[] = [];
  for (const name of picked.stages) {
    for (const out of ws.lock.stages[name]?.outs ?? []) {
      const info: HashInfo = { digest: out.hash, size: out.size, isDir: isDirDigest(out.hash), ...(out.nfiles !== undefined ? { nfiles: out.nfiles } : {}) };
      wanted.push({ path: out.path, info, owner: `stage ${name}`, role: `output of stage '${name}'`, remedy: `run 'pipe repro ${name}' to make it again` });
    }
  }
  wanted.push(...picked.data.map(fromTracked));

  let restored = 0;
  let unchanged = 0;
  const missing: string[] = [];
  const corrupt: string[] = [];
  for (const w of wanted) {
    const current = await ws.hasher.hashPath(w.path);
    if (w.info === null) {
      // pipe cannot check DVC's md5; data that is there is left alone.
      if (current !== null) unchanged++;
      else missing.push(`${w.path} (${w.owner} records DVC's md5 only; run 'pipe add ${w.path}' where the data is)`);
      continue;
    }
    if (current?.digest === w.info.digest) {
      unchanged++;
      continue;
    }
    if (!(await ws.cache.has(w.info))) {
      missing.push(`${w.path} (${w.owner})`);
      continue;
    }
    const problem = await ws.cache.restoreChecked(w.path, w.info);
    if (problem !== null) {
      corrupt.push(`${describeRestoreProblem(w.path, problem)} (${w.role}); ${w.remedy}`);
      continue;
    }
    io.stderr(`restored ${w.path}${w.owner.startsWith("stage ") ? "" : ` (${w.owner})`}\n`);
    restored++;
  }
  await ws.hasher.flush();
  await ws.cache.flush();
  const notes = [missing.length ? `${missing.length} not in the cache` : "", corrupt.length ? `${corrupt.length} with a bad cache object` : ""].filter(Boolean);
  io.stderr(`${restored} restored, ${unchanged} unchanged${notes.map((n) => `, ${n}`).join("")}\n`);
  for (const m of missing) io.stderr(`  not in the cache: ${m}\n`);
  for (const c of corrupt) io.stderr(`  ${c}\n`);
  return missing.length + corrupt.length > 0 ? ExitCode.stageFailed : ExitCode.ok;
};
