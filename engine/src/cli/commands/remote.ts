// `pipe remote`: being built (issue 15); this placeholder keeps the command table whole until it lands.
import { UserError, type Command } from "../io.js";

export const remote: Command = async () => {
  throw new UserError("pipe remote: not built yet");
};
