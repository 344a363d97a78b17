// A progress bar on stderr for long stage steps. On a TTY it redraws one line (at most ~10 times a
// second); otherwise (CI, the engine's piped output) it prints a plain line every few seconds.

export type ProgressUnit = "bytes" | "rows" | "items";

export interface ProgressOptions {
  /** Known total, for a percentage and an ETA; omit when unknown. */
  total?: number;
  unit?: ProgressUnit;
  /** Seconds between plain lines when stderr is not a TTY. */
  intervalS?: number;
  stream?: NodeJS.WriteStream;
}

export interface Progress {
  /** Adds `n` units done. */
  tick(n?: number): void;
  /** Sets the absolute amount done. */
  update(done: number): void;
  /** Prints the final line. */
  done(): void;
}

function fmt(n: number, unit: ProgressUnit): string {
  if (unit !== "bytes") return n.toLocaleString("en-US");
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(0)}s`;
  return `${Math.floor(s / 60)}m${Math.round(s % 60)
    .toString()
    .padStart(2, "0")}s`;
}

/** Renders one progress line (pure, for tests). */
export function renderProgress(label: string, done: number, elapsedS: number, opts: { total?: number; unit: ProgressUnit; width?: number }): string {
  const { total, unit } = opts;
  const rate = elapsedS > 0 ? done / elapsedS : 0;
  const rateText = `${fmt(Math.round(rate), unit)}/s`;
  if (total === undefined || total <= 0) {
    return `${label} ${fmt(done, unit)} ${rateText} ${fmtSeconds(elapsedS)}`;
  }
  const frac = Math.min(1, done / total);
  const width = opts.width ?? 24;
  const filled = Math.round(frac * width);
  const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
  const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
  const pct = `${(frac * 100).toFixed(0).padStart(3)}%`;
  return `${label} ${bar} ${pct} ${fmt(done, unit)}/${fmt(total, unit)} ${rateText} eta ${fmtSeconds(frac >= 1 ? 0 : eta)}`;
}

export function createProgress(label: string, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const unit = opts.unit ?? "items";
  const tty = stream.isTTY === true && process.env.CI === undefined;
  const intervalMs = tty ? 100 : (opts.intervalS ?? 5) * 1000;
  const start = Date.now();
  let doneN = 0;
  let last = tty ? 0 : start;
  let finished = false;
  const line = (): string => {
    const o: { total?: number; unit: ProgressUnit } = { unit };
    if (opts.total !== undefined) o.total = opts.total;
    return renderProgress(label, doneN, (Date.now() - start) / 1000, o);
  };
  const draw = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - last < intervalMs) return;
    last = now;
    if (tty) stream.write(`\r\x1b[2K${line()}`);
    else stream.write(`${line()}\n`);
  };
  return {
    tick(n = 1) {
      doneN += n;
      draw(false);
    },
    update(d) {
      doneN = d;
      draw(false);
    },
    done() {
      if (finished) return;
      finished = true;
      draw(true);
      if (tty) stream.write("\n");
    },
  };
}
