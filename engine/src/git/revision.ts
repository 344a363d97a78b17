// Git plumbing: every `git` call pipe makes (resolve a revision, show a file at a commit, the
// working tree's state, the commit list), each a Result, never a throw.
import type { Result } from "../diagnostics/types.js";
import { err, ok } from "../diagnostics/types.js";
import { git } from "./run.js";

/** True when `root` lies inside a git work tree (and git is installed). */
export async function isGitRepo(root: string): Promise<boolean> {
  const r = await git(root, ["rev-parse", "--is-inside-work-tree"]);
  return r.ok && r.value.trim() === "true";
}

/** Resolves a revision to a commit sha with `git rev-parse --verify`; a one-line error otherwise. */
export async function resolveRevision(root: string, rev: string): Promise<Result<string, string>> {
  if (rev.startsWith("-")) return err(`unknown revision "${rev}"`);
  const r = await git(root, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);
  if (!r.ok || r.value.trim() === "") return err(`unknown revision "${rev}"`);
  return ok(r.value.trim());
}

/** The current commit (null before the first commit) and whether tracked files differ from it. */
export async function gitState(root: string): Promise<{ commit: string | null; dirty: boolean } | null> {
  if (!(await isGitRepo(root))) return null;
  const head = await git(root, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  const status = await git(root, ["status", "--porcelain", "--untracked-files=no"]);
  return {
    commit: head.ok && head.value.trim() !== "" ? head.value.trim() : null,
    dirty: status.ok ? status.value.trim() !== "" : false,
  };
}

/** A file's text at `commit` (`git show COMMIT:./path`, relative to `root`), or undefined. */
export async function showFile(root: string, commit: string, relPath: string): Promise<string | undefined> {
  const r = await git(root, ["show", `${commit}:./${relPath}`]);
  return r.ok ? r.value : undefined;
}

/** Every commit reachable from any ref, newest first (for `metrics show --all-commits`). */
export async function listCommits(root: string): Promise<string[]> {
  const r = await git(root, ["rev-list", "--all", "--date-order"]);
  return r.ok ? r.value.split("\n").filter((l) => l.trim() !== "") : [];
}
