// The CLI's side of opening a project that may hold tracked data only (add, checkout, status, gc, remote, push, pull, fetch):
// the session returns problems as data; here they become one UserError each, as in ./open.ts.
import { resolve } from "node:path";
import { findDataRoot, openDataProject, type DataProject, type DataProjectOptions } from "../index.js";
import { ExitCode, UserError } from "./io.js";
import { projectError } from "./open.js";

const noProject = (cwd: string): UserError =>
  new UserError(`no project in ${resolve(cwd)} or any folder above it (no pipeline.yaml, dvc.yaml, .pipe/, .dvc/ or .git/)`, ExitCode.usage);

export async function requireDataProject(cwd: string, opts: DataProjectOptions = {}): Promise<DataProject> {
  const opened = await openDataProject(cwd, opts);
  if (opened.ok) return opened.value;
  if (opened.error.kind === "no-project") throw noProject(cwd);
  throw projectError(opened.error);
}

/** The root of a project that may hold tracked data only (`pipe remote` in a data-only project). */
export function requireDataRoot(cwd: string): string {
  const root = findDataRoot(cwd);
  if (root === null) throw noProject(cwd);
  return root;
}
