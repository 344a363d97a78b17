// Folder listings of a project, each folder read once per open: what is there and which names
// are symlinks. Raw-dep existence and path confinement both answer from it (7,000 deps of a large
// pipeline live in a few dozen folders).
import { readdirSync } from "node:fs";
import { join } from "node:path";

export interface Listing {
  /** The folder's entries (name → is it a symlink), or null when it is not a readable folder. */
  folder(rel: string): ReadonlyMap<string, boolean> | null;
}

export function projectListing(root: string): Listing {
  const listings = new Map<string, ReadonlyMap<string, boolean> | null>();
  return {
    folder(dir) {
      let names = listings.get(dir);
      if (names === undefined) {
        try {
          names = new Map(readdirSync(join(root, dir), { withFileTypes: true }).map((e) => [e.name, e.isSymbolicLink()] as const));
        } catch {
          names = null;
        }
        listings.set(dir, names);
      }
      return names;
    },
  };
}

/** Splits a root-relative path into its folder and its name. */
export const splitRel = (p: string): [dir: string, name: string] => {
  const slash = p.lastIndexOf("/");
  return slash < 0 ? ["", p] : [p.slice(0, slash), p.slice(slash + 1)];
};
