// `pipe job-run <spec>`: what a Slurm job runs on a node without the shared file system (written into
// the job script by session/slurm-staged.ts; not for people). The work is session/slurm-staged-job.ts.
import { execaSpawner } from "../../exec/index.js";
import { openBackend } from "../../remote/backends/open.js";
import { parseSpec } from "../../session/slurm-staged-spec.js";
import { runJob, scratchFolder } from "../../session/slurm-staged-job.js";
import { ExitCode, UserError, type Command } from "../io.js";
import { catchInterrupts } from "../interrupts.js";

export const jobRun: Command = async (argv, io) => {
  if (argv.length !== 1 || argv[0] === "--help" || argv[0] === "-h") {
    io.stdout(
      "usage: pipe job-run SPEC\n\nRun one stage inside a Slurm job whose node lacks the shared file system (pipe repro writes this call; SPEC is JSON).\n",
    );
    return argv.length === 1 ? ExitCode.ok : ExitCode.usage;
  }
  const spec = parseSpec(argv[0] as string);
  if (!spec.ok) throw new UserError(`pipe job-run: ${spec.error}`);
  const interrupts = catchInterrupts(io, "interrupt: stopping the stage's commands");
  try {
    const result = await runJob(spec.value, {
      openRemote: (settings, root) => openBackend(settings, { root, env: io.env }),
      spawn: execaSpawner,
      scratch: scratchFolder(io.env, process.pid),
      env: io.env,
      print: io.stdout,
      jobs: 8,
      signal: interrupts.signal,
    });
    if (interrupts.signal.aborted) return ExitCode.interrupted;
    return result.ok ? ExitCode.ok : ExitCode.stageFailed;
  } finally {
    interrupts.dispose();
  }
};
