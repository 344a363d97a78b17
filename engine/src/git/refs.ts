// The revisions pipe ui's experiments table shows as rows: HEAD and every local branch, each with its
// commit and commit time (one `git for-each-ref`, one `git log`); none outside a git repository.
import { git } from "./run.js";

export interface RevisionRef {
  /** `HEAD` or the branch name. */
  readonly name: string;
  readonly commit: string;
  /** Committer date, ISO-8601. */
  readonly time: string;
}

/** git's stdout, or null when it failed. */
async function stdout(root: string, args: readonly string[]): Promise<string | null> {
  const r = await git(root, args, 16 * 1024 * 1024);
  return r.ok ? r.value : null;
}

/** HEAD (when it has a commit) then the local branches by name. */
export async function listRevisions(root: string): Promise<RevisionRef[]> {
  const refs: RevisionRef[] = [];
  const head = await stdout(root, ["log", "-1", "--format=%H%x00%cI", "HEAD", "--"]);
  const [headSha, headTime] = (head ?? "").trim().split("\0");
  if (headSha !== undefined && /^[0-9a-f]{40,64}$/.test(headSha)) refs.push({ name: "HEAD", commit: headSha, time: iso(headTime ?? "") });
  const listed = await stdout(root, ["for-each-ref", "--format=%(refname:short)%00%(objectname)%00%(committerdate:iso-strict)", "refs/heads"]);
  const branches: RevisionRef[] = [];
  for (const line of (listed ?? "").split("\n")) {
    const [name, commit, time] = line.split("\0");
    if (name === undefined || name === "" || commit === undefined || time === undefined) continue;
    branches.push({ name, commit, time: iso(time) });
  }
  branches.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [...refs, ...branches];
}

/** A git date as UTC ISO-8601 (as written when it does not parse). */
function iso(text: string): string {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}
