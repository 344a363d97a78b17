// Golden: the pure renderers (dag formats, reporter lines) print exactly this.
import { describe, expect, it } from "vitest";
import { renderAscii, renderDot, renderJson, renderMermaid, type DagView } from "../../../src/render/dag.js";
import { plainLine, summaryLine } from "../../../src/report/index.js";

const view: DagView = {
  nodes: ["download", "split", "model", "baseline", "embed", "train", "evaluate"],
  edges: [
    ["download", "split"],
    ["split", "baseline"],
    ["split", "embed"],
    ["model", "embed"],
    ["embed", "train"],
    ["baseline", "evaluate"],
    ["train", "evaluate"],
  ],
};

describe("dag renderers", () => {
  it("ascii", () => {
    expect(renderAscii(view)).toMatchInlineSnapshot(`
      "download
        split           <- download
      model
          baseline      <- split
          embed         <- split, model
            train       <- embed
              evaluate  <- baseline, train
      "
    `);
  });
  it("mermaid", () => {
    expect(renderMermaid({ nodes: ["a", "b@x"], edges: [["a", "b@x"]] })).toMatchInlineSnapshot(`
      "flowchart TD
        a["a"]
        b_x["b@x"]
        a --> b_x
      "
    `);
  });
  it("dot", () => {
    expect(renderDot({ nodes: ["a", "b"], edges: [["a", "b"]] })).toMatchInlineSnapshot(`
      "strict digraph {
        rankdir=TB;
        node [shape=box];
        "a";
        "b";
        "a" -> "b";
      }
      "
    `);
  });
  it("json", () => {
    expect(renderJson({ nodes: ["a", "b"], edges: [["a", "b"]] })).toBe('{"nodes":["a","b"],"edges":[["a","b"]]}\n');
  });
});

describe("reporter lines", () => {
  it("renders each event kind", () => {
    const s = "train" as never;
    expect(plainLine({ type: "stage-start", stage: s, reason: { kind: "param-changed", path: "params.yaml", key: "train.lr" } })).toBe(
      "> train: running (param changed: train.lr (params.yaml))",
    );
    expect(plainLine({ type: "stage-output", stage: s, stream: "stdout", line: "epoch 1" })).toBe("[train] epoch 1");
    expect(plainLine({ type: "stage-done", stage: s, outcome: "ran", durationMs: 252_000 })).toBe("+ train: ran in 4m12s");
    expect(plainLine({ type: "stage-done", stage: s, outcome: "restored", durationMs: 3 })).toBe("+ train: restored from cache");
    expect(plainLine({ type: "stage-done", stage: s, outcome: "failed", durationMs: 1200, failure: { kind: "internal", message: "boom" } })).toBe(
      "! train: failed after 1.2s: boom",
    );
  });
  it("summary", () => {
    expect(summaryLine({ ran: 3, restored: 2, fresh: 1, frozen: 0, failed: 0, skipped: 0 }, 252_000, false)).toBe(
      "3 ran, 2 restored, 1 fresh, 0 failed in 4m12s",
    );
  });
});
