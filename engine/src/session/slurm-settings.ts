// Which executor a repro uses and, for Slurm, each stage's resources: `--executor` first, else
// `[core] executor` of `.pipe/config.local` / `.pipe/config`, else local; resources from their
// `[resources ...]` sections (session/resources.ts). Read synchronously: two small files, read once.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { StageName } from "../config/types.js";
import { EXECUTOR_NAMES, type ExecutorName } from "../exec/index.js";
import type { SlurmResources } from "../exec/slurm/index.js";
import { parseIni, PIPE_CONFIG, PIPE_CONFIG_LOCAL, sectionsOf } from "../remote/config/index.js";
import { readStagedKeys, type StagedSettings } from "./slurm-staged-settings.js";
import { parseRule, resolveResources, resourcesPattern, type ResourceRule } from "./resources.js";

/** pipe's own config files, lower precedence first (DVC's files know no executor). */
const FILES = [PIPE_CONFIG, PIPE_CONFIG_LOCAL] as const;

export interface ExecutorSettings {
  readonly executor: ExecutorName;
  /** Where the choice came from: `--executor`, `.pipe/config:3`, or `default`. */
  readonly source: string;
  readonly rules: readonly ResourceRule[];
  readonly resourcesFor: (stage: StageName) => SlurmResources;
  /** `slurm_shared_fs`, `slurm_remote`, `slurm_pipe` of `[core]` (session/slurm-staged-settings.ts). */
  readonly staged: StagedSettings;
}

/** The settings, or a one-line error naming the file, line, section and value. */
export function loadExecutorSettings(root: string, cli?: ExecutorName): { ok: true; value: ExecutorSettings } | { ok: false; error: string } {
  let executor: ExecutorName = "local";
  let source = "default";
  const rules: ResourceRule[] = [];
  const staged: StagedSettings = { sharedFs: true };
  for (const file of FILES) {
    let text: string;
    try {
      text = readFileSync(join(root, file), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw e;
    }
    const doc = parseIni(file, text);
    if (!doc.ok) {
      const l = doc.error.location;
      return { ok: false, error: `${l === undefined ? file : `${l.file}:${l.line}`}: ${doc.error.message}` };
    }
    for (const section of sectionsOf(doc.value).values()) {
      const chosen = section.name === "core" ? section.entries.get("executor") : undefined;
      if (chosen !== undefined) {
        const v = chosen.value.trim().toLowerCase();
        if (!(EXECUTOR_NAMES as readonly string[]).includes(v)) {
          return { ok: false, error: `${file}:${chosen.line}: [core] executor must be one of ${EXECUTOR_NAMES.join(", ")}, got '${chosen.value}'` };
        }
        executor = v as ExecutorName;
        source = `${file}:${chosen.line}`;
      }
      const bad = readStagedKeys(file, section, staged);
      if (bad !== null) return { ok: false, error: bad };
      const pattern = resourcesPattern(section.name);
      if (pattern === null) continue;
      const parsed = parseRule(file, section, pattern);
      if ("error" in parsed) return { ok: false, error: parsed.error };
      rules.push(parsed.rule);
    }
  }
  if (cli !== undefined) {
    executor = cli;
    source = "--executor";
  }
  return { ok: true, value: { executor, source, rules, resourcesFor: (stage) => resolveResources(rules, stage), staged } };
}
