#!/usr/bin/env bash
# What the tests need from Debian, installed when missing:
#   openssh-server, openssh-client  sshd and ssh-keygen (the SSH remote tests start sshd on 127.0.0.1)
#   rsync                           the remote benchmark's peer
#   slurmctld, slurmd, slurm-client, munge
#                                   a one-node Slurm cluster on localhost (scripts/slurm-cluster.sh)
#   chromium                        the browser tests of `pipe ui` (driven by playwright-core)
# Idempotent and quiet when all is there; installs only as root (CI runs as root on a clean machine).
set -euo pipefail

missing=()
command -v /usr/sbin/sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
[ -x /usr/sbin/slurmctld ] || missing+=(slurmctld)
[ -x /usr/sbin/slurmd ] || missing+=(slurmd)
command -v sbatch >/dev/null 2>&1 || missing+=(slurm-client)
[ -x /usr/sbin/munged ] || missing+=(munge)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "test-services: missing ${missing[*]}; run this script as root (or apt-get install them) for the SSH, Slurm and browser tests" >&2
  exit 0
fi
echo "test-services: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
