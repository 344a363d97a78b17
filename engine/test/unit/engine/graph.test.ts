import { describe, expect, it } from "vitest";
import { buildGraph, type PipelineGraph } from "../../../src/graph/index.js";
import { pipeline, stage } from "../../helpers/stages.js";

const exists = { exists: () => true };
const built = (g: ReturnType<typeof buildGraph>): PipelineGraph => {
  if (!g.ok) throw new Error(g.error.map((d) => d.message).join("\n"));
  return g.value;
};

describe("buildGraph", () => {
  it("makes edges from paths: equal, inside an out dir, and a dir dep containing an out", () => {
    const g = built(
      buildGraph(
        pipeline(
          stage("raw", { outs: ["data/raw"] }),
          stage("split", { deps: ["data/raw/papers.csv"], outs: ["data/processed/train.jsonl"] }),
          stage("all", { deps: ["data"] }),
        ),
        exists,
      ),
    );
    expect(g.edges.map((e) => [e.from, e.to])).toEqual([
      ["raw", "split"],
      ["raw", "all"],
      ["split", "all"],
    ]);
    expect(g.order).toEqual(["raw", "split", "all"]);
  });

  it("links a glob dep to the stage whose out it matches", () => {
    const g = built(buildGraph(pipeline(stage("gen", { outs: ["src/gen/a.ts"] }), stage("lint", { deps: ["src/**/*.ts"] })), exists));
    expect(g.upstream("lint" as never)).toEqual(["gen"]);
  });

  it("orders independent stages by file order, whatever the edges", () => {
    const g = built(buildGraph(pipeline(stage("z", { deps: ["b.txt"] }), stage("a", { outs: ["a.txt"] }), stage("b", { outs: ["b.txt"] })), exists));
    expect(g.order).toEqual(["a", "b", "z"]);
  });

  it("rejects duplicate and overlapping outs", () => {
    const r = buildGraph(pipeline(stage("a", { outs: ["x.txt", "data"] }), stage("b", { outs: ["x.txt"] }), stage("c", { outs: ["data/sub"] })), exists);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((d) => d.code).sort()).toEqual(["duplicate-output", "overlapping-output"]);
  });

  it("rejects a dep that does not exist and that no stage produces", () => {
    const r = buildGraph(pipeline(stage("a", { deps: ["missing.csv"] })), { exists: () => false });
    expect(r.ok ? [] : r.error.map((d) => [d.code, d.message])).toEqual([
      ["missing-dep", "dependency 'missing.csv' of stage 'a' does not exist and no stage produces it"],
    ]);
  });

  it("reports a cycle deterministically, starting at its first stage in file order", () => {
    const p = pipeline(
      stage("a", { deps: ["c.txt"], outs: ["a.txt"] }),
      stage("b", { deps: ["a.txt"], outs: ["b.txt"] }),
      stage("c", { deps: ["b.txt"], outs: ["c.txt"] }),
    );
    const r = buildGraph(p, exists);
    expect(r.ok ? [] : r.error.map((d) => d.message)).toEqual(["dependency cycle: a -> b -> c -> a"]);
    expect(r.ok ? 0 : r.error[0]?.related?.length).toBe(3);
  });
});
