// Paths stay inside the project, through symlinks too. Sentinel files live in a folder beside the
// project, reachable only through symlinks; every command is run, and the sentinels must be
// exactly as they were: pipe never removes, writes, restores or collects anything outside.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Rig } from "../helpers/rig.js";

let rig: Rig;
let outside: string;

/** Every file under the sentinel folder with its bytes and mtime. */
function sentinels(): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p, `${prefix}${name}/`);
      else out.push(`${prefix}${name}:${readFileSync(p, "utf8")}:${st.mtimeMs}`);
    }
  };
  walk(outside, "");
  return out;
}

beforeEach(() => {
  rig = new Rig();
  outside = mkdtempSync(join(tmpdir(), "pipe-outside-"));
  mkdirSync(join(outside, "data"));
  writeFileSync(join(outside, "keep.txt"), "keep me\n");
  writeFileSync(join(outside, "data", "x.txt"), "x\n");
  symlinkSync(outside, rig.path("link"));
  rig.write("in.txt", "in\n");
});
afterEach(() => {
  rig.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

const stage = (body: string): string => `stages:\n  s:\n    cmd: echo s >> log.txt && echo hi > made.txt\n${body}`;

describe("a declared path whose real location leaves the project", () => {
  const cases: [string, string, RegExp][] = [
    [
      "an out under a symlinked folder",
      "    outs: [link/keep.txt]\n",
      /out-outside-project: out 'link\/keep\.txt' of stage 's' leaves the project: 'link' is a symlink to /,
    ],
    [
      "a dep under a symlinked folder",
      "    deps: [link/data/x.txt]\n",
      /dep-outside-project: dep 'link\/data\/x\.txt' of stage 's' leaves the project: 'link' is a symlink to /,
    ],
    ["a wdir that is a symlink", "    wdir: link\n", /wdir-outside-project: wdir 'link' of stage 's' leaves the project: it is a symlink to /],
    ["a metrics file under it", "    metrics: [link/m.json]\n", /out-outside-project: metrics file 'link\/m\.json'/],
    ["a plots file under it", "    plots: [link/p.csv]\n", /out-outside-project: plots file 'link\/p\.csv'/],
  ];
  for (const [what, body, message] of cases) {
    it(`${what} is a located error, exit 2, before anything runs`, () => {
      rig.write("pipeline.yaml", stage(body));
      const before = sentinels();
      const r = rig.pipe("repro");
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^pipeline\.yaml:\d+:\d+ error /m);
      expect(r.stderr).toMatch(message);
      expect(rig.log()).toEqual([]);
      expect(sentinels()).toEqual(before);
    });
  }

  it("an out that is itself a symlink pointing out is refused, and the file it points to kept", () => {
    symlinkSync(join(outside, "keep.txt"), rig.path("o.txt"));
    rig.write("pipeline.yaml", "stages:\n  s:\n    cmd: echo new > o.txt\n    outs: [o.txt]\n");
    const before = sentinels();
    const r = rig.pipe("repro");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/out 'o\.txt' of stage 's' leaves the project: it is a symlink to /);
    expect(sentinels()).toEqual(before);
  });
});

describe("a stage that writes a symlink leading out", () => {
  it("fails; what it points to is neither saved nor touched", () => {
    rig.write("pipeline.yaml", `stages:\n  s:\n    cmd: ln -s ${join(outside, "keep.txt")} made.txt\n    deps: [in.txt]\n    outs: [made.txt]\n`);
    const before = sentinels();
    const r = rig.pipe("repro");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/s: failed after .*'made\.txt' leads out of the project \(to .*keep\.txt\)/);
    expect(sentinels()).toEqual(before);
    expect(rig.exists("pipeline.lock")).toBe(false);
  });

  it("inside a directory output: fails, nothing outside is collected", () => {
    rig.write(
      "pipeline.yaml",
      `stages:\n  s:\n    cmd: mkdir -p d && echo a > d/a.txt && ln -s ${join(outside, "data")} d/ext\n    deps: [in.txt]\n    outs: [d]\n`,
    );
    const before = sentinels();
    const r = rig.pipe("repro");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/'d\/ext' leads out of the project/);
    const objects = rig.exists(".cache/objects")
      ? readdirSync(rig.path(".cache/objects")).flatMap((p) => readdirSync(rig.path(`.cache/objects/${p}`)).map((n) => rig.read(`.cache/objects/${p}/${n}`)))
      : [];
    expect(objects).not.toContain("x\n");
    expect(sentinels()).toEqual(before);
  });
});

describe("every command leaves the outside alone", () => {
  it("repro, status, dag, checkout, gc, cache verify --repair, metrics, params, exp", () => {
    rig.write("params.yaml", "k: 1\n");
    rig.write("make.sh", `echo s >> log.txt && mkdir -p out && cp in.txt out/a.txt && echo '{"m": 1}' > m.json\n`);
    rig.write("pipeline.yaml", "stages:\n  s:\n    cmd: sh make.sh\n    deps: [in.txt, make.sh]\n    params: [k]\n    outs: [out]\n    metrics: [m.json]\n");
    const before = sentinels();
    const run = (...args: string[]): void => {
      const r = rig.pipe(...args);
      expect([0, 1], `${args.join(" ")}: ${r.stderr}`).toContain(r.code);
    };
    run("repro");
    // A symlink out of the project dropped inside an output by hand, and the output deleted.
    symlinkSync(outside, rig.path("out/ext"));
    run("status");
    run("repro");
    run("dag");
    rig.remove("out");
    run("checkout");
    run("gc");
    run("cache", "verify", "--repair");
    run("metrics", "show");
    run("params", "diff");
    run("exp", "run", "-S", "k=2");
    run("repro", "-f");
    expect(sentinels()).toEqual(before);
    expect(readFileSync(join(outside, "keep.txt"), "utf8")).toBe("keep me\n");
  });
});
