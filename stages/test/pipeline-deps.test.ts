// pipeline.yaml names every stages/ file a stage script imports, transitively (relative imports and the
// package's `#...` aliases), and no stages/lib file it does not import: a stage's deps are complete,
// so editing a helper re-runs exactly the stages that load it. Also: serve/src reaches stages/lib only
// through the aliases, never by a `../../` path.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";

const REPO = resolve(import.meta.dirname, "../..");
const ALIASES = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { imports: Record<string, string> }).imports;
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)["']([^"']+)["']/g;

/** The file a specifier names, or null for a package import. */
function resolveSpecifier(from: string, spec: string): string | null {
  let target: string | null = null;
  if (spec.startsWith(".")) target = resolve(dirname(from), spec);
  else if (spec.startsWith("#")) {
    for (const [pattern, to] of Object.entries(ALIASES)) {
      const prefix = pattern.replace(/\*$/, "");
      if (spec.startsWith(prefix)) target = resolve(REPO, to.replace(/\*$/, "") + spec.slice(prefix.length));
    }
    if (target === null) throw new Error(`${relative(REPO, from)}: no package.json alias for ${spec}`);
  }
  if (target === null) return null;
  const ts = target.replace(/\.js$/, ".ts");
  if (existsSync(ts)) return ts;
  if (existsSync(target)) return target;
  throw new Error(`${relative(REPO, from)}: ${spec} does not resolve (${relative(REPO, ts)})`);
}

/** Every file `entry` loads, itself included, as repo-relative paths. */
function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [resolve(REPO, entry)];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    const rel = relative(REPO, file);
    if (seen.has(rel)) continue;
    seen.add(rel);
    for (const m of readFileSync(file, "utf8").matchAll(SPECIFIER)) {
      const target = resolveSpecifier(file, m[1] as string);
      if (target !== null) todo.push(target);
    }
  }
  return seen;
}

interface StageYaml {
  cmd: string;
  deps?: string[];
}

const stages = (parseYaml(readFileSync(join(REPO, "pipeline.yaml"), "utf8")) as { stages: Record<string, StageYaml> }).stages;

describe("pipeline.yaml deps", () => {
  const scripted = Object.entries(stages).flatMap(([name, s]) => {
    const m = /^tsx (stages\/[\w-]+\.ts)$/.exec(s.cmd);
    return m === null ? [] : [{ name, script: m[1] as string, deps: s.deps ?? [] }];
  });

  it("covers every stage of the pipeline", () => {
    expect(scripted.map((s) => s.name)).toEqual(Object.keys(stages));
  });

  it.each(scripted)("$name lists exactly the stages/ files it imports", ({ script, deps }) => {
    const loaded = [...closure(script)].sort();
    const covered = (f: string): boolean => deps.some((d) => f === d || f.startsWith(`${d}/`));
    expect(
      loaded.filter((f) => !covered(f)),
      "imported but not a dep",
    ).toEqual([]);
    const stale = deps.filter((d) => d.startsWith("stages/") && !loaded.some((f) => f === d || f.startsWith(`${d}/`)));
    expect(stale, "a dep it does not import").toEqual([]);
  });
});

describe("serve/src", () => {
  it("imports stages/lib through the package aliases only", () => {
    const files = readdirSync(join(REPO, "serve/src")).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(0);
    const reaching = files.flatMap((f) =>
      [...readFileSync(join(REPO, "serve/src", f), "utf8").matchAll(SPECIFIER)]
        .map((m) => m[1] as string)
        .filter((s) => s.startsWith("../"))
        .map((s) => `${f}: ${s}`),
    );
    expect(reaching).toEqual([]);
  });
});
