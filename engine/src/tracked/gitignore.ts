// The `.gitignore` entry that keeps tracked data out of git (pure text), as `dvc add` writes it:
// `/NAME` in the data's own folder, anchored so it ignores only that path.

/** `/name` with gitignore's glob characters and trailing spaces escaped (the leading `/` already keeps `#` and `!` literal). */
export function ignoreEntry(name: string): string {
  let escaped = name.replace(/[\\*?[]/g, "\\$&");
  if (escaped.endsWith(" ")) escaped = escaped.replace(/ +$/, (s) => s.replace(/ /g, "\\ "));
  return `/${escaped}`;
}

/** `text` (null: no .gitignore yet) with `entry` appended, or null when a line already says it. */
export function withIgnoreEntry(text: string | null, entry: string): string | null {
  const lines = (text ?? "").split(/\r?\n/);
  if (lines.some((l) => l.trim() === entry || l.trim() === `${entry}/`)) return null;
  const base = text ?? "";
  return `${base}${base === "" || base.endsWith("\n") ? "" : "\n"}${entry}\n`;
}
