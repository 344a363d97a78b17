// Test rig for the compare commands: a temp git repo with a pipeline declaring a metrics file,
// params and a plot, and a fake CliIO that collects stdout/stderr.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { CliIO, Command } from "../../../src/cli/io.js";
import { reportError } from "../../../src/cli/main.js";

export const PIPELINE = `stages:
  train:
    cmd: node train.mjs
    deps: [train.mjs]
    params: [train.lr, train.batch_size]
    outs:
      - model.txt
    metrics:
      - metrics/eval.json:
          cache: false
    plots:
      - plots/curve.csv:
          x: epoch
          y: loss
          cache: false
`;

export const PARAMS = `# training settings
train:
  lr: 0.01 # learning rate
  batch_size: 32
  epochs: 2
`;

/** A stage script that writes metrics from params (so exp runs produce distinct metrics). */
export const TRAIN = `import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
const text = readFileSync("params.yaml", "utf8");
const lr = Number(/lr: ([0-9.e-]+)/.exec(text)[1]);
const bs = Number(/batch_size: ([0-9]+)/.exec(text)[1]);
mkdirSync("metrics", { recursive: true }); mkdirSync("plots", { recursive: true });
writeFileSync("model.txt", String(lr * bs));
writeFileSync("metrics/eval.json", JSON.stringify({ test: { accuracy: Math.round((0.8 + lr) * 1000) / 1000, loss: bs / 100 } }));
writeFileSync("plots/curve.csv", "epoch,loss\\n1," + (1 - lr) + "\\n2," + (0.5 - lr) + "\\n");
`;

export function write(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

export function git(root: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** A fresh project; with `git`, initialised and with one commit of `metrics` (test.accuracy 0.81). */
export function makeProject(opts: { git: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), "pipe-compare-"));
  write(root, "pipeline.yaml", PIPELINE);
  write(root, "params.yaml", PARAMS);
  write(root, "train.mjs", TRAIN);
  write(root, "metrics/eval.json", JSON.stringify({ test: { accuracy: 0.81, f1_macro: 0.7 }, train: { loss: 0.5 } }));
  write(root, "plots/curve.csv", "epoch,loss\n1,0.9\n2,0.6\n");
  write(root, ".gitignore", ".pipe/\n.cache/\nmodel.txt\n");
  if (opts.git) {
    git(root, "init", "-q", "-b", "main");
    git(root, "config", "user.email", "t@example.com");
    git(root, "config", "user.name", "t");
    git(root, "config", "commit.gpgsign", "false");
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "first");
  }
  return root;
}

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in-process the way main() would (UserError → one line and its exit code). */
export async function runCommand(command: Command, argv: readonly string[], cwd: string): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd, env: { ...process.env, CI: "1" }, isTTY: false };
  let code: number;
  try {
    code = await command(argv, io);
  } catch (e) {
    code = reportError(e, io);
  }
  return { code, stdout, stderr };
}
