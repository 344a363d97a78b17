// Output of experiments run side by side, told apart: every complete line written through a
// prefixer starts with its prefix (`[exp-name] `); a partial line waits for its end or a flush.

export interface LinePrefixer {
  readonly write: (text: string) => void;
  /** Writes a pending partial line (with a newline added). */
  readonly flush: () => void;
}

export function linePrefixer(prefix: string, out: (text: string) => void): LinePrefixer {
  let pending = "";
  return {
    write(text) {
      const lines = (pending + text).split("\n");
      pending = lines.pop() ?? "";
      if (lines.length > 0) out(lines.map((l) => `${prefix}${l}\n`).join(""));
    },
    flush() {
      if (pending === "") return;
      out(`${prefix}${pending}\n`);
      pending = "";
    },
  };
}
