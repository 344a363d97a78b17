// Integration: the no-op fast path. After a repro that found everything up to date, the next
// repro answers from the up-to-date stamp; every kind of change must still be seen, and then the
// stamp must not answer. A project whose stat cache is deleted shows which path answered: a real
// run re-creates `.cache/state.json`, the stamp does not read or write it.
import { appendFileSync, utimesSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Rig } from "../helpers/rig.js";

const PIPELINE = `stages:
  prepare:
    cmd: echo prepare >> log.txt && mkdir -p prep && cp raw.txt prep/raw.txt
    deps: [raw.txt]
    outs: [prep]
  train:
    cmd: echo train >> log.txt && cat prep/raw.txt > model.txt && echo lr=\${train.lr} >> model.txt && ls data | wc -l >> model.txt
    deps: [prep, data]
    params: [train.lr]
    outs: [model.txt]
`;
const PARAMS = "train:\n  lr: 0.1\n  epochs: 3\n";
const STAMP = ".cache/memo/fresh-v1.json";
const STATE = ".cache/state.json";

let rig: Rig;
beforeEach(() => {
  rig = new Rig();
  rig.write("pipeline.yaml", PIPELINE).write("params.yaml", PARAMS).write("raw.txt", "data\n").write("data/a.csv", "1\n");
  expect(rig.pipe("repro").code).toBe(0);
  expect(rig.pipe("repro").code).toBe(0);
  expect(rig.exists(STAMP)).toBe(true);
  rig.clearLog();
  rig.remove(STATE);
});
afterEach(() => rig.cleanup());

/** A repro that must have been answered by a real run (it re-creates the stat cache). */
function reproReal(): ReturnType<Rig["pipe"]> {
  const r = rig.pipe("repro");
  expect(r.code).toBe(0);
  expect(rig.exists(STATE)).toBe(true);
  return r;
}

describe("the up-to-date stamp", () => {
  it("answers an unchanged project's repro with the same verdict, without a real run", () => {
    const r = rig.pipe("repro");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("= prepare: up to date\n= train: up to date\n");
    expect(r.stderr).toMatch(/0 ran, 0 restored, 2 fresh, 0 failed in/);
    expect(rig.exists(STATE)).toBe(false);
    expect(rig.log()).toEqual([]);
    const json = rig
      .pipe("repro", "--json")
      .stdout.trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string });
    expect(json.map((e) => e.type)).toEqual(["plan", "stage-done", "stage-done", "summary"]);
  });

  it("a dep rewritten with the same size is seen", () => {
    rig.write("raw.txt", "dato\n");
    reproReal();
    expect(rig.log()).toEqual(["prepare", "train"]);
  });

  it("a file added to a dep folder is seen", () => {
    rig.write("data/b.csv", "2\n");
    reproReal();
    expect(rig.log()).toEqual(["train"]);
    expect(rig.read("model.txt")).toMatch(/2\n$/);
  });

  it("a file changed inside an output folder is seen, and the output restored", () => {
    appendFileSync(rig.path("prep/raw.txt"), "tampered\n");
    const r = reproReal();
    expect(r.stderr).toMatch(/prepare: (ran|restored)/);
    expect(rig.read("prep/raw.txt")).toBe("data\n");
  });

  it("a deleted output is seen", () => {
    rig.remove("model.txt");
    const r = reproReal();
    expect(r.stderr).toContain("train: restored from cache");
  });

  it("a changed param value and a changed command are seen", () => {
    rig.write("params.yaml", PARAMS.replace("0.1", "0.2"));
    reproReal();
    expect(rig.log()).toEqual(["train"]);
    rig.pipe("repro");
    rig.clearLog();
    rig.remove(STATE);
    rig.write("pipeline.yaml", PIPELINE.replace("cp raw.txt", "cp -f raw.txt"));
    reproReal();
    expect(rig.log()).toEqual(["prepare"]);
  });

  it("an edited pipeline.lock is seen", () => {
    const lock = rig.read("pipeline.lock");
    rig.write("pipeline.lock", lock.replace(/\n {2}train:[\s\S]*$/, "\n"));
    expect(reproReal().stderr).toMatch(/train: (ran|restored)/);
  });

  it("a dep touched without a change is checked for real, runs nothing, and is stamped again", () => {
    const later = new Date(Date.now() + 5000);
    utimesSync(rig.path("raw.txt"), later, later);
    const r = reproReal();
    expect(rig.log()).toEqual([]);
    expect(r.stderr).toMatch(/0 ran, 0 restored, 2 fresh/);
    rig.remove(STATE);
    rig.pipe("repro");
    expect(rig.exists(STATE)).toBe(false);
  });

  it("targets, --force and --dry always take the real path", () => {
    reproRealWith("repro", "train");
    rig.pipe("repro");
    const dry = rig.pipe("repro", "--dry");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("up to date  prepare");
    expect(rig.pipe("repro", "-f").code).toBe(0);
    expect(rig.log()).toEqual(["prepare", "train"]);
  });
});

function reproRealWith(...args: string[]): void {
  expect(rig.pipe(...args).code).toBe(0);
  expect(rig.exists(STATE)).toBe(true);
}
