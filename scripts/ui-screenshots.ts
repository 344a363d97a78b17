// Screenshots of pipe ui for the README (docs/ui/*.png): a demo project with a handful of
// experiments recorded by the CLI, `pipe ui` started on it, each page shot in Debian's chromium at
// 1280x800: Experiments, a comparison, Plots, the Pipeline with a stage open, and a run in progress.
//   npm run build && npx tsx scripts/ui-screenshots.ts
import { mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Page } from "playwright-core";
import { git, makeDemoProject, setReportSleep, write } from "../engine/test/browser/demo-project.js";
import { hasChromium, launchChromium, pipe, REPO, spawnPipe, startUi, type PageGlobals } from "../engine/test/browser/ui-session.js";

if (!hasChromium) {
  console.error("ui-screenshots: needs Debian's chromium at /usr/bin/chromium (scripts/test-services.sh installs it)");
  process.exit(1);
}
const out = join(REPO, "docs", "ui");
mkdirSync(out, { recursive: true });

const root = makeDemoProject({ prefix: "pipe-ui-demo-", name: "image-classifier" });
pipe(root, "repro");
git(root, "add", "-A");
git(root, "commit", "-q", "-m", "first results");
const runs: [string, string[]][] = [
  ["lr-0.1", ["-S", "train.lr=0.1"]],
  ["lr-0.05-e8", ["-S", "train.lr=0.05", "-S", "train.epochs=8"]],
  ["lr-0.02-e8", ["-S", "train.lr=0.02", "-S", "train.epochs=8"]],
  ["lr-0.003", ["-S", "train.lr=0.003"]],
  ["big-data", ["-S", "data.size=300", "-S", "train.lr=0.05"]],
  ["lr-0.08-e3", ["-S", "train.lr=0.08", "-S", "train.epochs=3"]],
];
for (const [name, args] of runs) pipe(root, "exp", "run", ...args, "--name", name);
// a param edit in the workspace, not yet run: train and report are stale
write(root, "params.yaml", "data:\n  size: 120\ntrain:\n  lr: 0.04\n  epochs: 6\n");

const server = await startUi(root);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const shot = async (p: Page, file: string, fullPage = false) => {
  await p.waitForTimeout(400);
  await p.screenshot({ path: join(out, file), fullPage });
  console.log(`${file} ${(statSync(join(out, file)).size / 1024).toFixed(0)} KiB`);
};
const idOf = async (name: string) => (await page.locator(`.vt-row:has([data-col="name"]:text-is("${name}"))`).getAttribute("data-id")) ?? "";
try {
  await page.goto(`${server.url}/#/experiments`);
  await page.waitForSelector(".vt-row.k-experiment");
  await page.click('.vt-th[data-col="metric:metrics.json:accuracy"]');
  const picked = ["lr-0.05-e8", "lr-0.02-e8", "lr-0.003"];
  for (const name of picked) await page.locator(`.vt-row:has([data-col="name"]:text-is("${name}")) input[type=checkbox]`).check();
  await shot(page, "experiments.png");

  const ids = await Promise.all(picked.map(idOf));
  await page.goto(`${server.url}/#/compare?ids=${ids.join(",")}`);
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelectorAll(".plot-card svg").length >= 2);
  await shot(page, "compare.png");

  await page.goto(`${server.url}/#/plots?ids=${ids.join(",")}`);
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelectorAll(".plot-card svg").length >= 2);
  await shot(page, "plots.png");

  await page.goto(`${server.url}/#/pipeline?stage=train`);
  await page.locator(".stage-panel pre.log >> text=epoch").waitFor();
  await shot(page, "pipeline.png");

  setReportSleep(root, 4000);
  await page.goto(`${server.url}/#/experiments`);
  await page.goto(`${server.url}/#/pipeline`);
  await page.waitForSelector("g.node[data-stage]");
  const run = spawnPipe(root, "repro");
  await page.waitForSelector('g.node[data-stage="report"][data-state="running"]', { timeout: 30_000 });
  await page.locator(".run-panel pre.live-log >> text=writing the report").waitFor();
  await shot(page, "live.png");
  await run.done;
} finally {
  await browser.close();
  await server.stop();
  rmSync(dirname(root), { recursive: true, force: true });
}
