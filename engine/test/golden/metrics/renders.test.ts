// Golden snapshots of every output format of metrics/params/exp/plots renders.
import { describe, expect, it } from "vitest";
import type { ExperimentRecord } from "../../../src/exp/index.js";
import { diffSnapshots } from "../../../src/metrics/index.js";
import { buildPlot, parsePlotData, renderReport, renderSvg } from "../../../src/plots/index.js";
import type { Dataset } from "../../../src/plots/index.js";
import { renderExpShow, sortExperiments } from "../../../src/render/exp-table.js";
import { renderDiff, renderShow } from "../../../src/render/metrics-table.js";

const snap = (name: string): string => `./snapshots/${name}`;

const oldSide = {
  files: {
    "metrics/eval.json": { "test.accuracy": 0.81, "test.f1_macro": 0.7, "test.label": "v1", "train.loss": 0.5 },
    "metrics/gone.json": { "x": 1 },
  },
  errors: {},
};
const newSide = {
  files: {
    "metrics/eval.json": { "test.accuracy": 0.84, "test.f1_macro": 0.7, "test.label": "v2|b", "train.loss": 0.412345678 },
    "metrics/new.yaml": { "speed.ms": 12 },
  },
  errors: {},
};
const diff = diffSnapshots(oldSide, newSide);
const diffAll = diffSnapshots(oldSide, newSide, { all: true });
const labels = { keyHeader: "Metric", oldLabel: "HEAD", newLabel: "workspace" };

describe("metrics diff renders", () => {
  it("plain", async () => {
    await expect(renderDiff(diff, { format: "plain", ...labels, precision: 5 })).toMatchFileSnapshot(snap("metrics-diff.txt"));
  });
  it("plain --all --precision 2", async () => {
    await expect(renderDiff(diffAll, { format: "plain", ...labels, precision: 2 })).toMatchFileSnapshot(snap("metrics-diff-all.txt"));
  });
  it("markdown", async () => {
    await expect(renderDiff(diff, { format: "md", ...labels, precision: 5 })).toMatchFileSnapshot(snap("metrics-diff.md"));
  });
  it("json", async () => {
    await expect(renderDiff(diff, { format: "json", ...labels })).toMatchFileSnapshot(snap("metrics-diff.json"));
  });
  it("no changes: empty plain output, header-only markdown, {} json", () => {
    expect(renderDiff({}, { format: "plain", ...labels })).toBe("");
    expect(renderDiff({}, { format: "md", ...labels })).toBe("| Path | Metric | HEAD | workspace | Change |\n|---|---|---|---|---|\n");
    expect(renderDiff({}, { format: "json", ...labels })).toBe("{}\n");
  });
});

describe("metrics show renders", () => {
  const revs = [
    { label: "workspace", snapshot: newSide },
    { label: "abc1234", snapshot: oldSide },
  ];
  it("plain", async () => {
    await expect(renderShow(revs.slice(0, 1), { format: "plain", precision: 5, byRevision: false })).toMatchFileSnapshot(snap("metrics-show.txt"));
  });
  it("markdown, all commits", async () => {
    await expect(renderShow(revs, { format: "md", precision: 5, byRevision: true })).toMatchFileSnapshot(snap("metrics-show-all.md"));
  });
  it("json", async () => {
    await expect(renderShow(revs.slice(0, 1), { format: "json", byRevision: false })).toMatchFileSnapshot(snap("metrics-show.json"));
  });
});

const exps: ExperimentRecord[] = [
  {
    schema: 1,
    id: "a",
    name: "baseline",
    createdAt: "2024-05-01T10:00:00.000Z",
    git: { commit: "0123456789abcdef", dirty: false },
    status: "success",
    params: { "params.yaml": { "train.lr": 0.01, "train.batch_size": 32 } },
    metrics: { "metrics/eval.json": { "test.accuracy": 0.81 } },
    deps: { "data/raw.csv": "d1" },
    durations: { train: 1200 },
  },
  {
    schema: 1,
    id: "b",
    name: "fast-lr",
    createdAt: "2024-05-01T11:00:00.000Z",
    git: { commit: "0123456789abcdef", dirty: true },
    status: "success",
    params: { "params.yaml": { "train.lr": 0.1, "train.batch_size": 32 } },
    metrics: { "metrics/eval.json": { "test.accuracy": 0.86 }, "metrics/extra.json": { "test.accuracy": 1 } },
    deps: { "data/raw.csv": "d1" },
    durations: { train: 900 },
  },
  {
    schema: 1,
    id: "c",
    name: "broken",
    createdAt: "2024-05-01T12:00:00.000Z",
    git: null,
    status: "failed",
    params: { "params.yaml": { "train.lr": 5, "train.batch_size": 8 } },
    metrics: {},
    deps: {},
    durations: {},
  },
];

describe("exp show renders", () => {
  it("plain", async () => {
    await expect(renderExpShow(exps, { format: "plain", precision: 5 })).toMatchFileSnapshot(snap("exp-show.txt"));
  });
  it("markdown, sorted by a metric descending", async () => {
    const sorted = sortExperiments(exps, "metrics/eval.json:test.accuracy", "desc") ?? [];
    expect(sorted.map((e) => e.name)).toEqual(["fast-lr", "baseline", "broken"]);
    await expect(renderExpShow(sorted, { format: "md", precision: 5 })).toMatchFileSnapshot(snap("exp-show.md"));
  });
  it("json", async () => {
    await expect(renderExpShow(exps, { format: "json" })).toMatchFileSnapshot(snap("exp-show.json"));
  });
  it("unknown sort key", () => {
    expect(sortExperiments(exps, "nope")).toBeUndefined();
  });
});

const rows = (path: string, text: string): Dataset["rows"] => {
  const r = parsePlotData(path, text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const svgOf = (path: string, options: Parameters<typeof buildPlot>[1], datasets: Dataset[]): string => {
  const spec = buildPlot(path, options, datasets);
  if (!spec.ok) throw new Error(spec.error);
  return renderSvg(spec.value);
};

describe("plots renders", () => {
  const curveA = rows("loss.csv", "epoch,loss,acc\n1,0.9,0.5\n2,0.5,0.7\n3,0.3,0.8\n");
  const curveB = rows("loss.tsv", "epoch\tloss\tacc\n1\t0.8\t0.55\n2\t0.4\t0.75\n3\t0.2\t0.85\n");
  it("linear, two revisions, two y fields", async () => {
    const svg = svgOf("plots/loss.csv", { x: "epoch", y: ["loss", "acc"], title: "Training", y_label: "value" }, [
      { label: "HEAD", rows: curveA },
      { label: "workspace", rows: curveB },
    ]);
    await expect(svg).toMatchFileSnapshot(snap("plot-linear.svg"));
  });
  it("scatter from JSON rows (PR curve)", async () => {
    const pr = rows("pr.json", JSON.stringify({ pr: [{ recall: 0, precision: 1 }, { recall: 0.5, precision: 0.8 }, { recall: 1, precision: 0.4 }] }));
    await expect(svgOf("plots/pr.json", { x: "recall", y: "precision", template: "scatter" }, [{ label: "workspace", rows: pr }])).toMatchFileSnapshot(
      snap("plot-scatter.svg"),
    );
  });
  it("bar with categorical x", async () => {
    const bars = rows("f1.csv", "class,f1\ncat,0.9\ndog,0.7\nbird,0.4\n");
    await expect(svgOf("plots/f1.csv", { x: "class", y: "f1", template: "bar" }, [{ label: "workspace", rows: bars }])).toMatchFileSnapshot(
      snap("plot-bar.svg"),
    );
  });
  it("confusion matrix from actual,predicted rows", async () => {
    const cm = rows("cm.csv", "actual,predicted\ncat,cat\ncat,dog\ndog,dog\ndog,dog\nbird,cat\n");
    const spec = buildPlot("plots/cm.csv", { x: "actual", y: "predicted", template: "confusion" }, [{ label: "workspace", rows: cm }]);
    expect(spec.ok && spec.value.kind === "confusion" ? spec.value.matrices[0]?.counts : null).toEqual([
      [0, 0, 0],
      [1, 1, 0],
      [0, 1, 2],
    ]);
    await expect(svgOf("plots/cm.csv", { x: "actual", y: "predicted", template: "confusion" }, [{ label: "workspace", rows: cm }])).toMatchFileSnapshot(
      snap("plot-confusion.svg"),
    );
  });
  it("html report escapes text and has no scripts", async () => {
    const html = renderReport("pipe plots", "Revision: workspace", [
      { path: "plots/loss.csv", svg: svgOf("plots/loss.csv", { x: "epoch", y: "loss" }, [{ label: "workspace", rows: curveA }]) },
      { path: "plots/<bad>.csv", error: "plots/<bad>.csv: not valid CSV (x)" },
    ]);
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;bad&gt;");
    await expect(html).toMatchFileSnapshot(snap("plots-report.html"));
  });
  it("plot errors are one line", () => {
    expect(buildPlot("p.csv", { template: "pie" }, [])).toEqual({ ok: false, error: 'p.csv: unknown plot template "pie" (expected linear, scatter, bar or confusion)' });
    expect(buildPlot("p.csv", { x: "epoch", y: "nope" }, [{ label: "w", rows: curveA }])).toEqual({ ok: false, error: 'p.csv: field "nope" not found in the data' });
  });
});
