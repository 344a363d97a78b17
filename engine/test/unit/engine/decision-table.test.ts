// Every branch of decideStage, one row each: the decision `repro`, `repro --dry` and `status` share.
import { describe, expect, it } from "vitest";
import type { RunEntry } from "../../../src/cache/index.js";
import type { StageName } from "../../../src/config/types.js";
import type { HashInfo } from "../../../src/hashing/index.js";
import { decideStage, stageFingerprint, type Decision, type DecisionInput, type Observation, type RunCacheLookup } from "../../../src/status/index.js";
import { stage } from "../../helpers/stages.js";

const info = (digest: string): HashInfo => ({ digest: digest as HashInfo["digest"], size: 1, isDir: false });
const obs = (dep: string | null, out: string | null): Observation => ({
  deps: new Map([["in.txt", dep === null ? null : info(dep)]]),
  outs: new Map([["out.txt", out === null ? null : info(out)]]),
});
const s = stage("make", { cmd: "make out", deps: ["in.txt"], outs: ["out.txt"] });
const recorded = { cmd: "make out", deps: [{ path: "in.txt", hash: "i1" }], outs: [{ path: "out.txt", hash: "o1" }] };
const entry: RunEntry = {
  outs: [{ path: "out.txt" as never, digest: "o2" as never, size: 1, isDir: false }],
  durationMs: 5,
  createdAt: "2026-01-01T00:00:00.000Z",
};
const fp = stageFingerprint(s, obs("i2", "o1").deps);
const up = ["prep" as StageName];

interface Row {
  readonly name: string;
  readonly input: Partial<DecisionInput>;
  readonly lookup?: RunCacheLookup;
  readonly expected: Partial<Decision> & { kind: Decision["kind"] };
}

const rows: Row[] = [
  { name: "frozen, not forced: not even observed", input: { stage: { ...s, frozen: true }, obs: null }, expected: { kind: "frozen" } },
  { name: "frozen but forced: runs", input: { stage: { ...s, frozen: true }, forced: true }, expected: { kind: "run", forced: true, noRestore: "forced" } },
  { name: "nothing changed: fresh", input: { obs: obs("i1", "o1") }, expected: { kind: "fresh" } },
  {
    name: "fresh now, upstream will run (dry run): pending",
    input: { obs: obs("i1", "o1"), pendingUpstream: up },
    expected: { kind: "pending", upstream: up, reasons: [] },
  },
  {
    name: "dep missing, upstream will run (dry run): pending",
    input: { obs: obs(null, "o1"), pendingUpstream: up },
    expected: { kind: "pending", upstream: up },
  },
  {
    name: "dep missing, nothing upstream: fails",
    input: { obs: obs(null, "o1") },
    expected: { kind: "fail", failure: { kind: "missing-dep", path: "in.txt" } },
  },
  {
    name: "never run: asks for a run-cache lookup",
    input: { recorded: undefined },
    expected: { kind: "run", reasons: [{ kind: "never-run" }], consult: fp, noRestore: null },
  },
  { name: "stale, not looked up yet: asks for the lookup", input: {}, expected: { kind: "run", consult: fp, record: fp, noRestore: null } },
  { name: "stale, run-cache hit: restore", input: {}, lookup: { kind: "hit", entry }, expected: { kind: "restore", fingerprint: fp as never, entry } },
  { name: "stale, run-cache miss: run", input: {}, lookup: { kind: "miss" }, expected: { kind: "run", consult: null, noRestore: "miss" } },
  {
    name: "stale, unusable entry: run",
    input: {},
    lookup: { kind: "unusable", why: "object missing" },
    expected: { kind: "run", consult: null, noRestore: "unusable" },
  },
  {
    name: "stale, --no-run-cache: run, no lookup",
    input: { useRunCache: false },
    lookup: { kind: "hit", entry },
    expected: { kind: "run", consult: null, noRestore: "no-run-cache" },
  },
  {
    name: "stale, upstream pending (dry run): run, no lookup",
    input: { pendingUpstream: up },
    lookup: { kind: "hit", entry },
    expected: { kind: "run", consult: null, noRestore: "upstream-pending" },
  },
  {
    name: "fresh but forced: run, never restored",
    input: { obs: obs("i1", "o1"), forced: true },
    lookup: { kind: "hit", entry },
    expected: { kind: "run", reasons: [], forced: true, noRestore: "forced", record: stageFingerprint(s, obs("i1", "o1").deps) },
  },
  {
    name: "always_changed: run, recorded under no key",
    input: { stage: { ...s, alwaysChanged: true }, obs: obs("i1", "o1") },
    lookup: { kind: "hit", entry },
    expected: { kind: "run", reasons: [{ kind: "always-changed" }], record: null, noRestore: "always-changed" },
  },
];

describe("decideStage, branch by branch", () => {
  for (const row of rows) {
    it(row.name, () => {
      const input: DecisionInput = { stage: s, forced: false, useRunCache: true, obs: obs("i2", "o1"), recorded, ...row.input };
      expect(decideStage(input, row.lookup)).toMatchObject(row.expected);
    });
  }
  it("every kind of decision has a row", () => {
    const kinds = new Set(rows.map((r) => r.expected.kind));
    expect([...kinds].sort()).toEqual(["fail", "fresh", "frozen", "pending", "restore", "run"]);
  });
  it("an unobserved stage that must be decided is a bug, not a decision", () => {
    expect(() => decideStage({ stage: s, forced: false, useRunCache: true, obs: null, recorded })).toThrow(/not observed/);
  });
});
