// Per-stage Slurm resources from `.pipe/config` sections `['resources "PATTERN"']` (a stage name or a
// glob; `[resources]` or `"*"`: the defaults), checked into rules, and the pure resolver from a stage
// name to its resources: defaults, then globs in file order, then the stage's own section, a later
// key replacing an earlier one. pipeline.yaml is untouched, so it stays valid for DVC.
import type { IniSection } from "../remote/config/index.js";
import type { SlurmResources } from "../exec/slurm/index.js";

export interface ResourceRule {
  /** Lower-cased, as the INI reader gives section names (stage names match case-insensitively). */
  readonly pattern: string;
  readonly resources: SlurmResources;
  /** Where it is written, for messages: `.pipe/config:12`. */
  readonly where: string;
}

const KEYS = ["cpus", "mem", "gpus", "time", "partition", "account", "qos", "sbatch"] as const;
type Key = (typeof KEYS)[number];

const CHECKS: Readonly<Record<Exclude<Key, "cpus" | "sbatch">, { re: RegExp; what: string }>> = {
  mem: { re: /^\d+[KMGT]?$/i, what: "a size such as 4G, 500M or 2048 (megabytes)" },
  gpus: { re: /^(?:[A-Za-z0-9_-]+:)?\d+$/, what: "a count such as 2, or TYPE:COUNT such as a100:2" },
  time: {
    re: /^(?:\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}|\d+-\d{1,2}:\d{1,2}|\d+-\d{1,2}:\d{1,2}:\d{1,2})$/,
    what: "minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS",
  },
  partition: { re: /^[A-Za-z0-9_.,-]+$/, what: "a partition name" },
  account: { re: /^[A-Za-z0-9_.-]+$/, what: "an account name" },
  qos: { re: /^[A-Za-z0-9_.-]+$/, what: "a QOS name" },
};

/** The pattern a section is for: `resources "train"` → train, `resources` → *; null for other sections. */
export function resourcesPattern(section: string): string | null {
  if (section.trim() === "resources") return "*";
  const m = /^\s*resources\s*"(.*)"\s*$/.exec(section);
  return m === null ? null : (m[1] as string);
}

/** Splits free-form sbatch arguments as a shell splits words (quotes kept together, no expansion); null: an unclosed quote. */
export function splitArgs(text: string): string[] | null {
  const out: string[] = [];
  const piece = /"([^"]*)"|'([^']*)'|([^\s"']+)/y;
  let word: string | null = null;
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i] as string)) {
      if (word !== null) out.push(word);
      word = null;
      i++;
      continue;
    }
    piece.lastIndex = i;
    const got = piece.exec(text);
    if (got === null) return null;
    word = (word ?? "") + (got[1] ?? got[2] ?? got[3] ?? "");
    i = piece.lastIndex;
  }
  if (word !== null) out.push(word);
  return out;
}

/** One section's settings checked; the error names the file, line, section, key and value. */
export function parseRule(file: string, section: IniSection, pattern: string): { rule: ResourceRule } | { error: string } {
  const r: { -readonly [K in keyof SlurmResources]: SlurmResources[K] } = {};
  const label = `[resources "${pattern}"]`;
  for (const [key, { value, line }] of section.entries) {
    const v = value.trim();
    const bad = (what: string): { error: string } => ({ error: `${file}:${line}: ${label} ${key} must be ${what}, got '${value}'` });
    if (!(KEYS as readonly string[]).includes(key)) return { error: `${file}:${line}: ${label} has no setting '${key}' (known: ${KEYS.join(", ")})` };
    if (key === "cpus") {
      if (!/^\d+$/.test(v) || Number(v) < 1) return bad("a positive integer");
      r.cpus = Number(v);
    } else if (key === "sbatch") {
      const args = splitArgs(v);
      if (args === null) return bad("sbatch arguments with closed quotes");
      if (args.some((a) => !a.startsWith("-"))) return bad("sbatch options (each word starting with -, values joined with =)");
      r.sbatch = args;
    } else {
      const check = CHECKS[key as keyof typeof CHECKS];
      if (!check.re.test(v)) return bad(check.what);
      r[key as keyof typeof CHECKS] = v;
    }
  }
  return { rule: { pattern, resources: r, where: `${file}:${section.line}` } };
}

const isGlob = (p: string): boolean => /[*?[]/.test(p);

/** `train-*`, `eval?`, `[ab]*` as a whole-name regex; `*` crosses `/` and `:` (stage addresses). */
function globRegex(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 1);
      if (close < 0) re += "\\[";
      else {
        re += `[${glob
          .slice(i + 1, close)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "i");
}

/** Pure: the resources of `stage`: every matching rule, least specific first, later keys winning. */
export function resolveResources(rules: readonly ResourceRule[], stage: string): SlurmResources {
  const rank = (p: string): number => (p === "*" ? 0 : isGlob(p) ? 1 : 2);
  const matching = rules.filter((r) => (isGlob(r.pattern) ? globRegex(r.pattern).test(stage) : r.pattern === stage.toLowerCase()));
  const ordered = matching.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r.pattern) - rank(b.r.pattern) || a.i - b.i);
  return Object.assign({}, ...ordered.map(({ r }) => r.resources)) as SlurmResources;
}
