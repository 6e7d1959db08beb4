#!/usr/bin/env bash
# A real Apache Flink 2.3.0 cluster on this machine, for the study job (flink-job/):
#
#   scripts/flink-cluster.sh start      install what is missing, start a JobManager (REST on
#                                       127.0.0.1:8081) and 3 TaskManagers x 3 slots
#   scripts/flink-cluster.sh submit [job arguments]
#                                       compile flink-job/ against Flink's lib/ and submit it
#                                       (detached); prints the job id
#   scripts/flink-cluster.sh kill-tm N  kill -9 TaskManager N (1-3) by its pid: the failure demo
#   scripts/flink-cluster.sh status     the processes this script started, and the REST overview
#   scripts/flink-cluster.sh stop       stop every process it started, by pid
#
# Everything comes from the package registries (../shared/TOOLCHAIN.md, last section): OpenJDK 17
# from Debian, Flink from the Python package `apache-flink==2.3.0`, whose wheel ships Flink's
# bin/, conf/ and lib/. The cluster listens on loopback only. Its folder is target/flink-2.3.0
# (FLINK_DIR to change it): the distribution, its config.yaml, logs, pid files and checkpoints.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FLINK_DIR="${FLINK_DIR:-$ROOT/target/flink-2.3.0}"
FLINK_VERSION=2.3.0
TASK_MANAGERS=3
REST_PORT="${FLINK_REST_PORT:-8081}"
PID_DIR="$FLINK_DIR/pids"
JOB_JAR="$FLINK_DIR/job/abnormal-event-alarm-job.jar"

say() { printf 'flink-cluster: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

need_java() {
  if command -v javac >/dev/null 2>&1 && javac -version 2>&1 | grep -q ' 17\.'; then
    JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
  elif [ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/javac ]; then
    JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
  else
    say "installing OpenJDK 17 (Debian openjdk-17-jdk-headless)"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openjdk-17-jdk-headless >/dev/null
    JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
  fi
  export JAVA_HOME
  export PATH="$JAVA_HOME/bin:$PATH"
}

need_flink() {
  if [ -f "$FLINK_DIR/lib/flink-dist-$FLINK_VERSION.jar" ]; then
    return
  fi
  say "installing Apache Flink $FLINK_VERSION from the Python package apache-flink (about 300 MB)"
  local venv="$FLINK_DIR.venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q "apache-flink==$FLINK_VERSION"
  local pyflink
  pyflink="$("$venv/bin/python" -c 'import os, pyflink; print(os.path.dirname(pyflink.__file__))')"
  [ -f "$pyflink/lib/flink-dist-$FLINK_VERSION.jar" ] || die "no lib/flink-dist-$FLINK_VERSION.jar in $pyflink"
  mkdir -p "$FLINK_DIR"
  for part in bin conf lib opt plugins licenses; do
    [ -e "$pyflink/$part" ] && cp -r "$pyflink/$part" "$FLINK_DIR/"
  done
  chmod +x "$FLINK_DIR"/bin/*
  # The distribution's own conf, kept for its JVM options (--add-opens and friends).
  cp "$FLINK_DIR/conf/config.yaml" "$FLINK_DIR/conf/config.shipped.yaml"
}

# Loopback only, 3 slots per TaskManager, sized for a 2-core machine; pids, logs, temporary
# files and checkpoints inside FLINK_DIR.
configure() {
  mkdir -p "$FLINK_DIR/log" "$PID_DIR" "$FLINK_DIR/tmp" "$FLINK_DIR/checkpoints"
  local java_opts
  java_opts="$(grep -A40 '^env:' "$FLINK_DIR/conf/config.shipped.yaml" | sed -n 's/^ *all: *//p' | head -1)"
  {
    echo "jobmanager.rpc.address: 127.0.0.1"
    echo "jobmanager.rpc.port: 6123"
    echo "jobmanager.bind-host: 127.0.0.1"
    echo "taskmanager.host: 127.0.0.1"
    echo "taskmanager.bind-host: 127.0.0.1"
    echo "rest.address: 127.0.0.1"
    echo "rest.bind-address: 127.0.0.1"
    echo "rest.port: $REST_PORT"
    echo "taskmanager.numberOfTaskSlots: 3"
    echo "parallelism.default: 3"
    # Spread slots over the TaskManagers, as the simulator does by default (Flink: NONE packs
    # the job into one TaskManager, so killing TaskManager 2 would touch no task).
    echo "taskmanager.load-balance.mode: SLOTS"
    echo "jobmanager.memory.process.size: 1024m"
    echo "taskmanager.memory.process.size: 1024m"
    echo "taskmanager.memory.managed.fraction: 0.1"
    echo "env.pid.dir: $PID_DIR"
    echo "io.tmp.dirs: $FLINK_DIR/tmp"
    echo "web.tmpdir: $FLINK_DIR/tmp"
    echo "blob.storage.directory: $FLINK_DIR/tmp"
    echo "execution.checkpointing.dir: file://$FLINK_DIR/checkpoints"
    [ -n "$java_opts" ] && echo "env.java.opts.all: $java_opts"
  } > "$FLINK_DIR/conf/config.yaml"
  printf '127.0.0.1:%s\n' "$REST_PORT" > "$FLINK_DIR/conf/masters"
  : > "$FLINK_DIR/conf/workers"
}

# The pids of one kind of process, from Flink's pid file (one line per instance started).
pids_of() {
  local file
  file="$(ls "$PID_DIR"/flink-*-"$1".pid 2>/dev/null | head -1 || true)"
  [ -n "$file" ] && cat "$file" || true
}

alive() { kill -0 "$1" 2>/dev/null; }

rest() { curl -fsS --max-time 5 "http://127.0.0.1:$REST_PORT$1"; }

wait_for() {
  local what="$1" seconds="$2" test="$3"
  for _ in $(seq 1 "$seconds"); do
    if eval "$test"; then return 0; fi
    sleep 1
  done
  die "timed out after ${seconds}s waiting for $what (logs in $FLINK_DIR/log)"
}

start() {
  need_java
  need_flink
  for pid in $(pids_of standalonesession) $(pids_of taskexecutor); do
    alive "$pid" && die "a cluster this script started is running (pid $pid): stop it first"
  done
  if rest /overview >/dev/null 2>&1; then
    die "something already answers on 127.0.0.1:$REST_PORT"
  fi
  rm -f "$PID_DIR"/*.pid
  configure
  "$FLINK_DIR/bin/jobmanager.sh" start >/dev/null
  for _ in $(seq 1 "$TASK_MANAGERS"); do
    "$FLINK_DIR/bin/taskmanager.sh" start >/dev/null
  done
  wait_for "the REST API" 90 'rest /overview >/dev/null 2>&1'
  wait_for "$TASK_MANAGERS TaskManagers" 120 \
    "[ \"\$(rest /overview | sed -n 's/.*\"taskmanagers\":\\([0-9]*\\).*/\\1/p')\" = $TASK_MANAGERS ]"
  say "running: JobManager pid $(pids_of standalonesession), TaskManagers $(pids_of taskexecutor | tr '\n' ' ')"
  say "REST and web UI: http://127.0.0.1:$REST_PORT"
}

build_job() {
  need_java
  need_flink
  local classes="$FLINK_DIR/job/classes"
  rm -rf "$classes"
  mkdir -p "$classes"
  javac -nowarn -cp "$FLINK_DIR/lib/*" -d "$classes" "$ROOT"/flink-job/src/*.java
  jar cfe "$JOB_JAR" AbnormalEventAlarmJob -C "$classes" .
}

submit() {
  build_job
  rest /overview >/dev/null 2>&1 || die "no cluster answers on 127.0.0.1:$REST_PORT (start it first)"
  local out
  out="$("$FLINK_DIR/bin/flink" run -d -m "127.0.0.1:$REST_PORT" "$JOB_JAR" \
    --checkpoint-dir "file://$FLINK_DIR/checkpoints" "$@" 2>&1)" || { printf '%s\n' "$out" >&2; die "submit failed"; }
  local jid
  jid="$(printf '%s\n' "$out" | sed -n 's/.*JobID \([0-9a-f]\{32\}\).*/\1/p' | head -1)"
  [ -n "$jid" ] || { printf '%s\n' "$out" >&2; die "no job id in flink run's output"; }
  echo "$jid"
}

kill_tm() {
  local n="${1:-}"
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "kill-tm takes a TaskManager number, 1 to $TASK_MANAGERS"
  local pid
  pid="$(pids_of taskexecutor | sed -n "${n}p")"
  [ -n "$pid" ] || die "no TaskManager $n started by this script"
  alive "$pid" || die "TaskManager $n (pid $pid) is not running"
  kill -9 "$pid"
  say "killed TaskManager $n (pid $pid) with kill -9"
}

status() {
  local any=0
  for kind in standalonesession taskexecutor; do
    local i=0
    for pid in $(pids_of "$kind"); do
      i=$((i + 1))
      if alive "$pid"; then state=running; any=1; else state=gone; fi
      echo "$kind $i pid $pid $state"
    done
  done
  if rest /overview 2>/dev/null; then echo; else echo "REST: no answer on 127.0.0.1:$REST_PORT"; fi
  [ "$any" = 1 ]
}

stop() {
  local pids
  pids="$(pids_of taskexecutor) $(pids_of standalonesession)"
  for pid in $pids; do
    alive "$pid" && kill "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 30); do
    local left=0
    for pid in $pids; do alive "$pid" && left=1; done
    [ "$left" = 0 ] && break
    sleep 1
  done
  for pid in $pids; do
    alive "$pid" && kill -9 "$pid" 2>/dev/null || true
  done
  rm -f "$PID_DIR"/*.pid
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  submit) shift; submit "$@" ;;
  kill-tm) kill_tm "${2:-}" ;;
  status) status ;;
  stop) stop ;;
  build) build_job ;;
  *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
