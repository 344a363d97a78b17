// pipe ui with 10,000 experiments, measured in Debian's chromium: server start to first table paint
// (spawn of `pipe ui` → experiment rows visible), and a sort (header click → rows re-rendered and
// painted). Prints a table and writes bench/out/ui.json. Figures, not a test: run it on a quiet machine.
//   npx tsx bench/ui/run.ts [--count 10000] [--runs 5] [--keep]
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { git, makeDemoProject } from "../../engine/test/browser/demo-project.js";
import { hasChromium, launchChromium, pipe, REPO, startUi, type PageGlobals } from "../../engine/test/browser/ui-session.js";
import { generateRecords } from "./gen.js";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
};
const COUNT = arg("--count", 10_000);
const RUNS = arg("--runs", 5);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

if (!hasChromium) {
  console.error("bench/ui: needs Debian's chromium at /usr/bin/chromium (scripts/test-services.sh installs it)");
  process.exit(1);
}
if (spawnSync("test", ["-f", join(REPO, "dist", "ui", "index.html")]).status !== 0) {
  console.error("bench/ui: dist/ui/ is missing: run npm run build first");
  process.exit(1);
}

const root = makeDemoProject({ prefix: "pipe-ui-bench-" });
pipe(root, "repro");
const t0 = performance.now();
generateRecords(root, COUNT, git(root, "rev-parse", "HEAD").trim());
const genMs = performance.now() - t0;
console.error(`bench/ui: ${COUNT} records generated in ${(genMs / 1000).toFixed(1)} s in ${root}`);

const browser = await launchChromium();
const firstPaint: { startToUrl: number; startToRows: number; navToRows: number; apiInPage: number; apiMs: number }[] = [];
const sorts: number[] = [];
const filters: number[] = [];
let rowsInDom = 0;
try {
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const start = performance.now();
    const server = await startUi(root);
    const urlAt = performance.now();
    try {
      await page.goto(`${server.url}/#/experiments`);
      await page.waitForSelector(".vt-row.k-experiment");
      // a frame after the rows exist: they are painted
      await page.evaluate(() => new Promise((r) => (globalThis as unknown as PageGlobals).requestAnimationFrame(() => r(null))));
      const rowsAt = performance.now();
      const [navToRows, apiInPage] = await page.evaluate(() => {
        const { performance } = globalThis as unknown as PageGlobals;
        const api = performance.getEntriesByType("resource").find((e) => e.name.endsWith("/api/experiments"));
        return [performance.now(), api?.responseEnd ?? NaN];
      });
      rowsInDom = await page.locator(".vt-row").count();
      const count = await page.locator(".vt-row.k-experiment").count();
      if (count === 0 || count > 200) throw new Error(`expected a virtualised table, found ${count} experiment rows in the DOM`);
      const a0 = performance.now();
      const res = await fetch(`${server.url}/api/experiments`);
      const body = (await res.json()) as { rows: unknown[] };
      const apiMs = performance.now() - a0;
      if (body.rows.filter((r) => (r as { kind: string }).kind === "experiment").length < COUNT)
        throw new Error(`the server lists ${body.rows.length} rows, fewer than ${COUNT}`);
      firstPaint.push({ startToUrl: urlAt - start, startToRows: rowsAt - start, navToRows, apiInPage, apiMs });
      // sorts: click the accuracy header (descending, then ascending, ...), time to the next painted frame
      for (let i = 0; i < 4; i++) {
        const ms = await page.evaluate(async () => {
          const { document, requestAnimationFrame, performance } = globalThis as unknown as PageGlobals;
          const head = document.querySelector('.vt-th[data-col="metric:metrics.json:accuracy"]');
          if (head === null) throw new Error("no accuracy header");
          const before = document.querySelector(".vt-row.k-experiment")?.getAttribute("data-id");
          const t = performance.now();
          head.click();
          await new Promise((r) => requestAnimationFrame(() => r(null)));
          const after = document.querySelector(".vt-row.k-experiment")?.getAttribute("data-id");
          if (after === before) throw new Error("the first row did not change after a sort");
          return performance.now() - t;
        });
        sorts.push(ms);
      }
      // filters: a comparison typed into the query box, time to the filtered rows painted
      for (const q of ["accuracy>0.9", "lr<0.001 status=success"]) {
        const ms = await page.evaluate(async (query) => {
          const { document, requestAnimationFrame, performance } = globalThis as unknown as PageGlobals;
          const box = document.querySelector("input.query") as unknown as { value: string; dispatchEvent(e: unknown): boolean } | null;
          if (box === null) throw new Error("no query box");
          const t = performance.now();
          box.value = query;
          box.dispatchEvent(new (globalThis as unknown as { Event: new (type: string) => unknown }).Event("input"));
          await new Promise((r) => requestAnimationFrame(() => r(null)));
          const took = performance.now() - t;
          const shown = document.querySelector(".count")?.textContent ?? "";
          if (!/^\d+ of/.test(shown) || shown.startsWith(shown.split(" of ")[1]?.split(" ")[0] ?? "")) throw new Error(`the filter kept every row: ${shown}`);
          box.value = "";
          box.dispatchEvent(new (globalThis as unknown as { Event: new (type: string) => unknown }).Event("input"));
          return took;
        }, q);
        filters.push(ms);
      }
    } finally {
      await page.close();
      await server.stop();
    }
  }
} finally {
  await browser.close();
  if (!process.argv.includes("--keep")) rmSync(root, { recursive: true, force: true });
}

const fp = (k: keyof (typeof firstPaint)[number]) => median(firstPaint.map((x) => x[k]));
const table: [string, number, string][] = [
  ["server start → URL printed", fp("startToUrl"), "spawn of pipe ui until it prints its address"],
  ["server start → first table paint", fp("startToRows"), "spawn until experiment rows are visible (page loaded, /api/experiments read, table drawn)"],
  ["  page navigation → rows painted", fp("navToRows"), "in the page: navigation start to the rows' first frame"],
  ["  page navigation → /api/experiments received", fp("apiInPage"), "of which waiting for the server's first (cold) read of the records"],
  ["  GET /api/experiments (warm)", fp("apiMs"), `${COUNT} rows as JSON, after the page's own request`],
  ["sort by a metric column", median(sorts), `click → ${COUNT} rows re-sorted and the visible ones painted (${sorts.length} sorts)`],
  [
    "filter with a query",
    median(filters),
    `typed query (accuracy>0.9; lr<0.001 status=success) → ${COUNT} rows filtered and painted (${filters.length} filters)`,
  ],
];
console.log(`pipe ui with ${COUNT} experiments (median of ${RUNS} server starts; load ${loadavg()[0]?.toFixed(2)}; chromium headless 1280x800)`);
console.log("| figure | median ms | what |\n|---|---:|---|");
for (const [name, ms, what] of table) console.log(`| ${name} | ${ms.toFixed(0)} | ${what} |`);
console.log(`rows in the DOM at once: ${rowsInDom} (of ${COUNT + 3})`);
mkdirSync(join(REPO, "bench", "out"), { recursive: true });
writeFileSync(
  join(REPO, "bench", "out", "ui.json"),
  JSON.stringify(
    {
      count: COUNT,
      runs: RUNS,
      load1: loadavg()[0],
      medians: Object.fromEntries(table.map(([n, ms]) => [n.trim(), Math.round(ms)])),
      firstPaint,
      sorts,
      rowsInDom,
      generatedMs: Math.round(genMs),
    },
    null,
    2,
  ) + "\n",
);
console.log("written: bench/out/ui.json");
