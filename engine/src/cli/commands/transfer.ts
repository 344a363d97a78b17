// `pipe push`, `pipe pull`, `pipe fetch`: being built (issue 15); placeholders keep the command table whole.
import { UserError, type Command } from "../io.js";

const notYet =
  (name: string): Command =>
  async () => {
    throw new UserError(`pipe ${name}: not built yet`);
  };

export const push = notYet("push");
export const pull = notYet("pull");
export const fetch = notYet("fetch");
