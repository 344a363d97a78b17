// Paths stay inside the project through symlinks too: every out, dep, wdir, metrics and plots path
// is resolved through the real file system, component by component, and one whose real location
// leaves the project (a symlinked folder on the way, or the path itself a symlink pointing out) is
// a located error before anything runs. The config's own check is lexical; this one sees the disk.
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { isInside } from "../files/inside.js";
import type { Pipeline } from "../config/types.js";
import type { Diagnostic, DiagnosticCode, SourceLocation } from "../diagnostics/types.js";
import { globBase } from "../graph/paths.js";
import type { Listing } from "./listing.js";
import { splitRel } from "./listing.js";

/** Where a path's real location leaves the project: the symlink on the way and where it points. */
interface Escape {
  readonly link: string;
  readonly target: string;
}

export function confinementDiagnostics(pipeline: Pipeline, listing: Listing, realpath: (abs: string) => string = realpathSync.native): Diagnostic[] {
  const root = pipeline.root;
  let realRoot: string;
  try {
    realRoot = realpath(root);
  } catch {
    return [];
  }
  const verdicts = new Map<string, Escape | null>();
  /** null when `rel` (and every folder on its way) stays inside, as far as it exists. */
  const escapeOf = (rel: string): Escape | null => {
    if (rel === "") return null;
    const known = verdicts.get(rel);
    if (known !== undefined) return known;
    const [dir, name] = splitRel(rel);
    let verdict = escapeOf(dir);
    if (verdict === null) {
      const isLink = listing.folder(dir)?.get(name);
      if (isLink === true) {
        try {
          const real = realpath(join(root, rel));
          if (!isInside(realRoot, real)) verdict = { link: rel, target: real };
        } catch {
          // a dangling link: where it would point is resolved by whoever writes through it
          verdict = null;
        }
      }
    }
    verdicts.set(rel, verdict);
    return verdict;
  };
  const out: Diagnostic[] = [];
  const check = (rel: string, what: string, stage: string, code: DiagnosticCode, location: SourceLocation): void => {
    const e = escapeOf(rel);
    if (e === null) return;
    const via = e.link === rel ? `it is a symlink to ${e.target}` : `'${e.link}' is a symlink to ${e.target}`;
    out.push({ severity: "error", code, message: `${what} '${rel}' of stage '${stage}' leaves the project: ${via}`, location });
  };
  for (const s of pipeline.stages) {
    if (s.wdir !== "") check(s.wdir, "wdir", s.name, "wdir-outside-project", s.loc);
    for (const d of s.deps) check(d.glob ? globBase(d.path) : d.path, d.glob ? "glob dep" : "dep", s.name, "dep-outside-project", d.loc);
    for (const o of s.outs) check(o.path, o.kind === "out" ? "out" : o.kind === "metric" ? "metrics file" : "plots file", s.name, "out-outside-project", o.loc);
  }
  return out;
}
