// The Slurm benchmark's figures: per run, the wall time and each overhead's median over the run's
// stages; over the N runs, the median and the range; rendered as one Markdown table. Pure.
import { overheads, type Overheads, type StageTimes } from "./timeline.js";

/**
 * `snakemake`: its Slurm executor polling as fast as it lets itself (--max-status-checks-per-second 1;
 * any value above 1, the default 10 included, is reset to 0.03 by 7.21's scheduler); `snakemake-shipped`:
 * its defaults, so one status check each 33 s, at most 3 per 100 s.
 */
export type Tool = "pipe" | "snakemake" | "snakemake-shipped";
export const TOOLS: readonly Tool[] = ["pipe", "snakemake", "snakemake-shipped"];
export const TOOL_LABEL: Readonly<Record<Tool, string>> = {
  pipe: "pipe --executor slurm",
  snakemake: "snakemake --slurm, 1 status check/s",
  "snakemake-shipped": "snakemake --slurm, as shipped",
};

export interface RunResult {
  readonly tool: Tool;
  readonly rep: number;
  /** Seconds from starting the tool to its exit, every stage recorded. */
  readonly wall: number;
  /** sbatch calls the run made. */
  readonly jobs: number;
  readonly stages: readonly StageTimes[];
  /** 1-minute load average when the run ended. */
  readonly load: number;
  /** Other people's jobs that ran on the cluster during the run (they took CPUs from it). */
  readonly foreignJobs: readonly string[];
}

/**
 * `-first`: the first no-op after the run (pipe: its second `repro`, which checks every dep and out and
 * earns the up-to-date stamp); `-full`: pipe's no-op with that stamp removed first (the full check
 * again); plain: the no-ops after those (pipe: answered by the stamp).
 */
export type NoopKind = "pipe-slurm-first" | "pipe-slurm-full" | "pipe-local-full" | "pipe-slurm" | "pipe-local" | "snakemake-first" | "snakemake";

export interface NoopResult {
  readonly kind: NoopKind;
  readonly rep: number;
  readonly wall: number;
  /** sbatch calls during the no-op (0 expected) and jobs left in squeue after it. */
  readonly submitted: number;
  readonly queued: number;
}

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function summarize(xs: readonly number[]): Summary | null {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
  return { median, min: v[0] as number, max: v[v.length - 1] as number, n: v.length };
}

const medianOf = (xs: readonly number[]): number => summarize(xs)?.median ?? Number.NaN;

/** Which stages a figure looks at: those that had a free CPU when submitted (first, last), or the fan-out. */
export type Group = "all" | "ends" | "fan";
const inGroup = (g: Group, stage: string): boolean => g === "all" || (g === "ends") === (stage === "first" || stage === "last");

/** Per run: the median over the run's stages (of a group) of one overhead. */
export function perRun(runs: readonly RunResult[], key: keyof Overheads, group: Group): number[] {
  return runs.map((r) =>
    medianOf(
      r.stages
        .filter((s) => inGroup(group, s.stage))
        .map((s) => overheads(s)[key])
        .filter((x): x is number => x !== null),
    ),
  );
}

const fmt = (s: Summary | null, digits: number): string => {
  if (s === null) return "-";
  const f = (x: number): string => x.toFixed(digits);
  return s.n === 1 ? f(s.median) : `${f(s.median)} (${f(s.min)}-${f(s.max)})`;
};

export interface Figures {
  readonly stages: number;
  readonly fan: number;
  readonly cpus: number;
  readonly runs: readonly RunResult[];
  readonly noops: readonly NoopResult[];
}

export function renderTable(f: Figures): string {
  const tools = TOOLS.filter((t) => f.runs.some((r) => r.tool === t));
  const all = (get: (rs: RunResult[]) => number[], digits = 2): string[] => tools.map((t) => fmt(summarize(get(f.runs.filter((r) => r.tool === t))), digits));
  const noop = (k: NoopKind): string => {
    const xs = f.noops.filter((n) => n.kind === k);
    if (xs.length === 0) return "-";
    const submitted = xs.reduce((a, n) => a + n.submitted + n.queued, 0);
    return `${fmt(summarize(xs.map((n) => n.wall)), 3)}${submitted === 0 ? ", 0 jobs" : `, ${String(submitted)} jobs!`}`;
  };
  /** The no-op rows: pipe's column and Snakemake's (measured once: its no-op does not poll). */
  const noops = (p: NoopKind, s: NoopKind | null): string[] => tools.map((t) => (t === "pipe" ? noop(p) : t === "snakemake" && s !== null ? noop(s) : "-"));
  const rows: string[][] = [
    [`${String(f.stages)} stages (1 + ${String(f.fan)} x 1 s + 1), wall s, start to all recorded`, ...all((rs) => rs.map((r) => r.wall))],
    ["jobs submitted per run", ...all((rs) => rs.map((r) => r.jobs), 0)],
    ["per stage: upstream recorded -> sbatch called, s", ...all((rs) => perRun(rs, "readyToSubmit", "all"), 3)],
    ["per stage: sbatch called -> command running, first and last stage (a free CPU), s", ...all((rs) => perRun(rs, "submitToStart", "ends"), 3)],
    [
      `per stage: sbatch called -> command running, the ${String(f.fan)} fan-out stages (${String(f.cpus)} CPUs: includes waiting for one), s`,
      ...all((rs) => perRun(rs, "submitToStart", "fan")),
    ],
    ["per stage: Slurm SubmitTime -> StartTime (whole seconds), all stages, s", ...all((rs) => perRun(rs, "slurmQueue", "all"), 1)],
    ["per stage: command ended -> tool reports it recorded, s", ...all((rs) => perRun(rs, "endToRecorded", "all"), 3)],
    ["no-op on the cluster: the second run, s", ...noops("pipe-slurm-first", "snakemake-first")],
    ["no-op on the cluster, full check (pipe: up-to-date stamp removed), s", ...noops("pipe-slurm-full", "snakemake")],
    ["no-op local `pipe repro`, full check, s", ...noops("pipe-local-full", null)],
    ["no-op on the cluster, stamped (a third run), s", ...noops("pipe-slurm", null)],
    ["no-op local `pipe repro`, stamped, s", ...noops("pipe-local", null)],
  ];
  const head = ["figure (median over runs, min-max)", ...tools.map((t) => TOOL_LABEL[t])];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  return `${[line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n")}\n`;
}
