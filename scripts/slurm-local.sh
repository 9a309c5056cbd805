#!/usr/bin/env bash
# slurm-local.sh start|stop|status: a single-node Slurm cluster on this
# machine, for tests (models/gradflow TestSlurmJobArray). It needs root and
# Debian's slurm-wlm and munge (apt-get install -y slurm-wlm munge); it
# installs nothing itself.
#
# start runs munged, slurmctld and slurmd on localhost with a minimal
# slurm.conf in $RNNZOO_SLURM_DIR (default /tmp/rnnzoo-slurm): no cgroups
# (proctrack/linuxproc, task/none), no accounting, one node "localhost"
# with the CPUs and memory that slurmd -C finds, one partition. It waits
# until the node is idle and prints the line to put in the environment of
# sbatch and squeue:
#   export SLURM_CONF=/tmp/rnnzoo-slurm/slurm.conf
# stop ends the three daemons it started (by their pid files).
set -euo pipefail
dir=${RNNZOO_SLURM_DIR:-/tmp/rnnzoo-slurm}
conf=$dir/slurm.conf

stop() {
  local f
  for f in slurmd slurmctld munged; do
    if [ -s "$dir/$f.pid" ]; then
      kill "$(cat "$dir/$f.pid")" 2>/dev/null || true
      rm -f "$dir/$f.pid"
    fi
  done
}

start() {
  for cmd in munged slurmctld slurmd sbatch; do
    command -v "$cmd" >/dev/null || { echo "slurm-local: $cmd is missing (apt-get install -y slurm-wlm munge)" >&2; exit 1; }
  done
  [ "$(id -u)" = 0 ] || { echo "slurm-local: needs root" >&2; exit 1; }
  stop
  mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
  chown munge:munge "$dir/munge"
  if [ ! -s /etc/munge/munge.key ]; then
    mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
  fi
  # munged refuses to run as root: it runs as its own user, its socket in $dir/munge.
  runuser -u munge -- munged --socket="$dir/munge/munge.socket.2" --pid-file="$dir/munge/munged.pid" \
    --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"
  cp "$dir/munge/munged.pid" "$dir/munged.pid"
  # The node as slurmd sees it: CPUs and RealMemory.
  local hw cpus mem
  hw=$(slurmd -C | head -1)
  cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$hw")
  mem=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")
  cat >"$conf" <<CONF
ClusterName=rnnzoo
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket.2
CredType=cred/munge
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$conf
  slurmctld -f "$conf"
  slurmd -f "$conf" -N localhost
  local i
  for i in $(seq 1 60); do
    if sinfo -h -N -o '%T' 2>/dev/null | grep -qx idle; then
      echo "export SLURM_CONF=$conf"
      return 0
    fi
    sleep 1
  done
  echo "slurm-local: the node did not become idle in 60 s; logs in $dir:" >&2
  sinfo -N -l >&2 || true
  tail -n 20 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
  return 1
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) SLURM_CONF=$conf sinfo -N -l ;;
*) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
