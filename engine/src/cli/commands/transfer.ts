// `pipe push`, `pipe pull`, `pipe fetch`: move what the locks and `.dvc` files record between the
// local cache and a remote. Parse, call the session, render: one line per problem, a summary line,
// `--json` for scripts. A pull checks out only when every object arrived (else the workspace is
// left as it was, exit 1).
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { RemoteError } from "../../remote/backends/backend.js";
import type { Problem, Progress, TransferResult } from "../../remote/transfer.js";
import type { OpenedRemote } from "../../session/remote-open.js";
import { requireRemote } from "../open-remote.js";
import { checkoutItems, fetchItems, pushItems, type TransferSummary } from "../../session/transfer.js";
import { uniqueItems } from "../../session/remote-refs.js";
import { transferItems } from "../transfer-items.js";
import { formatDuration } from "../../report/format.js";
import { ExitCode, UserError, type CliIO, type Command } from "../io.js";
import { formatBytes, progressBar } from "../progress-bar.js";

type Verb = "push" | "pull" | "fetch";

const HELP: Record<Verb, string> = {
  push: "Upload what the locks and .dvc files record (all of it, or the targets') from the local cache to a remote. Only what the remote lacks travels.",
  fetch: "Download what the locks and .dvc files record from a remote into the local cache (verified), without touching the workspace.",
  pull: "fetch, then check the outputs and tracked data out into the workspace (only once every object arrived).",
};

const usage = (verb: Verb): string => `usage: pipe ${verb} [targets...] [-r NAME] [-j N] [--run-cache] [--all-commits] [--json]

${HELP[verb]}

targets               stages (as for repro) or tracked paths / .dvc files; default: everything
  -r, --remote NAME   the remote to use (default: the default remote)
  -j, --jobs N        transfers at once (default: 4 per core, ${4 * availableParallelism()} here)
  --run-cache         also ${verb === "push" ? "upload" : "download"} the run cache (entries and their objects)
  --all-commits       what every git commit's locks record, not only the workspace's
  --json              print a JSON summary on stdout
`;

interface Parsed {
  readonly targets: readonly string[];
  readonly remote: string | undefined;
  readonly jobs: number;
  readonly runCache: boolean;
  readonly allCommits: boolean;
  readonly json: boolean;
}

function parse(verb: Verb, argv: readonly string[], io: CliIO): Parsed | null {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      remote: { type: "string", short: "r" },
      jobs: { type: "string", short: "j" },
      "run-cache": { type: "boolean", default: false },
      "all-commits": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout(usage(verb));
    return null;
  }
  let jobs = 4 * availableParallelism();
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) throw new UserError(`pipe ${verb}: -j/--jobs must be a positive integer, got '${values.jobs}'`);
  }
  return { targets: positionals, remote: values.remote, jobs, runCache: values["run-cache"], allCommits: values["all-commits"], json: values.json };
}

function problemLines(verb: Verb, remote: OpenedRemote, problems: readonly Problem[]): string {
  return problems
    .map((pr) => `pipe ${verb}: ${pr.want.label}: ${pr.why.replace(` ${remote.backend.url}`, ` '${remote.name}' (${remote.backend.url})`)}\n`)
    .join("");
}

function summaryJson(verb: Verb, remote: OpenedRemote, s: TransferSummary, ms: number, checkout?: { restored: readonly string[]; unchanged: number }): string {
  const objects = (r: TransferResult): unknown => ({ moved: r.moved.length, bytes: r.bytes, present: r.present });
  return `${JSON.stringify(
    {
      command: verb,
      remote: remote.name,
      url: remote.backend.url,
      objects: objects(s.objects),
      ...(s.runs === null ? {} : { runs: { moved: s.runs.moved, present: s.runs.present } }),
      ...(checkout === undefined ? {} : { checkout }),
      problems: [...s.objects.problems, ...(s.runs?.problems ?? [])].map((p) => ({ output: p.want.label, object: p.want.digest, why: p.why })),
      seconds: ms / 1000,
    },
    null,
    2,
  )}\n`;
}

function summaryText(verb: Verb, remote: OpenedRemote, s: TransferSummary, ms: number): string {
  const { moved, bytes, present } = s.objects;
  const dir = verb === "push" ? "to" : "from";
  const did = verb === "push" ? "uploaded" : "downloaded";
  const runs = s.runs === null ? "" : `; run cache: ${s.runs.moved} ${verb === "push" ? "uploaded" : "downloaded"}, ${s.runs.present} already there`;
  if (moved.length === 0) return `${verb}: nothing to move ${dir} '${remote.name}' (${present} objects already there)${runs}\n`;
  return `${verb}: ${moved.length} objects (${formatBytes(bytes)}) ${did} ${dir} '${remote.name}' in ${formatDuration(ms)}; ${present} already there${runs}\n`;
}

function transferCommand(verb: Verb): Command {
  return async (argv, io) => {
    const p = parse(verb, argv, io);
    if (p === null) return ExitCode.ok;
    const { root, items, extra, stores } = await transferItems(`pipe ${verb}`, p.targets, p.allCommits, io);
    const remote = await requireRemote(`pipe ${verb}`, root, p.remote, io);
    const bar = progressBar(io, verb);
    const started = Date.now();
    try {
      const req = {
        cache: stores.cache,
        remote: remote.backend,
        items: uniqueItems([...items, ...extra]),
        jobs: p.jobs,
        runCache: p.runCache,
        onProgress: (pr: Progress) => bar.update(pr),
      };
      const summary = verb === "push" ? await pushItems(req) : await fetchItems(req);
      bar.done();
      const problems = [...summary.objects.problems, ...(summary.runs?.problems ?? [])];
      io.stderr(problemLines(verb, remote, problems));
      if (problems.length > 0 && verb === "pull") {
        io.stderr(`pipe pull: ${problems.length} object(s) could not be fetched from '${remote.name}'; the workspace was left as it was\n`);
        if (p.json) io.stdout(summaryJson(verb, remote, summary, Date.now() - started));
        return ExitCode.stageFailed;
      }
      let checkout: { restored: readonly string[]; unchanged: number } | undefined;
      if (verb === "pull") {
        const c = await checkoutItems(stores.cache, stores.hasher, items);
        checkout = { restored: c.restored, unchanged: c.unchanged };
        if (!p.json) for (const r of c.restored) io.stderr(`restored ${r}\n`);
        io.stderr(problemLines(verb, remote, c.problems));
        if (c.problems.length > 0) return ExitCode.stageFailed;
      }
      if (p.json) io.stdout(summaryJson(verb, remote, summary, Date.now() - started, checkout));
      else io.stderr(summaryText(verb, remote, summary, Date.now() - started));
      return problems.length > 0 ? ExitCode.stageFailed : ExitCode.ok;
    } catch (e) {
      bar.done();
      if (e instanceof RemoteError) throw new UserError(`pipe ${verb}: ${e.message}`, ExitCode.stageFailed);
      throw e;
    } finally {
      await remote.backend.close();
    }
  };
}

export const push = transferCommand("push");
export const pull = transferCommand("pull");
export const fetch = transferCommand("fetch");
