// `pipe add`: being built (issue 15); this placeholder keeps the command table whole until it lands.
import { UserError, type Command } from "../io.js";

export const add: Command = async () => {
  throw new UserError("pipe add: not built yet");
};
