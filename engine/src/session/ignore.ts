// Which folders the pipeline collection skips, as DVC's collect_files does (dvc/repo/index.py):
// `.git` and every dot-folder, `node_modules`, and folders ignored by the root `.gitignore`
// (folder patterns only: `name`, `/anchored`, `a/b`, with `*` and `?`; `!` negations are not read).
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { skippedName } from "../memo/fresh-stamp.js";

export { skippedName };

export const GITIGNORE = ".gitignore";

/** Is the root-relative folder `rel` ignored? Built from the root's .gitignore (absent: nothing is). */
export type IgnoreTest = (rel: string) => boolean;

const toRegex = (glob: string): string =>
  glob
    .split("")
    .map((c) => (c === "*" ? "[^/]*" : c === "?" ? "[^/]" : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");

export function gitignoreTest(text: string | null): IgnoreTest {
  if (text === null) return () => false;
  const res: RegExp[] = [];
  for (const raw of text.split("\n")) {
    let line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    if (line.endsWith("/")) line = line.slice(0, -1);
    if (line.startsWith("**/")) line = line.slice(3);
    if (line === "") continue;
    const anchored = line.startsWith("/") || line.includes("/");
    if (line.startsWith("/")) line = line.slice(1);
    res.push(new RegExp(anchored ? `^${toRegex(line)}$` : `(^|/)${toRegex(line)}$`));
  }
  return res.length === 0 ? () => false : (rel) => res.some((r) => r.test(rel));
}

export function readGitignore(root: string): IgnoreTest {
  let text: string | null;
  try {
    text = readFileSync(join(root, GITIGNORE), "utf8");
  } catch {
    text = null;
  }
  return gitignoreTest(text);
}

/** Would a walk from the root reach the root-relative folder `rel` (no skipped folder on the way)? */
export function reachable(rel: string, ignored: IgnoreTest): boolean {
  if (rel === "") return true;
  const parts = rel.split("/");
  for (let i = 0; i < parts.length; i++) {
    if (skippedName(parts[i] as string) || ignored(parts.slice(0, i + 1).join("/"))) return false;
  }
  return true;
}
