// The project as a request sees it: opened afresh for each request (the pipeline memo makes that
// cheap), so an edit of pipeline.yaml shows on the next reload; an invalid pipeline is a 409 line.
import { openProjectAt, openStores, type Project, type Stores } from "../../session/index.js";
import { formatDiagnostic, type Diagnostic } from "../../diagnostics/index.js";
import { HttpError } from "./http-error.js";

export async function requireProject(root: string): Promise<Project> {
  const opened = await openProjectAt(root);
  if (opened.ok) return opened.value;
  if (opened.error.kind === "no-project") throw new HttpError(409, `no pipeline.yaml or dvc.yaml in ${root}`);
  const first = opened.error.diagnostics.find((d) => d.severity === "error") ?? opened.error.diagnostics[0];
  throw new HttpError(409, first === undefined ? "the pipeline does not load" : `the pipeline does not load: ${formatDiagnosticLine(first)}`);
}

export async function requireStores(project: Project): Promise<Stores> {
  const opened = await openStores(project.root, { pipelines: project.pipelines });
  if (opened.ok) return opened.value;
  throw new HttpError(409, `pipeline.lock does not load: ${formatDiagnosticLine(opened.error.diagnostic)}`);
}

/** A diagnostic as one line (`pipeline.yaml:12:7 error code: message`), without its source snippet. */
function formatDiagnosticLine(d: Diagnostic): string {
  return (formatDiagnostic(d, new Map()).split("\n")[0] ?? "").trim();
}
