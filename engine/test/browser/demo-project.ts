// A small ML-shaped project for pipe ui's browser tests, screenshots and bench: prepare → train →
// report as tiny node scripts; train writes metrics JSON, a per-epoch loss curve and a confusion
// CSV from its params, so every experiment has distinct values; report sleeps so "running" shows.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const PIPELINE = `stages:
  prepare:
    cmd: node prepare.mjs
    deps: [prepare.mjs]
    params: [data.size]
    outs: [data/samples.json]
  train:
    cmd: node train.mjs
    deps: [train.mjs, data/samples.json]
    params: [train.lr, train.epochs]
    outs: [model.txt]
    metrics:
      - metrics.json:
          cache: false
    plots:
      - plots/loss.csv:
          x: epoch
          y: loss
          title: Training loss
          x_label: epoch
          y_label: loss
          cache: false
      - plots/confusion.csv:
          template: confusion
          x: predicted
          y: actual
          title: Confusion matrix
          cache: false
  report:
    cmd: node report.mjs
    deps: [report.mjs, model.txt]
    outs: [report.txt]
`;

export const PARAMS = `data:
  size: 120
train:
  lr: 0.01
  epochs: 5
`;

const PREPARE = `import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
const size = Number(/size: (\\d+)/.exec(readFileSync("params.yaml", "utf8"))[1]);
mkdirSync("data", { recursive: true });
writeFileSync("data/samples.json", JSON.stringify({ size }));
console.log("prepared " + size + " samples");
`;

/** Loss falls faster with a larger lr (capped); accuracy rises with it; counts follow accuracy. */
const TRAIN = `import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
const text = readFileSync("params.yaml", "utf8");
const lr = Number(/lr: ([0-9.e-]+)/.exec(text)[1]);
const epochs = Number(/epochs: (\\d+)/.exec(text)[1]);
const { size } = JSON.parse(readFileSync("data/samples.json", "utf8"));
const rate = Math.min(0.9, lr * 8);
const rows = ["epoch,loss"];
let loss = 1;
for (let e = 1; e <= epochs; e++) { loss = Math.round(loss * (1 - rate / 2) * 10000) / 10000; rows.push(e + "," + loss); console.log("epoch " + e + " loss " + loss); }
const acc = Math.round((0.6 + rate * 0.4) * 1000) / 1000;
mkdirSync("plots", { recursive: true });
writeFileSync("plots/loss.csv", rows.join("\\n") + "\\n");
const classes = ["cat", "dog", "bird"];
const conf = ["actual,predicted"];
const per = Math.floor(size / 3);
for (const a of classes) { const right = Math.round(per * acc); for (let i = 0; i < per; i++) conf.push(a + "," + (i < right ? a : classes[(classes.indexOf(a) + 1 + (i % 2)) % 3])); }
writeFileSync("plots/confusion.csv", conf.join("\\n") + "\\n");
writeFileSync("metrics.json", JSON.stringify({ accuracy: acc, loss, epochs }, null, 2));
writeFileSync("model.txt", "lr=" + lr + " epochs=" + epochs + "\\n");
`;

const REPORT = `import { readFileSync, writeFileSync } from "node:fs";
const model = readFileSync("model.txt", "utf8");
console.log("writing the report");
await new Promise((r) => setTimeout(r, SLEEP_MS));
writeFileSync("report.txt", "report for " + model);
console.log("report done");
`;

export interface DemoOptions {
  /** How long the report stage sleeps (so a test can see it running). */
  readonly reportSleepMs?: number;
  readonly prefix?: string;
  /** The project folder's own name (it shows in the page's header), inside a fresh temp folder. */
  readonly name?: string;
}

export function write(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

export function git(root: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** A git repo holding the demo pipeline, committed once (nothing run yet). */
export function makeDemoProject(opts: DemoOptions = {}): string {
  const temp = mkdtempSync(join(tmpdir(), opts.prefix ?? "pipe-ui-"));
  const root = opts.name === undefined ? temp : join(temp, opts.name);
  mkdirSync(root, { recursive: true });
  write(root, "pipeline.yaml", PIPELINE);
  write(root, "params.yaml", PARAMS);
  write(root, "prepare.mjs", PREPARE);
  write(root, "train.mjs", TRAIN);
  write(root, "report.mjs", REPORT.replace("SLEEP_MS", String(opts.reportSleepMs ?? 0)));
  write(root, ".gitignore", ".pipe/\n.cache/\ndata/\nmodel.txt\nreport.txt\n");
  git(root, "init", "-q", "-b", "main");
  git(root, "config", "user.email", "ui@example.com");
  git(root, "config", "user.name", "pipe ui test");
  git(root, "config", "commit.gpgsign", "false");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "demo pipeline");
  return root;
}

/** Rewrite report.mjs's sleep (so it goes stale, and runs slowly enough to be watched). */
export function setReportSleep(root: string, ms: number): void {
  write(root, "report.mjs", REPORT.replace("SLEEP_MS", String(ms)));
}
