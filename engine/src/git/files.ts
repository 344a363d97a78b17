// The project as git sees it: tracked files as they are in the working tree, and untracked ones
// git does not ignore (what a parallel experiment's workspace starts with).
import { git } from "./run.js";

/** Root-relative paths (a tracked file deleted in the working tree is still listed); null outside git. */
export async function listWorkingFiles(root: string): Promise<string[] | null> {
  const r = await git(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], 1024 * 1024 * 1024);
  return r.ok ? [...new Set(r.value.split("\0").filter((p) => p !== ""))] : null;
}
