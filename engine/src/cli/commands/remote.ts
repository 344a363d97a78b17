// `pipe remote add|list|remove|default|modify`: parse options, plan the edit with remote/config (pure),
// write `.pipe/config` / `.pipe/config.local`, say what changed on stderr. Results go to stdout.
import { formatDiagnostic } from "../../diagnostics/index.js";
import {
  PIPE_CONFIG,
  PIPE_CONFIG_LOCAL,
  URL_FORMS,
  addRemote,
  loadRemoteFiles,
  modifyRemote,
  redactOptions,
  redactUrl,
  removeRemote,
  setDefault,
  writeConfigFiles,
  type EditPlan,
  type ParsedConfigs,
  type RemoteConfig,
} from "../../remote/config/index.js";
import type { Result } from "../../diagnostics/index.js";
import { parseCommand } from "../compare-options.js";
import { ExitCode, UserError, type CliIO, type Command } from "../io.js";
import { requireDataRoot } from "../data-project.js";
import { dispatch } from "../subcommands.js";

const HELP = `usage: pipe remote add [-d|--default] [--local] [-f|--force] NAME URL
       pipe remote list [--json]
       pipe remote remove NAME
       pipe remote default [NAME] [--unset] [--local]
       pipe remote modify [--local] NAME KEY VALUE
       pipe remote modify [--local] NAME --unset KEY

add      add a remote (-d: make it the default; -f: replace one of that name)
list     each remote: name, URL, the file that defines it, (default); never a secret
remove   remove a remote (and the default, if it was that one)
default  print the default remote, set it, or --unset it
modify   set or --unset one setting (endpointurl, region, profile, keyfile, user, port, jobs, ...)

URL: ${URL_FORMS}. A relative directory is stored as written and
resolved against the project root when used.
Settings are written to .pipe/config (commit it); --local writes .pipe/config.local (git-ignored).
Secrets (password, secret_access_key, access_key_id, session_token, passphrase, ...) always go to
.pipe/config.local. Remotes in .dvc/config and .dvc/config.local are read too (never written).
`;

const help = { help: { type: "boolean", short: "h", default: false } } as const;
const local = { local: { type: "boolean", default: false } } as const;

export const remote: Command = dispatch("pipe remote", HELP, { add, list, remove, default: defaultCmd, modify });

async function add(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = "pipe remote add";
  const { values, positionals } = parseCommand(cmd, argv, {
    ...help,
    ...local,
    default: { type: "boolean", short: "d", default: false },
    force: { type: "boolean", short: "f", default: false },
  });
  if (values.help) return usage(io);
  const [name, url] = expect(cmd, positionals, ["NAME", "URL"]);
  return apply(
    cmd,
    io,
    (p, c) => addRemote(p, c, { name, url, makeDefault: values.default, force: values.force, local: values.local }),
    (c) => {
      const added = c.remotes.find((r) => r.name === name.toLowerCase());
      return `added remote "${added?.name ?? name}" (${redactUrl(url)}) to ${values.local ? PIPE_CONFIG_LOCAL : PIPE_CONFIG}${values.default ? ", as the default" : ""}`;
    },
  );
}

async function list(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand("pipe remote list", argv, { ...help, json: { type: "boolean", default: false } });
  if (values.help) return usage(io);
  expect("pipe remote list", positionals, []);
  const { config } = await load(io);
  if (values.json) {
    const remotes = config.remotes.map((r) => ({
      name: r.name,
      url: redactUrl(r.url),
      default: r.name === config.default,
      definedIn: r.definedIn,
      files: r.files,
      options: redactOptions(r.options),
    }));
    io.stdout(`${JSON.stringify({ default: config.default, remotes }, null, 2)}\n`);
    return ExitCode.ok;
  }
  if (config.remotes.length === 0) {
    io.stderr("no remotes: add one with `pipe remote add -d NAME URL`\n");
    return ExitCode.ok;
  }
  const rows = config.remotes.map((r) => [r.name, redactUrl(r.url), r.definedIn, r.name === config.default ? "(default)" : ""]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  for (const row of rows)
    io.stdout(
      `${row
        .map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell))
        .join("  ")
        .trimEnd()}\n`,
    );
  return ExitCode.ok;
}

async function remove(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = "pipe remote remove";
  const { values, positionals } = parseCommand(cmd, argv, help);
  if (values.help) return usage(io);
  const [name] = expect(cmd, positionals, ["NAME"]);
  return apply(
    cmd,
    io,
    (p, c) => removeRemote(p, c, name),
    () => `removed remote "${name.toLowerCase()}"`,
  );
}

async function defaultCmd(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = "pipe remote default";
  const { values, positionals } = parseCommand(cmd, argv, { ...help, ...local, unset: { type: "boolean", default: false } });
  if (values.help) return usage(io);
  if (values.unset) {
    expect(cmd, positionals, []);
    return apply(
      cmd,
      io,
      (p, c) => setDefault(p, c, null, { local: values.local }),
      () => "no default remote now",
    );
  }
  if (positionals.length === 0) {
    const { config } = await load(io);
    if (config.default === null) {
      io.stderr("no default remote: set one with `pipe remote default NAME`\n");
      return ExitCode.stageFailed;
    }
    io.stdout(`${config.default}\n`);
    return ExitCode.ok;
  }
  const [name] = expect(cmd, positionals, ["NAME"]);
  return apply(
    cmd,
    io,
    (p, c) => setDefault(p, c, name, { local: values.local }),
    () => `default remote: "${name.toLowerCase()}"`,
  );
}

async function modify(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = "pipe remote modify";
  const { values, positionals } = parseCommand(cmd, argv, { ...help, ...local, unset: { type: "string" } });
  if (values.help) return usage(io);
  if (values.unset !== undefined) {
    const [name] = expect(cmd, positionals, ["NAME"]);
    const key = values.unset;
    return apply(
      cmd,
      io,
      (p, c) => modifyRemote(p, c, name, key, null, { local: values.local }),
      () => `unset ${key.toLowerCase()} of "${name.toLowerCase()}"`,
    );
  }
  const [name, key, value] = expect(cmd, positionals, ["NAME", "KEY", "VALUE"]);
  return apply(
    cmd,
    io,
    (p, c) => modifyRemote(p, c, name, key, value, { local: values.local }),
    () => `set ${key.toLowerCase()} of "${name.toLowerCase()}"`,
  );
}

/** Loads the settings, plans the edit, writes it, prints the notes and one summary line. */
async function apply(
  cmd: string,
  io: CliIO,
  plan: (parsed: ParsedConfigs, config: RemoteConfig) => Result<EditPlan, string>,
  done: (config: RemoteConfig) => string,
): Promise<number> {
  const { parsed, config } = await load(io);
  const planned = plan(parsed, config);
  if (!planned.ok) throw new UserError(`${cmd}: ${planned.error}`, ExitCode.usage);
  await writeConfigFiles(config.root, planned.value.writes);
  for (const note of planned.value.notes) io.stderr(`${note}\n`);
  io.stderr(`${done(config)}\n`);
  return ExitCode.ok;
}

async function load(io: CliIO): Promise<{ parsed: ParsedConfigs; config: RemoteConfig }> {
  const root = requireDataRoot(io.cwd);
  const loaded = await loadRemoteFiles(root);
  if (!loaded.ok) throw new UserError(formatDiagnostic(loaded.error, new Map()), ExitCode.badPipeline);
  for (const w of loaded.value.config.warnings) io.stderr(`${formatDiagnostic(w, new Map())}\n`);
  return loaded.value;
}

/** Exactly the positionals named, or a usage error naming what is missing or extra. */
function expect<const N extends readonly string[]>(cmd: string, positionals: readonly string[], names: N): { -readonly [K in keyof N]: string } {
  if (positionals.length < names.length) throw new UserError(`${cmd}: missing ${names.slice(positionals.length).join(" ")} (see pipe remote --help)`);
  // The extra argument is not echoed: it may be a secret typed in the wrong place.
  if (positionals.length > names.length)
    throw new UserError(`${cmd}: ${positionals.length} arguments given, expected ${names.length === 0 ? "none" : names.join(" ")}`);
  return [...positionals] as { -readonly [K in keyof N]: string };
}

function usage(io: CliIO): number {
  io.stdout(HELP);
  return ExitCode.ok;
}
