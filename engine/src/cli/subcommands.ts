// Dispatch for commands with subcommands (`pipe metrics show`, `pipe exp run`): one place for the
// help and unknown-subcommand behaviour.
import { ExitCode, UserError, type CliIO } from "./io.js";

type Sub = (argv: readonly string[], io: CliIO) => Promise<number>;

export function dispatch(command: string, help: string, subs: Readonly<Record<string, Sub>>): (argv: readonly string[], io: CliIO) => Promise<number> {
  return async (argv, io) => {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === "-h" || sub === "--help") {
      io.stdout(help);
      return sub === undefined ? ExitCode.usage : ExitCode.ok;
    }
    const run = Object.hasOwn(subs, sub) ? subs[sub] : undefined;
    if (!run) {
      const names = Object.keys(subs);
      const expected = names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : (names[0] ?? "");
      throw new UserError(`${command}: unknown subcommand "${sub}" (expected ${expected})`);
    }
    return run(rest, io);
  };
}
