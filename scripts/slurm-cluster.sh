#!/usr/bin/env bash
# A one-node Slurm cluster on this machine for the tests and the benchmark (Debian's slurmctld,
# slurmd and munge, run as root): `start` (a no-op when the cluster already answers), `stop`, `status`.
set -euo pipefail

DIR=${PIPE_SLURM_DIR:-/var/lib/pipe-slurm}
CONF=/etc/slurm/slurm.conf
MARK="# written by pipe's scripts/slurm-cluster.sh"
NODE=$(hostname -s)

say() { echo "slurm-cluster: $*" >&2; }

# The node's state as sinfo reports it ("idle", "mixed", "allocated", ...), empty when none answers.
node_state() { timeout 5 sinfo --noheader --nodes="$NODE" --format=%T 2>/dev/null | head -n1 || true; }

answering() {
  case "$(node_state)" in
    idle* | mixed* | alloc* | completing*) return 0 ;;
    *) return 1 ;;
  esac
}

write_conf() {
  local cpus mem_mb
  # PIPE_SLURM_CPUS: announce more CPUs than the machine has (slurmd told to believe the file), so
  # a benchmark of many one-second sleeps can run them all at once on a small machine.
  cpus=${PIPE_SLURM_CPUS:-$(nproc)}
  # A little under the real memory, so slurmd's own check (RealMemory <= what it sees) passes.
  mem_mb=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  mkdir -p /etc/slurm "$DIR/state" "$DIR/spool" "$DIR/log"
  if [ -f "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
    say "$CONF exists and was not written by this script: not touching a real cluster's configuration"
    exit 1
  fi
  cat >"$CONF" <<EOF
$MARK
ClusterName=pipe-test
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
# Bind to the node's address (127.0.0.1), not to every interface.
CommunicationParameters=NoInAddrAny
AuthType=auth/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# No slurmdbd: finished jobs' start and end times are kept by jobcomp/filetxt, and by
# 'scontrol show job' for MinJobAge seconds after they end.
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
MinJobAge=600
SchedulerType=sched/backfill
# Start a submitted batch job at once (the default lets its scheduling wait up to 3 s).
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
# Cores are what jobs consume (memory is checked against the node, not divided), so jobs without
# --mem do not each take the whole node's memory and run one at a time.
SelectTypeParameters=CR_Core
ReturnToService=2
# Short enough for a test of a job over its time limit: killed at its limit, SIGKILL 1 s after SIGTERM.
OverTimeLimit=0
KillWait=1
InactiveLimit=0
$([ "$cpus" != "$(nproc)" ] && echo "SlurmdParameters=config_overrides")
MessageTimeout=10
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
}

start_munge() {
  if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  [ -f /etc/munge/munge.key ] || {
    mkdir -p /etc/munge
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  }
  chmod 0400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  if id munge >/dev/null 2>&1; then
    chown munge:munge /etc/munge/munge.key /run/munge /var/log/munge /var/lib/munge
    chmod 0755 /run/munge
    su -s /bin/sh munge -c /usr/sbin/munged
  else
    /usr/sbin/munged --force
  fi
  touch "$DIR/munged.ours"
  for _ in $(seq 50); do
    munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  say "munged did not answer"
  exit 1
}

start() {
  if answering; then
    say "already running (node $NODE $(node_state))"
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || {
    say "start needs root (the daemons run as root)"
    exit 1
  }
  write_conf
  start_munge
  pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld
  pgrep -x slurmd >/dev/null || /usr/sbin/slurmd
  for _ in $(seq 300); do
    if answering; then
      # A node left DOWN/DRAIN by an earlier run comes back.
      say "up: node $NODE $(node_state), $(sinfo --noheader --nodes="$NODE" --format=%c 2>/dev/null | head -n1) CPUs"
      return 0
    fi
    case "$(node_state)" in
      down* | drain*) scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.1
  done
  say "the node did not become idle in 30 s (sinfo: '$(node_state)'); see $DIR/log/"
  exit 1
}

# Cancels the cluster's jobs (a job killed with its daemons would be requeued and run again at
# the next start), ends the daemons this script started (their pid files), then munged.
stop() {
  if answering; then
    local jobs
    jobs=$(squeue --noheader --format=%i 2>/dev/null || true)
    if [ -n "$jobs" ]; then
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      for _ in $(seq 50); do
        [ -z "$(squeue --noheader --format=%i 2>/dev/null)" ] && break
        sleep 0.1
      done
    fi
  fi
  for d in slurmd slurmctld; do
    local pidfile="$DIR/$d.pid"
    if [ -f "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
    fi
  done
  for _ in $(seq 100); do
    local alive=0
    for d in slurmd slurmctld; do
      [ -f "$DIR/$d.pid" ] && kill -0 "$(cat "$DIR/$d.pid")" 2>/dev/null && alive=1
    done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  rm -f "$DIR/slurmd.pid" "$DIR/slurmctld.pid"
  # munged only when this script started it (a system one stays).
  if [ -f "$DIR/munged.ours" ] && [ -f /run/munge/munged.pid ]; then kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true; fi
  rm -f "$DIR/munged.ours"
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if answering; then
      echo "running: node $NODE $(node_state)"
    else
      echo "not running"
      exit 3
    fi
    ;;
  *)
    echo "usage: scripts/slurm-cluster.sh start|stop|status" >&2
    exit 2
    ;;
esac
