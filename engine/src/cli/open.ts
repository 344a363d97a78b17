// The CLI's side of opening a project and its stores: the session API returns problems as data;
// here they become one UserError each (diagnostics printed with their source lines, exit 2).
import { resolve } from "node:path";
import { formatDiagnostics } from "../diagnostics/index.js";
import { findRoot, openProject, openProjectAt, openStores, type Project, type ProjectError, type Stores, type StoresError } from "../index.js";
import { ExitCode, UserError } from "./io.js";

export function projectError(e: ProjectError): UserError {
  switch (e.kind) {
    case "no-project":
      return new UserError(`no pipeline.yaml (or dvc.yaml) in ${resolve(e.cwd)} or any folder above it`, ExitCode.usage);
    case "invalid":
      return new UserError(formatDiagnostics(e.diagnostics, e.sources).trimEnd(), ExitCode.badPipeline);
    default: {
      const never: never = e;
      throw new Error(`unknown project error ${JSON.stringify(never)}`);
    }
  }
}

export function storesError(e: StoresError): UserError {
  return new UserError(formatDiagnostics([e.diagnostic], e.sources).trimEnd(), ExitCode.badPipeline);
}

export function requireRoot(cwd: string): string {
  const root = findRoot(cwd);
  if (root === null) throw projectError({ kind: "no-project", cwd });
  return root;
}

/** The project at or above `cwd`; with `root` (already found), the project there. */
export async function requireProject(cwd: string, root?: string | null): Promise<Project> {
  const opened = root === undefined || root === null ? await openProject(cwd) : await openProjectAt(root);
  if (!opened.ok) throw projectError(opened.error);
  return opened.value;
}

/** The stores of a project already opened (its collected pipelines reused), or of a root (the tree walked). */
export async function requireStores(at: Project | string, onWarning?: (message: string) => void): Promise<Stores> {
  const root = typeof at === "string" ? at : at.root;
  const opened = await openStores(root, {
    ...(typeof at === "string" ? {} : { pipelines: at.pipelines }),
    ...(onWarning === undefined ? {} : { onWarning }),
  });
  if (!opened.ok) throw storesError(opened.error);
  return opened.value;
}
