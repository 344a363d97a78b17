// Trust nothing on disk: a cache object whose bytes do not hash to its name never reaches the
// workspace. `repro` moves it out of the store and runs the stage instead; `checkout` fails naming
// what to do; `pipe cache verify` finds it and `--repair` removes it.
import { chmodSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Rig } from "../helpers/rig.js";

let rig: Rig;
beforeEach(() => {
  rig = new Rig();
  rig
    .write(
      "pipeline.yaml",
      `stages:
  make:
    cmd: echo make >> log.txt && cp in.txt out.txt && mkdir -p dir && cp in.txt dir/a.txt && echo b > dir/b.txt
    deps: [in.txt]
    outs: [out.txt, dir]
  other:
    cmd: echo other >> log.txt && echo other > other.txt
    deps: [in.txt]
    outs: [other.txt]
`,
    )
    .write("in.txt", "good\n");
  expect(rig.pipe("repro").code).toBe(0);
  rig.clearLog();
});
afterEach(() => rig.cleanup());

/** The object file holding `text` (files only, not manifests). */
function objectHolding(text: string): string {
  const root = rig.path(".cache/objects");
  for (const prefix of readdirSync(root)) {
    for (const rest of readdirSync(join(root, prefix))) {
      const p = join(root, prefix, rest);
      if (!rest.endsWith(".dir") && rig.read(join(".cache/objects", prefix, rest)) === text) return p;
    }
  }
  throw new Error(`no object holds ${JSON.stringify(text)}`);
}
const corrupt = (path: string, bytes = "evil\n"): void => {
  chmodSync(path, 0o644);
  writeFileSync(path, bytes);
};

describe("a corrupt cache object", () => {
  it("is never restored by repro: moved out of the store, the stage runs instead, and status tells the truth", () => {
    corrupt(objectHolding("good\n"));
    rig.remove("out.txt");
    const r = rig.pipe("repro");
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /warning: cannot restore out\.txt: object \w+ is corrupt: its bytes do not hash to its name; moved it to \.cache\/quarantine\/\S+ \(output of stage 'make'\); running the stage instead/,
    );
    expect(rig.log()).toEqual(["make"]);
    expect(rig.read("out.txt")).toBe("good\n");
    expect(rig.pipe("status").stdout).toBe("Data and pipeline are up to date.\n");
    expect(readdirSync(rig.path(".cache/quarantine"))).toHaveLength(1);
  });

  it("inside a directory output: the directory is made again, not half restored", () => {
    corrupt(objectHolding("b\n"));
    rig.remove("dir");
    const r = rig.pipe("repro");
    expect(r.stderr).toMatch(/cannot restore dir: object \w+ \(of b\.txt\) is corrupt/);
    expect(rig.read("dir/b.txt")).toBe("b\n");
    expect(rig.read("dir/a.txt")).toBe("good\n");
  });

  it("behind a run-cache hit is not restored either", () => {
    rig.write("in.txt", "second\n");
    expect(rig.pipe("repro").code).toBe(0);
    rig.write("in.txt", "good\n");
    corrupt(objectHolding("good\n"));
    rig.clearLog();
    const r = rig.pipe("repro");
    expect(r.code).toBe(0);
    expect(rig.log()).toContain("make");
    expect(rig.read("out.txt")).toBe("good\n");
  });

  it("a manifest that does not hash to its name is not used", () => {
    const root = rig.path(".cache/objects");
    const manifest = readdirSync(root).flatMap((p) =>
      readdirSync(join(root, p))
        .filter((n) => n.endsWith(".dir"))
        .map((n) => join(root, p, n)),
    )[0] as string;
    // Still a well-formed manifest of present objects (b.txt left out), but not the one named.
    const entries = JSON.parse(rig.read(manifest.slice(rig.dir.length + 1))) as [string, string, number][];
    corrupt(manifest, JSON.stringify(entries.filter(([p]) => p !== "b.txt")));
    rig.remove("dir");
    const r = rig.pipe("repro");
    expect(r.stderr).toMatch(/cannot restore dir: manifest \w+\.dir missing or corrupt; moved it to \.cache\/quarantine\//);
    expect(rig.read("dir/b.txt")).toBe("b\n");
    expect(rig.read("dir/a.txt")).toBe("good\n");
  });

  it("makes checkout fail naming what to do, and restore everything good", () => {
    corrupt(objectHolding("good\n"));
    rig.remove("out.txt");
    rig.remove("other.txt");
    const r = rig.pipe("checkout");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("restored other.txt");
    expect(r.stderr).toMatch(/cannot restore out\.txt: object \w+ is corrupt.*\(output of stage 'make'\); run 'pipe repro make' to make it again/);
    expect(rig.exists("out.txt")).toBe(false);
    expect(rig.read("other.txt")).toBe("other\n");
  });
});

describe("pipe cache verify", () => {
  it("says all is good, finds a corrupt object and what leans on it, and --repair lets the next repro make it again", () => {
    const ok = rig.pipe("cache", "verify");
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/checked 4 objects, 2 run-cache entries, 3 outputs in pipeline\.lock: all good/);
    corrupt(objectHolding("other\n"));
    const bad = rig.pipe("cache", "verify");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^object \w+: its bytes do not hash to its name$/m);
    expect(bad.stdout).toMatch(/run-cache entry \w+: other\.txt needs object \w+, which is missing or bad/);
    expect(bad.stdout).toMatch(/pipeline\.lock: other\.txt of stage 'other' has no good copy in the cache/);
    const fixed = rig.pipe("cache", "verify", "--repair");
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(/^removed objects\/\w\w\/\w+$/m);
    expect(fixed.stdout).toMatch(/^removed runs\/\w+\.json$/m);
    rig.remove("other.txt");
    expect(rig.pipe("repro").code).toBe(0);
    expect(rig.log()).toEqual(["other"]);
    expect(rig.pipe("cache", "verify").code).toBe(0);
  });
});
