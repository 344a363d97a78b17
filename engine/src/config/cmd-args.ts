// A mapping interpolated inside a `cmd` string becomes command-line arguments, as DVC writes it
// with its default `parsing` settings (`bool: store_true`, `list: nargs`): `--key value` per leaf.

/** How one scalar prints in a command (the same as anywhere else in an interpolated string). */
export type ScalarPrinter = (v: unknown) => string;

export type ArgsResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string };

/**
 * `{lr: 0.1, opt: {name: adam}, fast: true, slow: false, layers: [1, 2]}` →
 * `--lr 0.1 --opt.name adam --fast --layers 1 2`. Nested keys are dot-joined and empty nested
 * mappings vanish (DVC flattens with `flatten_dict`); `true` is a bare flag and `false` is left
 * out; a list is one flag followed by its items; strings are shell-quoted when they need it. A
 * list holding a list or a mapping cannot be written and is an error, as in DVC.
 */
export function mappingToArgs(m: Readonly<Record<string, unknown>>, scalar: ScalarPrinter): ArgsResult {
  const parts: string[] = [];
  for (const [key, v] of flatten(m, "")) {
    if (typeof v === "boolean") {
      if (v) parts.push(`--${key}`);
    } else if (typeof v === "string") {
      parts.push(`--${key}`, shellQuote(v));
    } else if (Array.isArray(v)) {
      const items: readonly unknown[] = v;
      for (const [i, item] of items.entries()) {
        if (item !== null && typeof item === "object") return { ok: false, message: `cannot interpolate the nested list or mapping in '${key}'` };
        if (i === 0) parts.push(`--${key}`);
        parts.push(typeof item === "string" ? shellQuote(item) : scalar(item));
      }
    } else parts.push(`--${key}`, scalar(v));
  }
  return { ok: true, text: parts.join(" ") };
}

/** Leaves of nested mappings with dot-joined keys, in order; lists are leaves. */
function flatten(m: Readonly<Record<string, unknown>>, prefix: string): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(m)) {
    const key = prefix === "" ? k : `${prefix}.${k}`;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) out.push(...flatten(v as Record<string, unknown>, key));
    else out.push([key, v]);
  }
  return out;
}

const SHELL_SAFE = /^[\w@%+=:,./-]+$/;

/** POSIX shell quoting as Python's `shlex.quote` does it (what DVC uses on POSIX). */
export function shellQuote(s: string): string {
  if (s === "") return "''";
  if (SHELL_SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}
