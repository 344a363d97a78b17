// The team workflow through the real CLI and a directory remote: one clone runs and pushes, a second
// clone pulls and runs nothing; a killed or half-done push leaves the remote consistent; a missing
// object during pull leaves the workspace untouched; repro --pull restores from the remote's run
// cache; exp push/pull share experiment records.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Rig } from "../helpers/rig.js";

const PIPELINE = `stages:
  make:
    cmd: sh make.sh
    deps: [input.txt, make.sh, raw.csv]
    outs: [out]
    metrics:
      - metrics.json:
          cache: false
`;
// The stage logs each run, so a test can tell whether it ran.
const MAKE = `echo make >> log.txt
mkdir -p out/sub && cat input.txt > out/a.txt && cat raw.csv input.txt > out/sub/b.txt
echo "{\\"rows\\": $(wc -l < raw.csv)}" > metrics.json
`;

let a: Rig;
let b: Rig;
let remote: string;
const git = (r: Rig, ...args: string[]): string => execFileSync("git", args, { cwd: r.dir, encoding: "utf8" });

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, prefix))) {
    const rel = prefix === "" ? name : `${prefix}/${name}`;
    if (statSync(join(dir, rel)).isDirectory()) out.push(...filesUnder(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

beforeEach(() => {
  a = new Rig("pipe-remote-a-");
  remote = join(a.dir, "..", `${a.dir.split("/").pop() as string}-remote`);
  mkdirSync(remote);
  a.write("pipeline.yaml", PIPELINE)
    .write("make.sh", MAKE)
    .write("input.txt", "in\n")
    .write("raw.csv", "x\ny\n")
    .write(".gitignore", "/.cache/\n/out\n/log.txt\n");
  git(a, "init", "-q");
  git(a, "config", "user.email", "t@example.com");
  git(a, "config", "user.name", "t");
});
afterEach(() => {
  for (const r of [a, b]) if (r !== undefined) rmSync(r.dir, { recursive: true, force: true });
  rmSync(remote, { recursive: true, force: true });
});

/** Clone a, as a teammate would (nothing but what git holds). */
function cloneA(): Rig {
  const r = new Rig("pipe-remote-b-");
  rmSync(r.dir, { recursive: true, force: true });
  execFileSync("git", ["clone", "-q", a.dir, r.dir]);
  return r;
}

function setUp(): void {
  expect(a.pipe("add", "raw.csv").code).toBe(0);
  expect(a.pipe("repro").code).toBe(0);
  expect(a.pipe("remote", "add", "-d", "team", remote).code).toBe(0);
  git(a, "add", "-A");
  git(a, "commit", "-qm", "first");
}

describe("push then pull on a second clone", () => {
  it("moves outputs and tracked data; the clone then runs nothing and has the same metrics", () => {
    setUp();
    const pushed = a.pipe("push");
    expect(pushed.code).toBe(0);
    expect(pushed.stderr).toMatch(/push: 5 objects \(\d+ B\) uploaded to 'team'/);
    // No temporary names are left on the remote; every object is named by its digest.
    expect(filesUnder(remote).every((f) => /^objects\/[0-9a-f]{2}\/[0-9a-f]+(\.dir)?$/.test(f))).toBe(true);
    const again = a.pipe("push");
    expect(again.stderr).toContain("nothing to move to 'team' (5 objects already there)");

    b = cloneA();
    const pulled = b.pipe("pull");
    expect(pulled.code).toBe(0);
    expect(pulled.stderr).toContain("restored out");
    expect(pulled.stderr).toContain("restored raw.csv");
    expect(b.read("out/sub/b.txt")).toBe("x\ny\nin\n");
    const repro = b.pipe("repro");
    expect(repro.code).toBe(0);
    expect(repro.stderr).toContain("0 ran, 0 restored, 1 fresh");
    expect(b.log()).toEqual([]);
    expect(b.pipe("metrics", "show", "--json").stdout).toBe(a.pipe("metrics", "show", "--json").stdout);
  });

  it("a push interrupted half way is completed by the next one, which resends only what did not arrive", () => {
    setUp();
    expect(a.pipe("push").code).toBe(0);
    // As if the first push died before these two arrived: one object gone, one left as a temp file.
    const objects = filesUnder(remote);
    const [gone, partial] = objects.filter((f) => !f.endsWith(".dir"));
    unlinkSync(join(remote, gone as string));
    writeFileSync(join(remote, `${partial as string}.tmp-deadbeef`), "half");
    unlinkSync(join(remote, partial as string));
    const again = a.pipe("push", "--json");
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout);
    expect(summary.objects).toMatchObject({ moved: 2, present: 3 });
    b = cloneA();
    expect(b.pipe("pull").code).toBe(0);
    expect(b.pipe("repro").stderr).toContain("1 fresh");
  });

  it("a missing object on the remote: one line naming the remote, the object and the output, exit 1, workspace untouched", () => {
    setUp();
    expect(a.pipe("push").code).toBe(0);
    const raw = a.read("raw.csv.dvc");
    const digest = /blake3: ([0-9a-f]+)/.exec(raw)?.[1] as string;
    unlinkSync(join(remote, "objects", digest.slice(0, 2), digest.slice(2)));
    b = cloneA();
    const pulled = b.pipe("pull");
    expect(pulled.code).toBe(1);
    expect(pulled.stderr).toContain(`pipe pull: raw.csv (raw.csv.dvc): object ${digest} is not on remote 'team'`);
    expect(pulled.stderr).not.toContain("internal-error");
    // Nothing was checked out, not even what did arrive.
    expect(b.exists("out")).toBe(false);
    expect(b.exists("raw.csv")).toBe(false);
  });

  it("status --cloud says what push would send and what pull would bring", () => {
    setUp();
    const before = a.pipe("status", "--cloud", "--json");
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout)).toMatchObject({
      remote: "team",
      notOnRemote: ["metrics.json (stage make)", "out (stage make)", "raw.csv (raw.csv.dvc)"],
      notLocal: [],
      nowhere: [],
    });
    expect(a.pipe("push").code).toBe(0);
    expect(a.pipe("status", "--cloud").stdout).toBe("Remote 'team' and the local cache hold the same 3 output(s).\n");
    b = cloneA();
    const text = b.pipe("status", "--cloud").stdout;
    expect(text).toContain("not in the local cache (pipe pull brings them):\n    metrics.json (stage make)\n    out (stage make)\n");
    expect(text).toContain("    raw.csv (raw.csv.dvc)\n");
  });

  it("targets: push one stage's outputs only", () => {
    setUp();
    const pushed = a.pipe("push", "make", "--json");
    expect(pushed.code).toBe(0);
    expect(JSON.parse(pushed.stdout).objects.moved).toBe(4); // out/ (manifest + 2 files) and metrics.json, not raw.csv
    expect(a.pipe("push", "nope").stderr).toContain("pipe push: unknown target 'nope'");
  });

  it("bad remote settings are one line with exit 2, never a stack trace", () => {
    setUp();
    const r = a.pipe("push", "-r", "elsewhere");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain('unknown remote "elsewhere"');
  });
});

describe("a project of tracked data only (no pipeline file)", () => {
  it("configures a remote, pushes, and pulls the deleted data back", () => {
    const d = new Rig("pipe-remote-data-");
    const store = `${d.dir}-store`;
    mkdirSync(store);
    try {
      git(d, "init", "-q");
      d.write("labels.csv", "id,label\n1,cat\n");
      expect(d.pipe("add", "labels.csv").code).toBe(0);
      const added = d.pipe("remote", "add", "-d", "team", store);
      expect(added.stderr).toContain('added remote "team"');
      expect(added.code).toBe(0);
      expect(d.pipe("push").stderr).toContain("push: 1 objects");
      d.remove("labels.csv");
      expect(d.pipe("pull").code).toBe(0);
      expect(d.read("labels.csv")).toBe("id,label\n1,cat\n");
    } finally {
      rmSync(d.dir, { recursive: true, force: true });
      rmSync(store, { recursive: true, force: true });
    }
  });
});

describe("the shared run cache", () => {
  it("repro --pull restores a stage from the remote's run cache instead of running it", () => {
    setUp();
    expect(a.pipe("push", "--run-cache").code).toBe(0);
    // A teammate changes an input back and forth: the new input's run exists only on a's side.
    a.write("input.txt", "second\n");
    expect(a.pipe("repro").code).toBe(0);
    expect(a.pipe("push", "--run-cache").code).toBe(0);
    a.write("input.txt", "in\n");
    b = cloneA();
    b.write("input.txt", "second\n");
    const r = b.pipe("repro", "--pull");
    expect(r.stderr).toContain("+ make: restored from remote 'team'");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("+ make: restored from remote 'team'");
    expect(r.stderr).toContain("restored raw.csv from remote 'team'"); // the tracked dep came along
    expect(b.log()).toEqual([]);
    expect(b.read("out/a.txt")).toBe("second\n");
    // Without --pull the same situation runs the stage.
    const c = cloneA();
    try {
      expect(c.pipe("pull", "raw.csv").code).toBe(0);
      c.write("input.txt", "second\n");
      expect(c.pipe("repro").stderr).toContain("+ make: ran");
    } finally {
      rmSync(c.dir, { recursive: true, force: true });
    }
  });

  it("exp push / exp pull share experiment records", () => {
    setUp();
    expect(a.pipe("exp", "run", "-n", "first-try").code).toBe(0);
    const pushed = a.pipe("exp", "push");
    expect(pushed.code).toBe(0);
    // setUp's repro was recorded too.
    expect(pushed.stderr).toContain("exp push: 2 experiment(s) sent to 'team'");
    b = cloneA();
    const pulled = b.pipe("exp", "pull");
    expect(pulled.code).toBe(0);
    expect(pulled.stderr).toContain("exp pull: 2 experiment(s) taken in from 'team'");
    expect(b.pipe("exp", "show", "--json").stdout).toContain("first-try");
    expect(b.pipe("exp", "pull").stderr).toContain("0 experiment(s) taken in from 'team', 2 already there");
  });
});
