// A small deterministic SVG renderer for PlotSpec: axes with nice ticks, lines/points/bars per
// series with a legend, and heat-map grids for confusion matrices. Pure: spec in, markup out.
import type { Matrix, PlotSpec, Series } from "./spec.js";

const W = 640;
const H = 400;
const M = { left: 64, right: 16, top: 56, bottom: 52 };
export const PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#eeca3b", "#9d755d", "#ff9da6", "#bab0ac"];

export function escapeXml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** Fixed-precision coordinates keep the output byte-stable. */
const f = (n: number): string => (Math.round(n * 100) / 100).toString();

export function renderSvg(spec: PlotSpec): string {
  return spec.kind === "xy" ? xySvg(spec) : confusionSvg(spec);
}

/** Ticks at 1, 2 or 5 × 10^k covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0];
  if (lo === hi) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag);
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

const label = (n: number): string => String(Number(n.toPrecision(6)));

function xySvg(spec: Extract<PlotSpec, { kind: "xy" }>): string {
  const pts = spec.series.flatMap((s) => s.points);
  const numericX = spec.template !== "bar" && pts.every((p) => typeof p.x === "number");
  const ys = pts.map((p) => p.y);
  let yLo = ys.length > 0 ? Math.min(...ys) : 0;
  let yHi = ys.length > 0 ? Math.max(...ys) : 1;
  if (spec.template === "bar") yLo = Math.min(0, yLo);
  if (yLo === yHi) [yLo, yHi] = [yLo - 1, yHi + 1];
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sy = (y: number): number => M.top + ph - ((y - yLo) / (yHi - yLo)) * ph;
  const out: string[] = [];
  out.push(header(spec.title));
  // y axis
  for (const t of niceTicks(yLo, yHi)) {
    out.push(`<line x1="${M.left}" y1="${f(sy(t))}" x2="${W - M.right}" y2="${f(sy(t))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.left - 6}" y="${f(sy(t) + 4)}" text-anchor="end" font-size="11">${label(t)}</text>`);
  }
  let sx: (x: number | string, seriesIndex?: number) => number;
  if (numericX) {
    const xs = pts.map((p) => p.x as number);
    let xLo = xs.length > 0 ? Math.min(...xs) : 0;
    let xHi = xs.length > 0 ? Math.max(...xs) : 1;
    if (xLo === xHi) [xLo, xHi] = [xLo - 1, xHi + 1];
    sx = (x) => M.left + (((x as number) - xLo) / (xHi - xLo)) * pw;
    for (const t of niceTicks(xLo, xHi)) {
      out.push(`<line x1="${f(sx(t))}" y1="${M.top + ph}" x2="${f(sx(t))}" y2="${M.top + ph + 4}" stroke="#333"/>`);
      out.push(`<text x="${f(sx(t))}" y="${M.top + ph + 17}" text-anchor="middle" font-size="11">${label(t)}</text>`);
    }
  } else {
    const cats = [...new Set(pts.map((p) => String(p.x)))];
    const band = pw / Math.max(1, cats.length);
    const n = Math.max(1, spec.series.length);
    sx = (x, si) => {
      const c = M.left + band * cats.indexOf(String(x));
      return si === undefined ? c + band / 2 : c + band * 0.1 + ((band * 0.8) / n) * si;
    };
    cats.forEach((c, i) => out.push(`<text x="${f(M.left + band * (i + 0.5))}" y="${M.top + ph + 17}" text-anchor="middle" font-size="11">${escapeXml(c)}</text>`));
  }
  out.push(`<line x1="${M.left}" y1="${M.top + ph}" x2="${W - M.right}" y2="${M.top + ph}" stroke="#333"/>`);
  out.push(`<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + ph}" stroke="#333"/>`);
  spec.series.forEach((s, i) => out.push(drawSeries(spec.template, s, i, spec.series.length, sx, sy, pw)));
  out.push(axisLabels(spec.xLabel, spec.yLabel));
  out.push(legend(spec.series.map((s) => s.label)));
  out.push("</svg>");
  return out.join("\n");
}

function drawSeries(
  template: "linear" | "scatter" | "bar",
  s: Series,
  i: number,
  n: number,
  sx: (x: number | string, seriesIndex?: number) => number,
  sy: (y: number) => number,
  pw: number,
): string {
  const color = PALETTE[i % PALETTE.length] ?? "#333";
  const title = `<title>${escapeXml(s.label)}</title>`;
  if (template === "linear") {
    const d = s.points.map((p) => `${f(sx(p.x))},${f(sy(p.y))}`).join(" ");
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${d}">${title}</polyline>`;
  }
  if (template === "scatter") {
    return `<g fill="${color}">${title}${s.points.map((p) => `<circle cx="${f(sx(p.x))}" cy="${f(sy(p.y))}" r="3"/>`).join("")}</g>`;
  }
  const cats = new Set(s.points.map((p) => String(p.x))).size || 1;
  const width = ((pw / Math.max(1, cats)) * 0.8) / n;
  const base = sy(0);
  return `<g fill="${color}">${title}${s.points
    .map((p) => `<rect x="${f(sx(p.x, i))}" y="${f(Math.min(base, sy(p.y)))}" width="${f(width)}" height="${f(Math.abs(base - sy(p.y)))}"/>`)
    .join("")}</g>`;
}

function confusionSvg(spec: Extract<PlotSpec, { kind: "confusion" }>): string {
  const cell = 36;
  const gap = 48;
  const widths = spec.matrices.map((m) => m.xClasses.length * cell);
  const heights = spec.matrices.map((m) => m.yClasses.length * cell);
  const width = M.left + widths.reduce((a, b) => a + b + gap, 0) + M.right;
  const height = M.top + 20 + Math.max(0, ...heights) + M.bottom;
  const out = [header(spec.title, width, height)];
  let left = M.left + 20;
  for (const m of spec.matrices) {
    out.push(matrixSvg(m, left, M.top + 20, cell, spec.normalized));
    left += m.xClasses.length * cell + gap;
  }
  out.push(`<text x="${f(width / 2)}" y="${height - 10}" text-anchor="middle" font-size="12">${escapeXml(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${f(height / 2)}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(spec.yLabel)}</text>`);
  out.push("</svg>");
  return out.join("\n");
}

function matrixSvg(m: Matrix, x0: number, y0: number, cell: number, normalized: boolean): string {
  const max = Math.max(0, ...m.counts.flat());
  const out = [`<g>`, `<text x="${f(x0 + (m.xClasses.length * cell) / 2)}" y="${y0 - 8}" text-anchor="middle" font-size="12" font-weight="bold">${escapeXml(m.label)}</text>`];
  m.yClasses.forEach((yc, yi) => {
    out.push(`<text x="${x0 - 4}" y="${f(y0 + yi * cell + cell / 2 + 4)}" text-anchor="end" font-size="11">${escapeXml(yc)}</text>`);
    m.xClasses.forEach((_, xi) => {
      const v = m.counts[yi]?.[xi] ?? 0;
      const t = max > 0 ? v / max : 0;
      const fill = `rgb(${Math.round(255 - t * 179)},${Math.round(255 - t * 135)},${Math.round(255 - t * 87)})`;
      const text = normalized ? v.toFixed(2) : String(v);
      out.push(
        `<rect x="${x0 + xi * cell}" y="${y0 + yi * cell}" width="${cell}" height="${cell}" fill="${fill}" stroke="#fff"/>`,
        `<text x="${x0 + xi * cell + cell / 2}" y="${y0 + yi * cell + cell / 2 + 4}" text-anchor="middle" font-size="10" fill="${t > 0.6 ? "#fff" : "#222"}">${text}</text>`,
      );
    });
  });
  m.xClasses.forEach((xc, xi) =>
    out.push(`<text x="${x0 + xi * cell + cell / 2}" y="${y0 + m.yClasses.length * cell + 14}" text-anchor="middle" font-size="11">${escapeXml(xc)}</text>`),
  );
  out.push("</g>");
  return out.join("\n");
}

function header(title: string, width = W, height = H): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" role="img">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${f(width / 2)}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ].join("\n");
}

function axisLabels(x: string, y: string): string {
  return [
    `<text x="${f(M.left + (W - M.left - M.right) / 2)}" y="${H - 10}" text-anchor="middle" font-size="12">${escapeXml(x)}</text>`,
    `<text transform="translate(16 ${f(M.top + (H - M.top - M.bottom) / 2)}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(y)}</text>`,
  ].join("\n");
}

function legend(labels: readonly string[]): string {
  let x = M.left;
  const items = labels.map((l, i) => {
    const item = `<rect x="${f(x)}" y="32" width="10" height="10" fill="${PALETTE[i % PALETTE.length] ?? "#333"}"/><text x="${f(x + 14)}" y="41" font-size="11">${escapeXml(l)}</text>`;
    x += 24 + l.length * 6.5;
    return item;
  });
  return `<g>${items.join("")}</g>`;
}
