#!/usr/bin/env bash
# pipe's Slurm benchmark: the same fan-out workflow with `pipe repro --executor slurm` and with
# `snakemake --slurm` on the one-node cluster of scripts/slurm-cluster.sh (see bench/README.md).
#   bench/slurm/run.sh [--reps 3] [--fan 16] [--noop-runs 3] [--tools pipe,snakemake] [--no-build] [--keep] ...
# Starts the cluster when it does not answer (as root), and stops it at the end only then.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=1
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=0; else args+=("$a"); fi
done

for tool in sbatch squeue scontrol sinfo snakemake; do
  command -v "$tool" >/dev/null || { echo "[bench] $tool is missing: run scripts/test-services.sh as root (snakemake: apt-get install snakemake)" >&2; exit 2; }
done

# Stopped at the end only when this script started it, it is still the same slurmctld (nobody
# restarted it meanwhile), and no test file has registered as using it (engine/test/services/slurm.ts).
state=${PIPE_SLURM_DIR:-/var/lib/pipe-slurm}
controller() { cat "$state/slurmctld.pid" 2>/dev/null || true; }
started=""
if ! bash scripts/slurm-cluster.sh status >/dev/null 2>&1; then
  bash scripts/slurm-cluster.sh start
  started=$(controller)
fi
stop() {
  [ -n "$started" ] || return 0
  if [ "$(controller)" != "$started" ]; then
    echo "[bench] slurmctld was restarted by someone else during the run: leaving the cluster up" >&2
  elif [ -n "$(ls -A "$state/test-users" 2>/dev/null)" ]; then
    echo "[bench] test files are using the cluster: leaving it up" >&2
  else
    bash scripts/slurm-cluster.sh stop
  fi
}
trap stop EXIT

if ((build)); then
  echo "[bench] npm run build" >&2
  npm run --silent build >&2 || { echo "[bench] build failed" >&2; exit 2; }
fi

npx tsx bench/slurm/run.ts "${args[@]}"
