// The remote benchmark's rows and their rendering: one line per case and remote, with the ratios to
// rsync, then each target of issue 15 with PASS or FAIL. Pure: data in, text out.

export interface Seconds {
  readonly wall: number;
  /** User + system of the command and its children, null when unmeasured. */
  readonly cpu: number | null;
}

export interface Row {
  readonly case: string;
  readonly remote: "dir" | "ssh" | "s3";
  readonly files: number;
  readonly bytes: number;
  readonly push: Seconds;
  readonly rsyncPush: Seconds | null;
  /** Median wall seconds of the no-op pushes. */
  readonly secondPush: number;
  readonly secondPushRuns: readonly number[];
  readonly pull: Seconds;
  readonly rsyncPull: Seconds | null;
  /** 1-minute load average when the row finished. */
  readonly load: number;
}

/** Issue 15's targets: pipe's time over rsync's. */
export const TARGET_RATIO = { small: 1.5, large: 1.2 } as const;
export const TARGET_SECOND_PUSH = 0.5;

const s = (x: number | null | undefined): string => (x === null || x === undefined ? "-" : x.toFixed(2));
const ratio = (a: Seconds, b: Seconds | null): number | null => (b === null ? null : a.wall / b.wall);
const targetOf = (r: Row): number => (r.files > 1 ? TARGET_RATIO.small : TARGET_RATIO.large);

export function renderTable(rows: readonly Row[]): string {
  const head = ["case", "remote", "pipe push s", "rsync s", "ratio", "second push s", "pull s", "rsync pull s", "ratio", "cpu push/rsync/pull/rsync s", "load"];
  const body = rows.map((r) => [
    r.case,
    r.remote,
    s(r.push.wall),
    s(r.rsyncPush?.wall),
    ratio(r.push, r.rsyncPush) === null ? "-" : `${s(ratio(r.push, r.rsyncPush))}x`,
    r.secondPush.toFixed(3),
    s(r.pull.wall),
    s(r.rsyncPull?.wall),
    ratio(r.pull, r.rsyncPull) === null ? "-" : `${s(ratio(r.pull, r.rsyncPull))}x`,
    [r.push.cpu, r.rsyncPush?.cpu, r.pull.cpu, r.rsyncPull?.cpu].map((x) => s(x)).join(" / "),
    r.load.toFixed(2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  const out = [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)];
  out.push("", ...verdicts(rows));
  return `${out.join("\n")}\n`;
}

/** One line per target and row: the figure, the target, PASS or FAIL (s3 has no rsync: its second push only). */
export function verdicts(rows: readonly Row[]): string[] {
  const lines: string[] = [];
  const mark = (ok: boolean): string => (ok ? "PASS" : "FAIL");
  for (const r of rows) {
    const t = targetOf(r);
    for (const [what, a, b] of [
      ["push", r.push, r.rsyncPush],
      ["pull", r.pull, r.rsyncPull],
    ] as const) {
      const x = ratio(a, b);
      if (x !== null) lines.push(`${mark(x <= t)}  ${r.case} ${r.remote} ${what}: ${x.toFixed(2)}x rsync (target <= ${t.toFixed(1)}x)`);
    }
    lines.push(
      `${mark(r.secondPush < TARGET_SECOND_PUSH)}  ${r.case} ${r.remote} second push: ${r.secondPush.toFixed(3)} s (target < ${TARGET_SECOND_PUSH.toFixed(1)} s)`,
    );
  }
  return lines;
}
