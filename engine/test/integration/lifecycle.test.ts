// Integration: what happens around a run: parallel stages, one repro at a time, Ctrl-C,
// checkout and gc, bad pipelines, dag output, watch mode.
import { writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Rig, waitFor } from "../helpers/rig.js";

let rig: Rig;
beforeEach(() => {
  rig = new Rig();
});
afterEach(() => rig.cleanup());

/** Stage command that records its start and end (ms since epoch) and sleeps in between. */
const timed = (name: string, seconds: number): string =>
  `node -e "console.log('${name} start', Date.now())" >> log.txt && sleep ${seconds} && node -e "console.log('${name} end', Date.now())" >> log.txt && echo ${name} > ${name}.txt`;

const interval = (log: string[], name: string): [number, number] => {
  const t = (what: string): number => Number(log.find((l) => l.startsWith(`${name} ${what}`))?.split(" ")[2]);
  return [t("start"), t("end")];
};

describe("parallelism", () => {
  it("independent stages overlap with -j 2 and do not with -j 1", () => {
    rig.write(
      "pipeline.yaml",
      `stages:\n  a:\n    cmd: ${JSON.stringify(timed("a", 1))}\n    outs: [a.txt]\n  b:\n    cmd: ${JSON.stringify(timed("b", 1))}\n    outs: [b.txt]\n`,
    );
    expect(rig.pipe("repro", "-j", "2").code).toBe(0);
    let [a0, a1] = interval(rig.log(), "a");
    let [b0, b1] = interval(rig.log(), "b");
    expect(a0 < b1 && b0 < a1).toBe(true);
    rig.clearLog();
    expect(rig.pipe("repro", "-f", "-j", "1").code).toBe(0);
    [a0, a1] = interval(rig.log(), "a");
    [b0, b1] = interval(rig.log(), "b");
    expect(a1 <= b0 || b1 <= a0).toBe(true);
  });
});

describe("one repro at a time", () => {
  it("a second repro fails fast naming the holder's pid; a dead holder's lock is taken over", async () => {
    rig.write("pipeline.yaml", "stages:\n  slow:\n    cmd: echo started > started.txt && sleep 3\n");
    const first = rig.spawnPipe("repro");
    await waitFor(() => rig.exists("started.txt"), 20_000, "the first repro to start its stage");
    const second = rig.pipe("repro");
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
    expect((await first.exited).code).toBe(0);

    writeFileSync(rig.path(".cache/repro.lock"), "999999\n");
    expect(rig.pipe("repro", "-f").code).toBe(0);
    expect(rig.exists(".cache/repro.lock")).toBe(false);
  });
});

describe("Ctrl-C", () => {
  it("stops the running stage's whole process group, records nothing for it, and leaves the project usable", async () => {
    rig.write(
      "pipeline.yaml",
      `stages:
  quick:
    cmd: echo quick > quick.txt
    outs: [quick.txt]
  long:
    cmd: (sleep 30; echo leaked > leaked.txt) & echo $! > child.pid; echo started > started.txt; wait
    deps: [quick.txt]
    outs: [started.txt]
`,
    );
    const run = rig.spawnPipe("repro");
    await waitFor(() => rig.exists("started.txt") && rig.exists("child.pid"), 20_000, "the long stage to start");
    run.child.kill("SIGINT");
    const result = await run.exited;
    expect(result.code).toBe(130);
    const childPid = Number(rig.read("child.pid").trim());
    await waitFor(
      () => {
        try {
          process.kill(childPid, 0);
          return false;
        } catch {
          return true;
        }
      },
      10_000,
      "the stage's background child to die",
    );
    expect(rig.exists(".cache/repro.lock")).toBe(false);
    const lock = rig.read("pipeline.lock");
    expect(lock).toContain("quick:");
    expect(lock).not.toContain("long:");
    expect(JSON.parse(rig.pipe("status", "--json").stdout)).toHaveProperty("long");
  });
});

describe("checkout and gc", () => {
  beforeEach(() => {
    rig.write("params.yaml", "v: 1\n");
    rig.write("pipeline.yaml", "stages:\n  gen:\n    cmd: mkdir -p out && echo ${v} > out/v.txt && echo x > out/x.txt\n    params: [v]\n    outs: [out]\n");
  });

  it("checkout restores outputs recorded in the lock, and an edit of a restored file never reaches the cache", () => {
    rig.pipe("repro");
    rig.remove("out");
    const r = rig.pipe("checkout");
    expect(r.code).toBe(0);
    expect(rig.read("out/v.txt")).toBe("1\n");
    rig.write("out/v.txt", "edited\n");
    rig.remove("out");
    rig.pipe("checkout");
    expect(rig.read("out/v.txt")).toBe("1\n");
  });

  it("gc removes objects the lock no longer references, and keeps the referenced ones", () => {
    rig.pipe("repro");
    rig.write("params.yaml", "v: 2\n");
    rig.pipe("repro");
    const dry = rig.pipe("gc", "--dry");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would remove objects\//);
    expect(rig.pipe("gc").code).toBe(0);
    expect(rig.pipe("gc", "--dry").stdout).not.toMatch(/objects\//);
    rig.remove("out");
    expect(rig.pipe("checkout").code).toBe(0);
    expect(rig.read("out/v.txt")).toBe("2\n");
  });
});

describe("bad pipelines", () => {
  it("reports every problem at once with file:line:col and the source line, exit 2, and runs nothing", () => {
    rig.write(
      "pipeline.yaml",
      `stages:
  a:
    cmd: echo a >> log.txt > a.txt
    outs: [shared.txt]
  b:
    cmd: echo b >> log.txt
    outs: [shared.txt]
    deps: [nowhere.csv]
`,
    );
    const r = rig.pipe("repro");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pipeline\.yaml:7:\d+ .*duplicate-output/);
    expect(r.stderr).toMatch(/pipeline\.yaml:8:\d+ .*missing-dep/);
    expect(r.stderr).toContain("deps: [nowhere.csv]");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(rig.log()).toEqual([]);
  });

  it("config mistakes and graph mistakes are reported together", () => {
    rig.write(
      "pipeline.yaml",
      "stages:\n  a:\n    cmd: echo a > x.txt\n    outs: [x.txt]\n  b:\n    cmd: echo b > x.txt\n    outs: [x.txt]\n  c:\n    cmd: echo c\n    outz: [c.txt]\n",
    );
    const r = rig.pipe("repro");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pipeline\.yaml:7:\d+ error duplicate-output/);
    expect(r.stderr).toMatch(/pipeline\.yaml:10:5 error unknown-key/);
    expect(r.stderr).toContain("2 errors");
  });

  it("a cycle is reported with the edges that make it", () => {
    rig.write(
      "pipeline.yaml",
      "stages:\n  a:\n    cmd: cp b.txt a.txt\n    deps: [b.txt]\n    outs: [a.txt]\n  b:\n    cmd: cp a.txt b.txt\n    deps: [a.txt]\n    outs: [b.txt]\n",
    );
    const r = rig.pipe("repro");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("dependency cycle: a -> b -> a");
  });

  it("a corrupt pipeline.lock is a one-line diagnostic, not a crash", () => {
    rig.write("pipeline.yaml", "stages:\n  a:\n    cmd: echo a\n");
    rig.write("pipeline.lock", "schema: '1.0'\nstages: [oops\n");
    const r = rig.pipe("repro");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("pipeline.lock");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("pipe dag", () => {
  beforeEach(() => {
    rig.write("raw.txt", "r\n");
    rig.write(
      "pipeline.yaml",
      "stages:\n  prep:\n    cmd: cp raw.txt p.txt\n    deps: [raw.txt]\n    outs: [p.txt]\n  fit:\n    cmd: cp p.txt m.txt\n    deps: [p.txt]\n    outs: [m.txt]\n  report:\n    cmd: cp m.txt r.txt\n    deps: [m.txt, p.txt]\n    outs: [r.txt]\n",
    );
  });

  it("--json lists nodes and upstream->downstream edges", () => {
    expect(JSON.parse(rig.pipe("dag", "--json").stdout)).toEqual({
      nodes: ["prep", "fit", "report"],
      edges: [
        ["prep", "fit"],
        ["prep", "report"],
        ["fit", "report"],
      ],
      stages: { prep: { cmd: "cp raw.txt p.txt" }, fit: { cmd: "cp p.txt m.txt" }, report: { cmd: "cp m.txt r.txt" } },
    });
  });

  it("a target limits the graph to what it needs", () => {
    expect(JSON.parse(rig.pipe("dag", "fit", "--json").stdout)).toEqual({
      nodes: ["prep", "fit"],
      edges: [["prep", "fit"]],
      stages: { prep: { cmd: "cp raw.txt p.txt" }, fit: { cmd: "cp p.txt m.txt" } },
    });
  });

  it("--mermaid and --dot render the same edges", () => {
    expect(rig.pipe("dag", "--mermaid").stdout).toContain("prep --> fit");
    expect(rig.pipe("dag", "--dot").stdout).toContain('"fit" -> "report";');
  });
});

describe("pipe repro --watch", () => {
  it("re-runs when a dependency changes and exits cleanly on Ctrl-C", async () => {
    rig.write("in.txt", "1\n");
    rig.write("pipeline.yaml", "stages:\n  copy:\n    cmd: echo copy >> log.txt && cp in.txt out.txt\n    deps: [in.txt]\n    outs: [out.txt]\n");
    const w = rig.spawnPipe("repro", "--watch");
    await waitFor(() => w.output().stderr.includes("watching for changes"), 20_000, "the first run");
    rig.write("in.txt", "2\n");
    await waitFor(() => rig.log().length === 2, 20_000, "the re-run");
    // The stage logs before it copies: the re-run is over once the watch says so again.
    await waitFor(() => w.output().stderr.split("watching for changes").length === 3, 20_000, "the re-run to finish");
    expect(rig.read("out.txt")).toBe("2\n");
    w.child.kill("SIGINT");
    expect((await w.exited).code).toBe(0);
  });
});
