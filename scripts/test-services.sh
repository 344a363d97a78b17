#!/usr/bin/env bash
# What the remote tests need from Debian, installed when missing: openssh-server (sshd, which the
# SSH tests start on 127.0.0.1), openssh-client (ssh-keygen) and rsync (the remote benchmark).
# Idempotent and quiet when all is there; installs only as root (CI runs as root on a clean machine).
set -euo pipefail

missing=()
command -v /usr/sbin/sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "test-services: missing ${missing[*]}; run this script as root (or apt-get install them) for the SSH tests" >&2
  exit 0
fi
echo "test-services: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends openssh-server openssh-client rsync >/dev/null
