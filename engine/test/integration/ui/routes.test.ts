// Every route of pipe ui's server through Fastify's inject, on a git project with a branch and two
// experiments run by the real CLI: values equal what `pipe metrics diff` / `params diff` print.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompareResponse, ExperimentsResponse, PipelineResponse, PlotsResponse, ProjectInfo } from "../../../src/ui/api.js";
import { createUiServer } from "../../../src/ui/server/app.js";
import type { Rig } from "../../helpers/rig.js";
import { expectOk, git, makeUiProject } from "./fixture.js";

let rig: Rig;
let app: FastifyInstance;
let bundle: string;
const ids: Record<string, string> = {};

async function get<T>(url: string, status = 200): Promise<T> {
  const r = await app.inject({ method: "GET", url });
  expect(r.statusCode, `${url}: ${r.body}`).toBe(status);
  return r.json();
}

/** A 4xx: one line of JSON `{error}`, no stack trace. */
async function refused(url: string, status: number, init: { method?: "GET" | "POST" | "DELETE"; headers?: Record<string, string> } = {}): Promise<string> {
  const r = await app.inject({ method: init.method ?? "GET", url, ...(init.headers ? { headers: init.headers } : {}) });
  expect(r.statusCode, `${url}: ${r.body}`).toBe(status);
  expect(r.headers["content-type"]).toMatch(/^application\/json/);
  const body = r.json<{ error: string }>();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error).not.toMatch(/\n|\s+at .+:\d+:\d+/);
  return body.error;
}

beforeAll(() => {
  rig = makeUiProject({ git: true });
  expectOk(rig.pipe("repro"), "repro");
  git(rig, "add", "-A");
  git(rig, "commit", "-q", "-m", "first");
  git(rig, "checkout", "-q", "-b", "feature");
  rig.write("params.yaml", "train:\n  lr: 0.2\n  epochs: 3\n");
  expectOk(rig.pipe("repro"), "repro on feature");
  git(rig, "commit", "-q", "-am", "lr 0.2");
  git(rig, "checkout", "-q", "main");
  expectOk(rig.pipe("repro"), "repro back on main");
  expectOk(rig.pipe("exp", "run", "-S", "train.lr=0.3", "--name", "high"), "exp run high");
  expectOk(rig.pipe("exp", "run", "-S", "train.lr=0.05", "-S", "train.epochs=4", "--name", "low"), "exp run low");
  const shown = JSON.parse(rig.pipe("exp", "show", "--json").stdout) as { id: string; name: string }[];
  for (const e of shown) ids[e.name] = e.id;
  bundle = mkdtempSync(join(tmpdir(), "pipe-ui-bundle-"));
  mkdirSync(join(bundle, "ui", "assets"), { recursive: true });
  writeFileSync(join(bundle, "ui", "index.html"), "<!doctype html><title>app</title>");
  writeFileSync(join(bundle, "ui", "assets", "app.js"), "console.log(1)");
  writeFileSync(join(bundle, "secret.txt"), "SECRET");
  symlinkSync(join(bundle, "secret.txt"), join(bundle, "ui", "link.txt"));
  app = createUiServer({ root: rig.dir, version: "9.9.9", bundleDir: join(bundle, "ui"), watch: { useFsWatch: false, intervalMs: 60_000 } });
}, 180_000);

afterAll(async () => {
  await app?.close();
  rig?.cleanup();
  if (bundle) rmSync(bundle, { recursive: true, force: true });
});

describe("GET /api/project and /api/experiments", () => {
  it("describes the project", async () => {
    const p = await get<ProjectInfo>("/api/project");
    expect(p).toEqual({
      name: rig.dir.split("/").pop(),
      pipelines: ["pipeline.yaml"],
      git: true,
      stages: 2,
      experiments: Object.keys(ids).length,
      version: "9.9.9",
    });
  });

  it("lists the workspace, HEAD, the branches and every experiment with their values", async () => {
    const r = await get<ExperimentsResponse>("/api/experiments");
    expect(r.rows.slice(0, 4).map((x) => [x.id, x.kind])).toEqual([
      ["workspace", "workspace"],
      ["rev:HEAD", "revision"],
      ["rev:feature", "revision"],
      ["rev:main", "revision"],
    ]);
    const byId = new Map(r.rows.map((x) => [x.id, x]));
    expect(byId.get("rev:HEAD")?.commit).toBe(git(rig, "rev-parse", "HEAD").trim());
    expect(byId.get("rev:feature")?.params["params.yaml:train.lr"]).toBe(0.2);
    expect(byId.get("rev:main")?.params["params.yaml:train.lr"]).toBe(0.1);
    // Every record as `pipe exp show --json` has it, newest first.
    const shown = JSON.parse(rig.pipe("exp", "show", "--json").stdout) as {
      id: string;
      name: string;
      status: string;
      params: Record<string, Record<string, unknown>>;
      metrics: Record<string, Record<string, unknown>>;
    }[];
    const exps = r.rows.filter((x) => x.kind === "experiment");
    expect(exps.map((x) => x.name)).toEqual(shown.map((s) => s.name).reverse());
    for (const s of shown) {
      const row = byId.get(s.id);
      expect(row?.status).toBe(s.status);
      expect(row?.params["params.yaml:train.lr"]).toBe(s.params["params.yaml"]?.["train.lr"]);
      expect(row?.metrics["metrics/eval.json:accuracy"]).toBe(s.metrics["metrics/eval.json"]?.accuracy);
      expect(row?.metrics["metrics/eval.json:nested.epochs"]).toBe(s.metrics["metrics/eval.json"]?.["nested.epochs"]);
      expect(typeof row?.durationMs).toBe("number");
      expect(row?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    expect(byId.get(ids.low ?? "")?.params["params.yaml:train.epochs"]).toBe(4);
    expect(r.paramColumns).toEqual(["params.yaml:train.epochs", "params.yaml:train.lr"]);
    expect(r.metricColumns).toEqual(["metrics/eval.json:accuracy", "metrics/eval.json:lr", "metrics/eval.json:nested.epochs"]);
    expect(r.warnings).toEqual([]);
  });
});

describe("GET /api/compare", () => {
  /** The changed entries as `pipe metrics diff --json` shapes them. */
  const asDiff = (list: CompareResponse["metrics"]): Record<string, Record<string, unknown>> => {
    const out: Record<string, Record<string, unknown>> = {};
    for (const e of list.filter((x) => x.changed)) {
      out[e.file] ??= {};
      (out[e.file] as Record<string, unknown>)[e.key] = { old: e.values[0], new: e.values[1], ...(e.diff === undefined ? {} : { diff: e.diff }) };
    }
    return out;
  };

  it("two experiments: the same numbers as metrics diff and params diff", async () => {
    const r = await get<CompareResponse>(`/api/compare?ids=${ids.high},${ids.low}`);
    expect(r.labels).toEqual(["high", "low"]);
    const metrics = JSON.parse(rig.pipe("metrics", "diff", "high", "low", "--json").stdout) as unknown;
    const params = JSON.parse(rig.pipe("params", "diff", "high", "low", "--json").stdout) as unknown;
    expect(asDiff(r.metrics)).toEqual(metrics);
    expect(asDiff(r.params)).toEqual(params);
    expect(Object.keys(metrics as object).length).toBeGreaterThan(0);
  });

  it("a revision against the workspace, as metrics diff HEAD workspace", async () => {
    rig.write("metrics/eval.json", JSON.stringify({ accuracy: 0.5, lr: 0.1, nested: { epochs: 3 } }));
    try {
      const r = await get<CompareResponse>("/api/compare?ids=rev:HEAD,workspace");
      expect(asDiff(r.metrics)).toEqual(JSON.parse(rig.pipe("metrics", "diff", "HEAD", "workspace", "--json").stdout));
      expect(asDiff(r.params)).toEqual(JSON.parse(rig.pipe("params", "diff", "HEAD", "workspace", "--json").stdout));
      expect(r.metrics.find((e) => e.key === "accuracy")?.changed).toBe(true);
    } finally {
      git(rig, "checkout", "-q", "--", "metrics/eval.json");
    }
  });

  it("three rows: a value each, no pairwise diff", async () => {
    const r = await get<CompareResponse>(`/api/compare?ids=${ids.high},${ids.low},rev:feature`);
    const lr = r.params.find((e) => e.key === "train.lr");
    expect(lr).toEqual({ file: "params.yaml", key: "train.lr", values: [0.3, 0.05, 0.2], changed: true });
  });

  it("refuses bad selections", async () => {
    expect(await refused("/api/compare", 400)).toMatch(/ids/);
    expect(await refused("/api/compare?ids=workspace", 400)).toMatch(/at least 2/);
    expect(await refused("/api/compare?ids=workspace,workspace", 400)).toMatch(/twice/);
    expect(await refused("/api/compare?ids=workspace,nope", 404)).toMatch(/unknown row "nope"/);
    expect(await refused("/api/compare?ids=workspace,rev:no-such-branch", 404)).toMatch(/unknown revision/);
    expect(await refused("/api/compare?ids=workspace,rev:--output=x", 404)).toMatch(/unknown revision/);
    expect(await refused("/api/compare?ids=a&ids=b", 400)).toMatch(/ids/);
  });
});

describe("GET /api/plots", () => {
  it("every declared plot for the selected experiments, with DVC's options", async () => {
    const r = await get<PlotsResponse>(`/api/plots?ids=${ids.high},${ids.low}`);
    expect(r.plots.map((p) => p.path)).toEqual(["plots/acc.csv", "plots/confusion.csv", "plots/loss.json"]);
    const [acc, confusion, loss] = r.plots;
    expect(loss).toMatchObject({ title: "Loss per epoch", template: "linear", draw: "linear", xLabel: "epoch", yLabel: "value" });
    expect(loss?.series?.map((s) => s.label)).toEqual(["high: loss", "high: val_loss", "low: loss", "low: val_loss"]);
    // low ran 4 epochs at lr 0.05: loss = 1 / (e * 1.5)
    expect(loss?.series?.[2]?.points).toEqual([1, 2, 3, 4].map((e) => ({ x: e, y: Math.round((1 / (e * 1.5)) * 1000) / 1000 })));
    expect(acc).toMatchObject({ template: "smooth", draw: "linear", yLabel: "acc" });
    expect(acc?.series?.[0]?.points).toHaveLength(3);
    expect(confusion).toMatchObject({ template: "confusion", draw: "confusion", xLabel: "actual", yLabel: "predicted" });
    expect(confusion?.matrices?.map((m) => m.label)).toEqual(["high", "low"]);
    for (const m of confusion?.matrices ?? []) {
      expect(m.xClasses).toEqual(["cat", "dog"]);
      expect(m.counts.flat().reduce((a, b) => a + b, 0)).toBe(6);
    }
    // high (lr 0.3) got one wrong, low (lr 0.05) two: the diagonal holds the rest.
    const diagonal = (m: { counts: readonly (readonly number[])[] }): number => (m.counts[0]?.[0] ?? 0) + (m.counts[1]?.[1] ?? 0);
    expect(confusion?.matrices?.map(diagonal)).toEqual([5, 4]);
  });

  it("a git revision's plots are read from the commit", async () => {
    const r = await get<PlotsResponse>("/api/plots?ids=rev:feature");
    const loss = r.plots.find((p) => p.path === "plots/loss.json");
    // one row, two y fields: the series are named by field; lr 0.2 → loss 1 / (e * 3)
    expect(loss?.series?.map((s) => s.label)).toEqual(["loss", "val_loss"]);
    expect(loss?.series?.[0]?.points[0]).toEqual({ x: 1, y: 0.333 });
  });

  it("a plot file that does not parse is that plot's error, not the request's", async () => {
    rig.write("plots/acc.csv", 'epoch,acc\n1,"unterminated\n');
    try {
      const r = await get<PlotsResponse>("/api/plots?ids=workspace");
      expect(r.plots.find((p) => p.path === "plots/acc.csv")?.error).toMatch(/plots\/acc\.csv: not valid CSV/);
      expect(r.plots.find((p) => p.path === "plots/loss.json")?.series?.length).toBe(2);
    } finally {
      git(rig, "checkout", "-q", "--", "plots/acc.csv");
    }
  });

  it("needs ids", async () => {
    expect(await refused("/api/plots", 400)).toMatch(/ids/);
    expect(await refused("/api/plots?ids=zzz", 404)).toMatch(/unknown row/);
  });
});

describe("GET /api/pipeline and the last logs", () => {
  it("stages with the state pipe status decides, the lock's digests, params, durations and logs", async () => {
    const lock = parseYaml(rig.read("pipeline.lock")) as {
      stages: Record<string, { deps: { path: string; hash: string }[]; outs: { path: string; hash: string }[] }>;
    };
    const r = await get<PipelineResponse>("/api/pipeline");
    const status = JSON.parse(rig.pipe("status", "--json").stdout) as Record<string, unknown[]>;
    expect(r.edges).toEqual([{ from: "prepare", to: "train" }]);
    expect(r.activeRun).toBeNull();
    for (const s of r.stages) {
      expect(s.state === "fresh").toBe(status[s.name] === undefined);
      expect(s.reasons).toHaveLength(status[s.name]?.length ?? 0);
      for (const d of s.deps) expect(d.digest).toBe(lock.stages[s.name]?.deps.find((x) => x.path === d.path)?.hash);
      for (const o of s.outs) expect(o.digest).toBe(lock.stages[s.name]?.outs.find((x) => x.path === o.path)?.hash ?? null);
      expect(s.hasLog).toBe(true);
      expect(typeof s.lastDurationMs).toBe("number");
      expect(s.lastRun?.outcome).toBe("ran");
    }
    const train = r.stages.find((s) => s.name === "train");
    expect(train).toMatchObject({ file: "pipeline.yaml", cmd: ["node train.mjs"] });
    expect(Object.keys(train?.params ?? {})).toEqual(["params.yaml:train.lr", "params.yaml:train.epochs"]);
  });

  it("a changed param makes train stale with pipe status's reason", async () => {
    expectOk(rig.pipe("repro"), "repro"); // the last exp run left the lock at its own params
    expect((await get<PipelineResponse>("/api/pipeline")).stages.map((s) => s.state)).toEqual(["fresh", "fresh"]);
    const before = rig.read("params.yaml");
    rig.write("params.yaml", before.replace("lr: 0.1", "lr: 0.7"));
    try {
      const r = await get<PipelineResponse>("/api/pipeline");
      const train = r.stages.find((s) => s.name === "train");
      expect(train?.state).toBe("stale");
      expect(train?.reasons).toEqual(["param changed: train.lr (params.yaml)"]);
      expect(train?.params["params.yaml:train.lr"]).toBe(0.1); // as locked
      expect(r.stages.find((s) => s.name === "prepare")?.state).toBe("fresh");
    } finally {
      rig.write("params.yaml", before);
    }
  });

  it("serves a stage's last log as text; unknown stages and paths are 404", async () => {
    const r = await app.inject({ method: "GET", url: "/api/stages/train/log" });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^text\/plain/);
    const lines = r.body.split("\n");
    expect(lines[0]).toMatch(/^# pipe: run \S+ started \S+ ran in \d+ ms$/);
    // The last time train ran: exp low (lr 0.05, 4 epochs → loss 1 / (e * 1.5)); the repro above
    // restored it from the run cache, which keeps the log of the run before.
    expect(lines.slice(1)).toEqual([
      "epoch 1 loss 0.667",
      "epoch 2 loss 0.333",
      "epoch 3 loss 0.222",
      "epoch 4 loss 0.167",
      "[stderr] trained with lr 0.05",
      "",
    ]);
    expect(await refused("/api/stages/nope/log", 404)).toBe('unknown stage "nope"');
    expect(await refused("/api/stages/..%2F..%2Fpipeline.yaml/log", 404)).toMatch(/unknown stage/);
    await refused("/api/stages/%2e%2e/log", 404); // resolved to /api/log by the URL parser: no such route
  });
});

describe("confinement, read-only, errors", () => {
  it("serves the bundle, index.html for app routes, nothing outside it", async () => {
    const index = await app.inject({ method: "GET", url: "/" });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain("<title>app</title>");
    const js = await app.inject({ method: "GET", url: "/assets/app.js" });
    expect(js.headers["content-type"]).toMatch(/^text\/javascript/);
    expect(js.body).toBe("console.log(1)");
    expect((await app.inject({ method: "GET", url: "/experiments/abc?x=1" })).body).toContain("<title>app</title>");
    // Encoded separators reach the handler and are refused there.
    for (const url of ["/..%2fsecret.txt", "/assets/..%2f..%2fsecret.txt", "/%2e%2e%2fsecret.txt"]) {
      const r = await app.inject({ method: "GET", url });
      expect(r.statusCode, url).toBe(403);
      expect(r.body).not.toContain("SECRET");
    }
    // Plain and %2e dot segments are resolved by the URL parser before routing (to /secret.txt,
    // not in the bundle: the app's page); an absolute path and a symlink out are never followed.
    for (const url of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/%2E%2E/%2E%2E/secret.txt", `/${join(bundle, "secret.txt")}`, "/link.txt"]) {
      const r = await app.inject({ method: "GET", url });
      expect(r.body, url).not.toContain("SECRET");
      expect([200, 403], url).toContain(r.statusCode);
      if (r.statusCode === 200) expect(r.body).toContain("<title>app</title>");
    }
  });

  it("says the web app is not built when the bundle is missing (the API still answers)", async () => {
    const bare = createUiServer({ root: rig.dir, version: "x", bundleDir: join(bundle, "nothing-here"), watch: { useFsWatch: false } });
    try {
      const r = await bare.inject({ method: "GET", url: "/" });
      expect(r.statusCode).toBe(503);
      expect(r.body).toContain("npm run build");
      expect((await bare.inject({ method: "GET", url: "/api/project" })).statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  });

  it("answers 4xx as one JSON line: unknown routes, other methods, foreign hosts, bad encodings", async () => {
    expect(await refused("/api/nope", 404)).toMatch(/no such API route/);
    expect(await refused("/api/project", 405, { method: "POST" })).toMatch(/read-only/);
    expect(await refused("/api/experiments", 405, { method: "DELETE" })).toMatch(/read-only/);
    expect(await refused("/api/project", 403, { headers: { host: "attacker.example:4173" } })).toMatch(/host "attacker.example" not served/);
    expect(await refused("/%E0%A4%A", 400)).toMatch(/not a valid url component|bad path encoding/);
  });

  it("an invalid pipeline is a 409 with its first diagnostic, not a crash", async () => {
    const before = rig.read("pipeline.yaml");
    rig.write("pipeline.yaml", "stages:\n  a:\n    cmd: [\n");
    try {
      expect(await refused("/api/pipeline", 409)).toMatch(/^the pipeline does not load: pipeline\.yaml:\d+:\d+ /);
    } finally {
      rig.write("pipeline.yaml", before);
    }
  });
});
