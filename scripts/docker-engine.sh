#!/usr/bin/env bash
# Makes sure a Docker engine answers, for the integration and e2e tests (and for CI).
#
#   scripts/docker-engine.sh start   # use the engine that answers, or install docker.io and start dockerd
#   scripts/docker-engine.sh stop    # stop dockerd only if this script started it
#   scripts/docker-engine.sh status  # say what runs
#
# Idempotent, non-interactive (CI=true, no stdin). Starting an engine needs root.
# Environment: DOCKER_HOST (an engine there is used as is), DEVSPACE_DOCKERD_TIMEOUT (seconds,
# default 60), DEVSPACE_DOCKERD_LOG (default /var/log/devspace-dockerd.log).
set -euo pipefail

LOG="${DEVSPACE_DOCKERD_LOG:-/var/log/devspace-dockerd.log}"
PIDFILE=/var/run/devspace-dockerd.pid   # exists only while an engine *we* started runs
LOCKFILE=/var/run/devspace-dockerd.lock
TIMEOUT="${DEVSPACE_DOCKERD_TIMEOUT:-60}"
DEFAULT_SOCK=/var/run/docker.sock

say() { printf 'docker-engine: %s\n' "$*"; }
die() { printf 'docker-engine: error: %s\n' "$*" >&2; exit 1; }

docker_cli() {
  if command -v docker >/dev/null 2>&1; then command -v docker
  elif [ -x /usr/bin/docker ]; then echo /usr/bin/docker
  else return 1; fi
}

# engine_answers [host]: true when `docker info` answers on host (default: the current env).
engine_answers() {
  local cli
  cli="$(docker_cli)" || return 1
  if [ -n "${1:-}" ]; then
    DOCKER_HOST="$1" timeout 10 "$cli" info >/dev/null 2>&1
  else
    timeout 10 "$cli" info >/dev/null 2>&1
  fi
}

engine_summary() {
  local cli
  cli="$(docker_cli)" || return 0
  timeout 10 "$cli" ${1:+-H "$1"} version --format 'server {{.Server.Version}} (API {{.Server.APIVersion}}), client {{.Client.Version}}' 2>/dev/null || true
}

# our_pid: prints the PID of the dockerd we started, if it is still alive.
our_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if [ -n "$pid" ] && [ -d "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
    echo "$pid"
  else
    return 1
  fi
}

wait_for_engine() {
  local pid="$1" deadline=$((SECONDS + TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if engine_answers "unix://$DEFAULT_SOCK"; then return 0; fi
    if [ -n "$pid" ] && [ ! -d "/proc/$pid" ]; then
      say "dockerd (pid $pid) exited"
      return 1
    fi
    sleep 0.5
  done
  say "no answer from the engine after ${TIMEOUT}s"
  return 1
}

install_engine() {
  [ "$(id -u)" = 0 ] || die "/usr/sbin/dockerd is missing and installing docker.io needs root"
  command -v apt-get >/dev/null 2>&1 || die "/usr/sbin/dockerd is missing and there is no apt-get to install docker.io; install Docker yourself"
  say "installing docker.io (Debian's Docker Engine)"
  local t0=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null
  apt-get install -y -qq --no-install-recommends docker.io </dev/null >/dev/null
  [ -x /usr/sbin/dockerd ] || die "docker.io installed but /usr/sbin/dockerd is still missing"
  say "installed docker.io in $((SECONDS - t0))s"
}

cmd_start() {
  # 1. An engine that already answers wins; it is not ours to manage.
  if [ -n "${DOCKER_HOST:-}" ]; then
    if engine_answers "$DOCKER_HOST"; then
      say "using the engine already answering on DOCKER_HOST=$DOCKER_HOST: $(engine_summary "$DOCKER_HOST")"
      return 0
    fi
    if [ "$DOCKER_HOST" != "unix://$DEFAULT_SOCK" ] && [ "$DOCKER_HOST" != "unix:///run/docker.sock" ]; then
      die "DOCKER_HOST=$DOCKER_HOST is set but no engine answers there; start it, or unset DOCKER_HOST to let this script start a local dockerd"
    fi
  fi
  if engine_answers "unix://$DEFAULT_SOCK"; then
    local pid
    if pid="$(our_pid)"; then
      say "engine already running (started by this script, pid $pid): $(engine_summary "unix://$DEFAULT_SOCK")"
    else
      say "using the engine already answering on $DEFAULT_SOCK (not started by this script): $(engine_summary "unix://$DEFAULT_SOCK")"
    fi
    return 0
  fi

  [ "$(id -u)" = 0 ] || die "no Docker engine answers and starting dockerd needs root"

  # 2. Serialise concurrent starts.
  exec 9>"$LOCKFILE"
  flock -w "$((TIMEOUT + 30))" 9 || die "timed out waiting for $LOCKFILE"
  if engine_answers "unix://$DEFAULT_SOCK"; then
    say "engine came up meanwhile: $(engine_summary "unix://$DEFAULT_SOCK")"
    return 0
  fi

  # 3. A dockerd of ours (or of someone else) may be alive but still starting up.
  local pid=""
  if pid="$(our_pid)"; then
    say "dockerd we started earlier (pid $pid) is alive but not answering yet; waiting"
    if wait_for_engine "$pid"; then say "engine ready: $(engine_summary "unix://$DEFAULT_SOCK")"; return 0; fi
    tail -n 40 "$LOG" >&2 || true
    die "dockerd (pid $pid) does not answer; see $LOG"
  fi
  rm -f "$PIDFILE"
  if [ -f /var/run/docker.pid ]; then
    local other
    other="$(cat /var/run/docker.pid 2>/dev/null || true)"
    if [ -n "$other" ] && [ -d "/proc/$other" ] && [ "$(cat "/proc/$other/comm" 2>/dev/null)" = dockerd ]; then
      say "a dockerd not started by this script (pid $other) is running; waiting for it to answer"
      wait_for_engine "$other" && { say "engine ready: $(engine_summary "unix://$DEFAULT_SOCK")"; return 0; }
      die "dockerd pid $other (not ours) does not answer on $DEFAULT_SOCK; fix or stop it first"
    fi
  fi

  # 4. Install if needed, then start dockerd detached from this shell.
  [ -x /usr/sbin/dockerd ] || install_engine
  local t0=$SECONDS
  mkdir -p "$(dirname "$LOG")"
  printf '\n==== %s: docker-engine.sh starting dockerd ====\n' "$(date -Is)" >>"$LOG"
  # setsid: own session, so the engine outlives the shell/job that ran this script.
  setsid /usr/sbin/dockerd --host "unix://$DEFAULT_SOCK" >>"$LOG" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PIDFILE"
  say "started dockerd (pid $pid, log $LOG); waiting up to ${TIMEOUT}s"
  if ! wait_for_engine "$pid"; then
    say "last lines of $LOG:"
    tail -n 40 "$LOG" >&2 || true
    if [ -d "/proc/$pid" ]; then kill "$pid" 2>/dev/null || true; fi
    rm -f "$PIDFILE"
    die "dockerd did not come up"
  fi
  say "engine ready in $((SECONDS - t0))s: $(engine_summary "unix://$DEFAULT_SOCK")"
}

cmd_stop() {
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "$PIDFILE"
    if engine_answers; then
      say "an engine runs but this script did not start it; leaving it alone"
    else
      say "no engine started by this script is running"
    fi
    return 0
  fi
  say "stopping dockerd (pid $pid)"
  kill -TERM "$pid"
  local deadline=$((SECONDS + 30))
  while [ -d "/proc/$pid" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.5; done
  if [ -d "/proc/$pid" ]; then
    say "dockerd did not stop within 30s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
  say "stopped"
}

cmd_status() {
  local pid rc=0
  if [ -n "${DOCKER_HOST:-}" ]; then say "DOCKER_HOST=$DOCKER_HOST"; fi
  if engine_answers; then
    say "engine answers: $(engine_summary)"
  else
    say "no engine answers"
    rc=1
  fi
  if pid="$(our_pid)"; then
    say "started by this script: dockerd pid $pid (log $LOG)"
  else
    say "no engine started by this script is running"
  fi
  return "$rc"
}

case "${1:-status}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
