// The two sides of a comparison as trees of files: the workspace, or a git commit, behind one
// small interface, so metrics/params/plots compare any two trees in any clone.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { showFile } from "../git/index.js";

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
      return showFile(root, commit, relPath);
    },
  };
}

