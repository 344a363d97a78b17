// Reading project files at a git revision (`git show REV:./path`) or in the workspace, behind one
// small interface, so metrics/params/plots compare any two trees in any clone.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Result } from "../diagnostics/types.js";
import { err, ok } from "../diagnostics/types.js";

/** One side of a comparison: a way to read root-relative files as they were there. */
export interface TreeReader {
  /** What the user called it: `HEAD`, `v1`, `workspace`. */
  readonly label: string;
  /** The file's text, or undefined when it does not exist on that side. */
  readText(relPath: string): Promise<string | undefined>;
}

export const WORKSPACE = "workspace";

export function workspaceReader(root: string): TreeReader {
  return {
    label: WORKSPACE,
    readText: async (relPath) => {
      try {
        return await readFile(join(root, relPath), "utf8");
      } catch {
        return undefined;
      }
    },
  };
}

/** Reads files of `commit` (a resolved sha) relative to `root`, which may be a subfolder of the repo. */
export function gitReader(root: string, commit: string, label: string = commit): TreeReader {
  return {
    label,
    readText: async (relPath) => {
      const r = await git(root, ["show", `${commit}:./${relPath}`]);
      return r.ok ? r.value : undefined;
    },
  };
}

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

function git(cwd: string, args: readonly string[]): Promise<Result<string, string>> {
  return new Promise((resolve) => {
    execFile("git", [...args], { cwd, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) resolve(err((stderr || error.message).trim()));
      else resolve(ok(stdout));
    });
  });
}

/** Every commit reachable from any ref, newest first (for `metrics show --all-commits`). */
export async function listCommits(root: string): Promise<string[]> {
  const r = await git(root, ["rev-list", "--all", "--date-order"]);
  return r.ok ? r.value.split("\n").filter((l) => l.trim() !== "") : [];
}
