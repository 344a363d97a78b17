// Reads the stage's params group from params.yaml (the project root's, or $PIPE_ROOT's).
// A stage reads only the keys it declares in pipeline.yaml; this helper just finds the file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export function projectRoot(): string {
  return process.env.PIPE_ROOT ?? process.cwd();
}

/** The whole params.yaml as a plain object. */
export function readParams(file = "params.yaml"): Record<string, unknown> {
  const text = readFileSync(join(projectRoot(), file), "utf8");
  const doc: unknown = parse(text);
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new Error(`${file}: expected a mapping at the top level`);
  }
  return doc as Record<string, unknown>;
}

/** One group (`split`, `train`, ...) of params.yaml, typed by the caller. */
export function readParamGroup<T>(group: string, file = "params.yaml"): T {
  const all = readParams(file);
  const value = all[group];
  if (value === undefined || value === null || typeof value !== "object") {
    throw new Error(`${file}: missing params group '${group}'`);
  }
  return value as T;
}
