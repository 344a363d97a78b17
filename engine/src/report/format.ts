// Small pure formatters shared by the reporters.

/** `0.4s`, `3.2s`, `4m12s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export function summaryLine(counts: Readonly<Record<string, number>>, durationMs: number, interrupted: boolean): string {
  const parts = [`${counts.ran ?? 0} ran`, `${counts.restored ?? 0} restored`, `${counts.fresh ?? 0} fresh`];
  if ((counts.frozen ?? 0) > 0) parts.push(`${counts.frozen} frozen`);
  parts.push(`${counts.failed ?? 0} failed`);
  if ((counts.skipped ?? 0) > 0) parts.push(`${counts.skipped} skipped`);
  return `${interrupted ? "interrupted: " : ""}${parts.join(", ")} in ${formatDuration(durationMs)}`;
}
