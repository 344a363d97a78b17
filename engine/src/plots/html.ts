// The self-contained HTML report of `pipe plots show|diff`: inline CSS and SVG only, no scripts and
// no network, so the file opens anywhere (and diffs cleanly: output is deterministic).
import { escapeXml } from "./svg.js";

export interface ReportSection {
  /** The plot file (or its title). */
  readonly path: string;
  /** Rendered SVG, or the one-line error that stopped this plot. */
  readonly svg?: string;
  readonly error?: string;
}

export function renderReport(title: string, subtitle: string, sections: readonly ReportSection[]): string {
  const body = sections.map((s) =>
    [
      `<section>`,
      `<h2>${escapeXml(s.path)}</h2>`,
      s.svg ?? "",
      s.error === undefined ? "" : `<p class="error">${escapeXml(s.error)}</p>`,
      `</section>`,
    ]
      .filter((l) => l !== "")
      .join("\n"),
  );
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<title>${escapeXml(title)}</title>`,
    "<style>",
    "body{font-family:sans-serif;margin:2rem;color:#222;background:#fafafa}",
    "section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1rem;margin:0 0 1.5rem;display:inline-block;vertical-align:top}",
    "h1{font-size:1.4rem}h2{font-size:1rem;font-family:monospace;margin:0 0 .5rem}.error{color:#b00020}",
    "svg{max-width:100%;height:auto}",
    "</style>",
    "</head>",
    "<body>",
    `<h1>${escapeXml(title)}</h1>`,
    `<p>${escapeXml(subtitle)}</p>`,
    sections.length === 0 ? "<p>No plots are declared in the pipeline.</p>" : body.join("\n"),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
