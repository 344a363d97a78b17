import { describe, expect, it } from "vitest";
import type { HashInfo } from "../../../src/hashing/index.js";
import { decide, decideStage, stageFingerprint, type DecisionInput, type Observation } from "../../../src/status/index.js";
import { stage } from "../../helpers/stages.js";

const info = (digest: string): HashInfo => ({ digest: digest as HashInfo["digest"], size: 1, isDir: false });
const obs = (deps: Record<string, string | null>, outs: Record<string, string | null>): Observation => ({
  deps: new Map(Object.entries(deps).map(([k, v]) => [k, v === null ? null : info(v)])),
  outs: new Map(Object.entries(outs).map(([k, v]) => [k, v === null ? null : info(v)])),
});

const s = stage("train", { cmd: "python train.py", deps: ["data.csv"], outs: ["model.bin"], params: { "params.yaml": { "train.lr": 0.1 } } });
const recorded = {
  cmd: "python train.py",
  deps: [{ path: "data.csv", hash: "d1" }],
  params: { "params.yaml": { "train.lr": 0.1 } },
  outs: [{ path: "model.bin", hash: "m1" }],
};

describe("decide", () => {
  it("is fresh when nothing changed", () => {
    expect(decide(s, obs({ "data.csv": "d1" }, { "model.bin": "m1" }), recorded)).toEqual([]);
  });
  it("never-run without a lock entry", () => {
    expect(decide(s, obs({ "data.csv": "d1" }, { "model.bin": null }), undefined)).toEqual([{ kind: "never-run" }]);
  });
  it("names each changed input and output", () => {
    const changed = stage("train", { cmd: "python train.py --fast", deps: ["data.csv"], outs: ["model.bin"], params: { "params.yaml": { "train.lr": 0.2 } } });
    expect(decide(changed, obs({ "data.csv": "d2" }, { "model.bin": "m2" }), recorded)).toEqual([
      { kind: "cmd-changed" },
      { kind: "dep-modified", path: "data.csv" },
      { kind: "param-changed", path: "params.yaml", key: "train.lr" },
      { kind: "out-modified", path: "model.bin" },
    ]);
  });
  it("reports missing deps and outs", () => {
    expect(decide(s, obs({ "data.csv": null }, { "model.bin": null }), recorded)).toEqual([
      { kind: "dep-missing", path: "data.csv" },
      { kind: "out-missing", path: "model.bin" },
    ]);
  });
  it("a dep removed from the declaration counts as a modified dep", () => {
    const fewer = stage("train", { cmd: "python train.py", outs: ["model.bin"], params: { "params.yaml": { "train.lr": 0.1 } } });
    expect(decide(fewer, obs({}, { "model.bin": "m1" }), recorded)).toEqual([{ kind: "dep-modified", path: "data.csv" }]);
  });
  it("always_changed is always stale", () => {
    const always = { ...s, alwaysChanged: true };
    expect(decide(always, obs({ "data.csv": "d1" }, { "model.bin": "m1" }), recorded)).toEqual([{ kind: "always-changed" }]);
  });
});

describe("stageFingerprint", () => {
  it("is stable across dep order and changes with any input", () => {
    const a = stageFingerprint(s, new Map([["data.csv", info("d1")]]));
    expect(a).toBe(stageFingerprint(s, new Map([["data.csv", info("d1")]])));
    const two = stage("train", { cmd: "python train.py", deps: ["a.csv", "b.csv"], outs: ["model.bin"] });
    const ab = stageFingerprint(
      two,
      new Map([
        ["a.csv", info("x")],
        ["b.csv", info("y")],
      ]),
    );
    expect(ab).toBe(
      stageFingerprint(
        two,
        new Map([
          ["b.csv", info("y")],
          ["a.csv", info("x")],
        ]),
      ),
    );
    expect(ab).not.toBe(
      stageFingerprint(
        two,
        new Map([
          ["a.csv", info("y")],
          ["b.csv", info("x")],
        ]),
      ),
    );
    expect(a).not.toBe(stageFingerprint(s, new Map([["data.csv", info("d2")]])));
    const otherParam = stage("train", { cmd: "python train.py", deps: ["data.csv"], outs: ["model.bin"], params: { "params.yaml": { "train.lr": 0.2 } } });
    expect(a).not.toBe(stageFingerprint(otherParam, new Map([["data.csv", info("d1")]])));
  });
  it("is null when a dep is missing", () => {
    expect(stageFingerprint(s, new Map([["data.csv", null]]))).toBeNull();
  });
});

describe("decideStage (the verdict of a stage's turn)", () => {
  const fresh = obs({ "data.csv": "d1" }, { "model.bin": "m1" });
  const stale = obs({ "data.csv": "d2" }, { "model.bin": "m1" });
  const input = (o: Observation, extra: Partial<DecisionInput> = {}): DecisionInput => ({
    stage: s,
    forced: false,
    useRunCache: true,
    obs: o,
    recorded,
    ...extra,
  });
  it("is fresh when nothing changed and nothing forces it", () => {
    expect(decideStage(input(fresh))).toEqual({ kind: "fresh" });
  });
  it("a stale stage may be restored from the run cache, unless the run cache is off", () => {
    const v = decideStage(input(stale));
    expect(v).toMatchObject({ kind: "run", reasons: [{ kind: "dep-modified", path: "data.csv" }], noRestore: null });
    expect(v.kind === "run" && v.consult).toBe(stageFingerprint(s, stale.deps));
    expect(decideStage(input(stale, { useRunCache: false }))).toMatchObject({ consult: null, noRestore: "no-run-cache" });
  });
  it("a forced stage runs, never restores, and keeps its run-cache key", () => {
    const v = decideStage(input(fresh, { forced: true }));
    expect(v).toMatchObject({ kind: "run", reasons: [], forced: true, consult: null, noRestore: "forced" });
    expect(v.kind === "run" && v.record).not.toBeNull();
  });
  it("always_changed never restores; a missing dep has no run-cache key", () => {
    expect(decideStage(input(fresh, { stage: { ...s, alwaysChanged: true } }))).toMatchObject({ consult: null, noRestore: "always-changed" });
    const missing = decideStage(input(obs({ "data.csv": null }, { "model.bin": "m1" })));
    expect(missing).toMatchObject({ kind: "fail", failure: { kind: "missing-dep", path: "data.csv" } });
    expect("consult" in missing).toBe(false);
  });
});
