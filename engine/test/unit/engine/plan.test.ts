import { describe, expect, it } from "vitest";
import { buildGraph, type PipelineGraph } from "../../../src/graph/index.js";
import { planRun, type PlanOptions } from "../../../src/plan/index.js";
import { pipeline, stage } from "../../helpers/stages.js";

const graph = (): PipelineGraph => {
  const r = buildGraph(
    pipeline(
      stage("download", { outs: ["raw"] }),
      stage("split", { deps: ["raw"], outs: ["splits"] }),
      stage("train@small", { deps: ["splits"], outs: ["small"] }),
      stage("train@big", { deps: ["splits"], outs: ["big"] }),
      stage("report", { deps: ["small", "big"] }),
    ),
    { exists: () => true },
  );
  if (!r.ok) throw new Error("bad fixture");
  return r.value;
};

const base: PlanOptions = { targets: [], force: false, singleItem: false, downstream: false, jobs: 2, policy: "fail-fast", useRunCache: true };
const stages = (p: ReturnType<typeof planRun>): readonly string[] => ("kind" in p ? [] : p.stages);

describe("planRun", () => {
  it("covers every stage without targets", () => {
    expect(stages(planRun(graph(), base))).toEqual(["download", "split", "train@small", "train@big", "report"]);
  });
  it("a target brings its upstream, not its downstream", () => {
    expect(stages(planRun(graph(), { ...base, targets: ["train@big"] }))).toEqual(["download", "split", "train@big"]);
  });
  it("a foreach group name selects all of its stages", () => {
    expect(stages(planRun(graph(), { ...base, targets: ["train"], singleItem: true }))).toEqual(["train@small", "train@big"]);
  });
  it("--downstream selects the target and its dependents", () => {
    expect(stages(planRun(graph(), { ...base, targets: ["split"], downstream: true }))).toEqual(["split", "train@small", "train@big", "report"]);
  });
  it("--force marks every selected stage forced", () => {
    const p = planRun(graph(), { ...base, targets: ["split"], force: true });
    expect("kind" in p ? [] : [...p.forced]).toEqual(["download", "split"]);
  });
  it("an unknown target is an error naming the known stages", () => {
    expect(planRun(graph(), { ...base, targets: ["trian"] })).toMatchObject({ kind: "unknown-target", target: "trian" });
  });
});
