// Path relations that make graph edges: a dep depends on an out when it is that out, lies inside
// it, or (a directory dep) contains it; a glob dep when the pattern matches the out or anything in it.
import { createRequire } from "node:module";
import type picomatchType from "picomatch";
import type { RelPath } from "../config/types.js";

/** True when `inner` equals `outer` or lies inside it (POSIX, root-relative). */
export function isWithin(inner: string, outer: string): boolean {
  if (outer === "") return true;
  return inner === outer || inner.startsWith(outer + "/");
}

/** Every ancestor folder of a path, nearest first, excluding the path itself and the root. */
export function ancestors(path: string): string[] {
  const out: string[] = [];
  let i = path.lastIndexOf("/");
  while (i > 0) {
    path = path.slice(0, i);
    out.push(path);
    i = path.lastIndexOf("/");
  }
  return out;
}

/** The static folder a glob starts from (`data/raw` for `data/raw/*.csv`). */
export function globBase(pattern: string): string {
  const parts = pattern.split("/");
  const base: string[] = [];
  for (const part of parts) {
    if (/[*?[\]{}()!]/.test(part)) break;
    base.push(part);
  }
  return base.join("/");
}

/** A matcher telling whether a glob dep may read an out (a match, or a match inside an out dir). */
export function globTouches(pattern: RelPath): (out: string) => boolean {
  const match = loadPicomatch()(pattern, { dot: true });
  const base = globBase(pattern);
  return (out) => match(out) || isWithin(base, out) || (isWithin(out, base) && out !== base && couldContainMatch(out, pattern));
}

function couldContainMatch(dir: string, pattern: string): boolean {
  // A folder out under the glob's base may hold matching files: `src/**/*.ts` vs out `src/gen`.
  return pattern.includes("**") || dir.split("/").length < pattern.split("/").length;
}

let picomatchFn: typeof picomatchType | undefined;
/** picomatch is loaded on the first glob dep only: most pipelines have none. */
export function loadPicomatch(): typeof picomatchType {
  picomatchFn ??= createRequire(import.meta.url)("picomatch") as typeof picomatchType;
  return picomatchFn;
}
