// pipe ui in a real browser (Debian's chromium through playwright-core): a generated project with
// experiments recorded by the real CLI, `pipe ui --port 0` as a subprocess, and the pages checked
// against what `pipe exp show --json` and `pipe status --json` say.
import { rmSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWith } from "../services/needs.js";
import { makeDemoProject, setReportSleep, write } from "./demo-project.js";
import { hasChromium, launchChromium, pipe, spawnPipe, startUi, type UiServer } from "./ui-session.js";

interface ShownExp {
  id: string;
  name: string;
  params: Record<string, Record<string, number>>;
  metrics: Record<string, Record<string, number>>;
}

interface ChartInfo {
  path: string;
  label: string;
  series: { name: string; type: string; data: [number | string, number][] | [number, number, number][] }[];
}

const ACC = "metric:metrics.json:accuracy";

/** The page's globals these tests read inside page.evaluate (the root tsconfig has no DOM lib). */
interface EChartsLike {
  getOption(): unknown;
  convertToPixel(finder: { seriesIndex: number }, value: number[]): number[];
  getDom(): { getBoundingClientRect(): { left: number; top: number } };
}
interface PageGlobals {
  pipeUiCharts?: { charts: { path: string; label: string; chart: EChartsLike }[] };
  marker?: number;
  document: { querySelectorAll(sel: string): ArrayLike<{ textContent: string | null }> };
}

describeWith("pipe ui in chromium", hasChromium, "Debian's chromium (/usr/bin/chromium)", () => {
  let root: string;
  let server: UiServer;
  let browser: Browser;
  let page: Page;
  let exps: ShownExp[];
  const byName = (name: string) => {
    const e = exps.find((x) => x.name === name);
    if (e === undefined) throw new Error(`no experiment ${name}`);
    return e;
  };
  const acc = (e: ShownExp) => e.metrics["metrics.json"]?.accuracy ?? NaN;

  /** Names of the experiment rows in the order the table shows them. */
  const experimentOrder = () => page.$$eval(".vt-row.k-experiment", (rows) => rows.map((r) => r.querySelector('[data-col="name"]')?.textContent ?? ""));
  const charts = () =>
    page.evaluate(() =>
      ((globalThis as unknown as PageGlobals).pipeUiCharts?.charts ?? []).map((c) => ({
        path: c.path,
        label: c.label,
        series: (c.chart.getOption() as { series: ChartInfo["series"] }).series.map((s) => ({ name: s.name, type: s.type, data: s.data })),
      })),
    );

  beforeAll(async () => {
    root = makeDemoProject({ prefix: "pipe-ui-browser-" });
    pipe(root, "repro");
    pipe(root, "exp", "run", "-S", "train.lr=0.1", "--name", "fast");
    pipe(root, "exp", "run", "-S", "train.lr=0.001", "-S", "train.epochs=3", "--name", "slow");
    pipe(root, "exp", "run", "-S", "train.lr=0.05", "-S", "train.epochs=4", "--name", "mid");
    exps = JSON.parse(pipe(root, "exp", "show", "--json")) as ShownExp[];
    server = await startUi(root);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("pageerror", (e) => {
      throw e;
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  it("shows every experiment with its recorded values, and the workspace and revisions as marked rows", async () => {
    await page.goto(`${server.url}/#/experiments`);
    await page.waitForSelector(".vt-row.k-experiment");
    expect(exps).toHaveLength(4);
    expect(await page.locator(".vt-row.k-experiment").count()).toBe(4);
    expect(await page.locator(".vt-row.k-workspace").count()).toBe(1);
    expect(await page.locator(".vt-row.k-revision").count()).toBeGreaterThanOrEqual(1);
    for (const e of exps) {
      const row = page.locator(`.vt-row[data-id="${e.id}"]`);
      expect(await row.locator('[data-col="name"]').textContent()).toBe(e.name);
      expect(await row.locator(`[data-col="${ACC}"]`).textContent()).toBe(String(acc(e)));
      expect(await row.locator('[data-col="param:params.yaml:train.lr"]').textContent()).toBe(String(e.params["params.yaml"]?.["train.lr"]));
      expect(await row.locator('[data-col="status"]').textContent()).toBe("success");
    }
  });

  it("sorts by a clicked header, both ways, keeping the workspace and revisions on top", async () => {
    const desc = [...exps].sort((a, b) => acc(b) - acc(a)).map((e) => e.name);
    await page.click(`.vt-th[data-col="${ACC}"]`);
    expect(await experimentOrder()).toEqual(desc);
    expect(await page.getAttribute(`.vt-th[data-col="${ACC}"]`, "aria-sort")).toBe("descending");
    await page.click(`.vt-th[data-col="${ACC}"]`);
    expect(await experimentOrder()).toEqual([...desc].reverse());
    expect(await page.locator(".vt-row").first().getAttribute("class")).toContain("k-workspace");
    await page.click('.vt-th[data-col="name"]');
    expect(await experimentOrder()).toEqual(exps.map((e) => e.name).sort());
  });

  it("filters with comparisons and text, and says which terms name no column", async () => {
    const box = page.locator("input.query");
    await box.fill("accuracy>0.7");
    const high = exps.filter((e) => acc(e) > 0.7).map((e) => e.name);
    expect(high.length).toBeGreaterThan(0);
    expect(high.length).toBeLessThan(exps.length);
    expect((await experimentOrder()).sort()).toEqual(high.sort());
    await box.fill("lr<0.01");
    expect(await experimentOrder()).toEqual(["slow"]);
    await box.fill("mid");
    expect(await experimentOrder()).toEqual(["mid"]);
    await box.fill("nosuch>1");
    expect(await page.locator(".query-errors").textContent()).toContain('no column "nosuch"');
    await box.fill("");
    expect(await page.locator(".vt-row.k-experiment").count()).toBe(4);
  });

  it("the column picker hides a column and remembers it across a reload", async () => {
    const col = "param:params.yaml:data.size";
    expect(await page.locator(`.vt-th[data-col="${col}"]`).count()).toBe(1);
    await page.click("text=Columns");
    await page.locator(`.picker input[data-col="${col}"]`).uncheck();
    expect(await page.locator(`.vt-th[data-col="${col}"]`).count()).toBe(0);
    await page.reload();
    await page.waitForSelector(".vt-row.k-experiment");
    expect(await page.locator(`.vt-th[data-col="${col}"]`).count()).toBe(0);
    await page.click("text=Columns");
    await page.click(".picker >> text=show all");
    expect(await page.locator(`.vt-th[data-col="${col}"]`).count()).toBe(1);
  });

  it("compares two selected experiments: changed metrics marked with their diff, plots overlaid", async () => {
    const fast = byName("fast");
    const slow = byName("slow");
    await page.locator(`.vt-row[data-id="${fast.id}"] input[type=checkbox]`).check();
    await page.locator(`.vt-row[data-id="${slow.id}"] input[type=checkbox]`).check();
    await page.click("button.primary");
    await page.waitForSelector("table.compare.metrics");
    const accRow = page.locator('table.metrics tr[data-key="metrics.json:accuracy"]');
    expect(await accRow.getAttribute("class")).toContain("changed");
    const cells = await accRow.locator("td").allTextContents();
    expect(cells.slice(2)).toEqual([String(acc(fast)), String(acc(slow)), String(Number((acc(slow) - acc(fast)).toPrecision(6)))]);
    const same = page.locator('table.params tr[data-key="params.yaml:data.size"]');
    expect(await same.getAttribute("class")).not.toContain("changed");
    expect(await page.locator('table.params tr[data-key="params.yaml:train.lr"]').getAttribute("class")).toContain("changed");
    await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).pipeUiCharts?.charts.length ?? 0) >= 3);
    const loss = (await charts()).find((c) => c.path === "plots/loss.csv");
    expect(loss?.series.map((s) => [s.name, s.data.length])).toEqual([
      ["fast", fast.params["params.yaml"]?.["train.epochs"]],
      ["slow", slow.params["params.yaml"]?.["train.epochs"]],
    ]);
  });

  it("a plot renders its points: each series ends at the recorded loss, and hovering shows the value", async () => {
    const mid = byName("mid");
    await page.goto(`${server.url}/#/plots?ids=${mid.id}`);
    await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).pipeUiCharts?.charts.length ?? 0) >= 2);
    const all = await charts();
    const loss = all.find((c) => c.path === "plots/loss.csv");
    const points = loss?.series[0]?.data ?? [];
    expect(points).toHaveLength(4);
    expect(points.at(-1)).toEqual([4, mid.metrics["metrics.json"]?.loss]);
    expect(await page.locator('[data-plot="plots/loss.csv"] svg path').count()).toBeGreaterThan(4);
    // hover the third epoch's point: the tooltip shows its loss
    const [x, y] = await page.evaluate(() => {
      const c = (globalThis as unknown as PageGlobals).pipeUiCharts?.charts.find((k) => k.path === "plots/loss.csv");
      const opt = c?.chart.getOption() as { series: { data: [number, number][] }[] };
      const p = opt.series[0]?.data[2] ?? [0, 0];
      const px = c?.chart.convertToPixel({ seriesIndex: 0 }, p) ?? [];
      const box = c?.chart.getDom().getBoundingClientRect();
      return [(box?.left ?? 0) + (px[0] ?? 0), (box?.top ?? 0) + (px[1] ?? 0)];
    });
    await page.mouse.move(x, y);
    const third = points[2]?.[1];
    await page.waitForFunction(
      (v) =>
        Array.from((globalThis as unknown as PageGlobals).document.querySelectorAll('[data-plot="plots/loss.csv"] div')).some(
          (d) => d.textContent?.includes(v) === true,
        ),
      String(third),
    );
    // the confusion matrix: one heatmap, every sample counted, counts written in the cells
    const conf = all.find((c) => c.path === "plots/confusion.csv");
    const cells = (conf?.series[0]?.data ?? []) as [number, number, number][];
    expect(cells).toHaveLength(9);
    expect(cells.reduce((s, c) => s + c[2], 0)).toBe(120);
    const texts = await page.locator('[data-plot="plots/confusion.csv"] svg text').allTextContents();
    for (const c of cells) expect(texts).toContain(String(c[2]));
  });

  it("the DAG shows each stage's state as pipe status says, and a stage's panel its cmd, digests and last log", async () => {
    const stale = Object.keys(JSON.parse(pipe(root, "status", "--json")) as Record<string, unknown>);
    await page.goto(`${server.url}/#/pipeline`);
    await page.waitForSelector("g.node[data-stage]");
    for (const stage of ["prepare", "train", "report"]) {
      expect(await page.getAttribute(`g.node[data-stage="${stage}"]`, "data-state"), stage).toBe(stale.includes(stage) ? "stale" : "fresh");
    }
    expect(stale).toEqual(["train"]);
    expect(await page.locator('g.node[data-stage="train"] title').textContent()).toContain("param changed: train.lr");
    expect(await page.locator("svg.dag path.edge").count()).toBe(2);
    await page.click('g.node[data-stage="train"]');
    const panel = page.locator(".stage-panel");
    await panel.locator("pre.log >> text=epoch 1 loss").waitFor();
    expect(await panel.locator("pre.cmd-block").textContent()).toBe("node train.mjs");
    expect(await panel.locator("td.path").allTextContents()).toContain("plots/loss.csv");
    expect(await panel.locator(".reasons li").count()).toBe(2);
  });

  it("a repro started from a terminal turns the stale stage to running, then fresh, on the open page", async () => {
    setReportSleep(root, 1500);
    await page.goto(`${server.url}/#/pipeline`);
    await page.reload();
    await page.waitForSelector('g.node[data-stage="report"][data-state="stale"]');
    await page.evaluate(() => ((globalThis as unknown as PageGlobals).marker = 42));
    const run = spawnPipe(root, "repro");
    await page.waitForSelector('g.node[data-stage="report"][data-state="running"]', { timeout: 20_000 });
    await page.locator(".run-panel pre.live-log >> text=writing the report").waitFor();
    await page.waitForSelector('g.node[data-stage="report"][data-state="fresh"]', { timeout: 20_000 });
    const done = await run.done;
    expect(done.code, done.output).toBe(0);
    await page.waitForSelector('g.node[data-stage="train"][data-state="fresh"]');
    expect(await page.locator(".run-panel .progress-text").textContent()).toMatch(/finished in/);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).marker)).toBe(42);
  });

  it("a new experiment appears in the open table when it is recorded", async () => {
    setReportSleep(root, 0);
    await page.goto(`${server.url}/#/experiments`);
    await page.waitForSelector(".vt-row.k-experiment");
    const before = await page.locator(".vt-row.k-experiment").count();
    const run = spawnPipe(root, "exp", "run", "-S", "train.lr=0.2", "--name", "live-one");
    const done = await run.done;
    expect(done.code, done.output).toBe(0);
    await page.locator('.vt-row [data-col="name"] >> text="live-one"').waitFor({ timeout: 20_000 });
    expect(await page.locator(".vt-row.k-experiment").count()).toBe(before + 1);
  });

  it("a stage that fails turns red on the open page and stays so after the run", async () => {
    write(root, "report.mjs", 'console.error("report: no model"); process.exit(3);\n');
    await page.goto(`${server.url}/#/pipeline`);
    await page.reload();
    await page.waitForSelector('g.node[data-stage="report"][data-state="stale"]');
    const run = spawnPipe(root, "repro");
    await page.waitForSelector('g.node[data-stage="report"][data-state="failed"]', { timeout: 20_000 });
    expect((await run.done).code).not.toBe(0);
    await page.locator(".run-panel header .pill.st-failed >> text=1 failed").waitFor();
    expect(await page.locator('.run-panel .stage-chips [data-stage="report"]').textContent()).toBe("report: failed");
    expect(await page.locator(".run-panel pre.live-log").textContent()).toContain("report: no model");
    expect(await page.getAttribute('g.node[data-stage="report"]', "data-state")).toBe("failed");
    expect(await page.locator('.legend-item[data-state="failed"]').textContent()).toBe("failed 1");
  });
});

describeWith("pipe ui in chromium, a project with nothing run", hasChromium, "Debian's chromium (/usr/bin/chromium)", () => {
  let root: string;
  let server: UiServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    root = makeDemoProject({ prefix: "pipe-ui-empty-" });
    server = await startUi(root);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  it("every page says what to run to fill it", async () => {
    await page.goto(`${server.url}/#/experiments`);
    await page.locator(".empty >> text=No experiments yet").waitFor();
    expect(await page.locator(".empty code.cmd").allTextContents()).toEqual(["pipe exp run -S data.size=240", "pipe repro"]);
    await page.goto(`${server.url}/#/pipeline`);
    await page.waitForSelector("g.node[data-stage]");
    expect(await page.$$eval("g.node", (ns) => ns.map((n) => n.getAttribute("data-state")))).toEqual(["never-run", "never-run", "never-run"]);
    expect(await page.locator(".hint code.cmd").textContent()).toBe("pipe repro");
    await page.goto(`${server.url}/#/plots`);
    await page.locator(".empty >> text=No plot data yet").waitFor();
    await page.goto(`${server.url}/#/live`);
    await page.locator(".empty >> text=No run since this page opened").waitFor();
  });
});
