#!/usr/bin/env bash
# Real, local image registries for devspace's push tests: three instances of the Distribution
# registry (Debian's `docker-registry` package, Distribution 2.8), each bound to 127.0.0.1 on a free
# port, with filesystem storage under the state dir:
#
#   plain  plain HTTP, no auth
#   auth   plain HTTP, htpasswd (basic) auth; user `devspace`, a random password made at first start
#   tls    HTTPS with a certificate from a self-signed CA (SAN IP:127.0.0.1, DNS:localhost), no auth;
#          the Docker engine is told to trust that CA (/etc/docker/certs.d/127.0.0.1:PORT/ca.crt)
#
# Usage: test/registry/registry.sh start|stop|status|env
#   start   install the packages when missing, then start the three registries; prints the path of
#           the env file (KEY=VALUE lines, see below) on stdout. Idempotent: when all three are
#           already running and answering it only prints the path.
#   stop    stop exactly the processes `start` launched (by PID file) and remove the certs.d
#           entries it wrote; storage, password and CA are kept for the next start
#   status  report each registry's PID, address and health; exit 0 only when all three answer
#   env     print the env file's path (exit 1 when the registries were not started)
#
# The env file: DEVSPACE_TEST_REGISTRY_PLAIN, DEVSPACE_TEST_REGISTRY_AUTH, DEVSPACE_TEST_REGISTRY_TLS
# (each 127.0.0.1:PORT), DEVSPACE_TEST_REGISTRY_AUTH_USER, DEVSPACE_TEST_REGISTRY_AUTH_PASSWORD,
# DEVSPACE_TEST_REGISTRY_TLS_CA (path of the CA certificate).
#
# Progress goes to stderr, results to stdout. Installing packages and writing certs.d need root.
#
# Environment:
#   DEVSPACE_TEST_REGISTRY_DIR  state: configs, storage, certificates, password, PID files, logs
#                               (default /tmp/devspace-test-registry)
#   DEVSPACE_DOCKER_CERTS_DIR   where the engine looks for registry CAs (default /etc/docker/certs.d)
set -euo pipefail

STATE_DIR=${DEVSPACE_TEST_REGISTRY_DIR:-/tmp/devspace-test-registry}
CERTS_D=${DEVSPACE_DOCKER_CERTS_DIR:-/etc/docker/certs.d}
BIN=/usr/bin/docker-registry
USER_NAME=devspace

# Absolute paths (the registries' command lines and configs name them).
if [[ -d $STATE_DIR ]]; then STATE_DIR=$(cd "$STATE_DIR" && pwd); fi
set_paths() {
  RUN=$STATE_DIR/run
  LOGS=$STATE_DIR/logs
  CONF=$STATE_DIR/config
  PKI=$STATE_DIR/pki
  STORAGE=$STATE_DIR/storage
  PASSWORD_FILE=$STATE_DIR/auth/password
  HTPASSWD_FILE=$STATE_DIR/auth/htpasswd
  ENV_FILE=$STATE_DIR/registry.env
  # The certs.d directories `start` wrote, one a line, so that `stop` removes exactly those.
  CERTS_LIST=$RUN/certs.d.list
}
set_paths

REGISTRIES=(plain auth tls)

log() { printf '[test-registry] %s\n' "$*" >&2; }
die() { printf '[test-registry] error: %s\n' "$*" >&2; exit 1; }

# Runs "$@" as the named step; on failure says which step failed (with its output) and exits 1.
step() {
  local name=$1; shift
  local out rc; out=$(mktemp)
  set +e
  (set -e; "$@") >"$out" 2>&1
  rc=$?
  set -e
  if ((rc != 0)); then
    printf '[test-registry] error: step "%s" failed. Last output:\n' "$name" >&2
    tail -n 30 "$out" | sed 's/^/    /' >&2
    rm -f "$out"
    exit 1
  fi
  rm -f "$out"
}

# ---------------------------------------------------------------------------------------------------
# packages

missing_packages() {
  local m=()
  [[ -x $BIN ]] || m+=(docker-registry)
  command -v htpasswd >/dev/null || m+=(apache2-utils)
  command -v openssl >/dev/null || m+=(openssl)
  command -v curl >/dev/null || m+=(curl)
  echo "${m[@]}"
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  local opts=(-y -qq --no-install-recommends -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300)
  # The package lists may be missing or stale on a fresh machine: update once and retry.
  apt-get install "${opts[@]}" "$@" ||
    { apt-get update -qq -o DPkg::Lock::Timeout=300 && apt-get install "${opts[@]}" "$@"; }
}

ensure_packages() {
  local missing
  missing=$(missing_packages)
  [[ -n $missing ]] || return 0
  [[ $(id -u) == 0 ]] || die "missing packages ($missing): run as root, or: apt-get install $missing"
  # The docker-registry package ships an init script and a systemd unit whose default config
  # listens on :5000 (all interfaces). Forbid service starts during the install when nothing does
  # already (policy-rc.d is honoured by invoke-rc.d and deb-systemd-invoke).
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# temporary, written by test/registry/registry.sh while installing packages\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    made_policy=1
  fi
  log "installing $missing (apt-get) ..."
  local t0=$SECONDS rc=0
  # shellcheck disable=SC2086
  (step "apt-get install $missing" apt_install $missing) || rc=$?
  ((made_policy == 0)) || rm -f "$policy"
  ((rc == 0)) || exit "$rc"
  log "installed $missing in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------------------------------------------
# processes

pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }

# True when the PID file names a live docker-registry serving this registry's config.
alive() {
  local pid cmd
  pid=$(pid_of "$1")
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == "$BIN serve $CONF/$1.yml " ]]
}

load_ports() {
  # shellcheck disable=SC1091
  [[ -f $RUN/ports.env ]] && . "$RUN/ports.env"
  return 0
}

port_of() {
  case $1 in
    plain) echo "${PLAIN_PORT:-}" ;;
    auth) echo "${AUTH_PORT:-}" ;;
    tls) echo "${TLS_PORT:-}" ;;
  esac
}

# http_code NAME [WITH_CREDENTIALS]: the status code of GET /v2/ (000 when nothing answers).
http_code() {
  local name=$1 port url c
  port=$(port_of "$name")
  [[ -n $port ]] || { echo 000; return 0; }
  c=(curl -s --max-time 3 -o /dev/null -w '%{http_code}')
  case $name in
    tls) url=https://127.0.0.1:$port/v2/; c+=(--cacert "$PKI/ca.crt") ;;
    *) url=http://127.0.0.1:$port/v2/ ;;
  esac
  if [[ ${2:-} == with-credentials ]]; then
    # Through a curl config on stdin, so that the password never shows in a process list.
    printf 'user = "%s:%s"\n' "$USER_NAME" "$(cat "$PASSWORD_FILE")" | "${c[@]}" -K - "$url" || true
  else
    "${c[@]}" "$url" || true
  fi
}

# Health: process alive, GET /v2/ answers 200 (401 without credentials and 200 with them for auth).
healthy() {
  alive "$1" || return 1
  case $1 in
    auth) [[ $(http_code auth) == 401 && $(http_code auth with-credentials) == 200 ]] ;;
    *) [[ $(http_code "$1") == 200 ]] ;;
  esac
}

all_healthy() {
  local r
  [[ -f $RUN/ports.env && -f $ENV_FILE ]] || return 1
  load_ports
  for r in "${REGISTRIES[@]}"; do healthy "$r" || return 1; done
}

launch() {
  local name=$1
  # setsid: the registry outlives this script and is not hit by the caller's Ctrl-C / job control.
  # Closing fd 9 (the state lock) keeps the daemon from holding it.
  setsid "$BIN" serve "$CONF/$name.yml" >>"$LOGS/$name.log" 2>&1 </dev/null 9>&- &
  local pid=$! i
  echo "$pid" >"$RUN/$name.pid"
  # Until the background shell has exec'd the binary, /proc shows the shell: wait for the exec.
  local arg0
  for ((i = 0; i < 200; i++)); do
    arg0=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n 1) || true
    [[ -z $arg0 || $arg0 == "$BIN" ]] && break
    sleep 0.05
  done
}

stop_one() {
  local name=$1 pid i
  pid=$(pid_of "$name")
  [[ -n $pid ]] || return 0
  if alive "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do alive "$name" || break; sleep 0.1; done
    if alive "$name"; then
      log "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do alive "$name" || break; sleep 0.1; done
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$RUN/$name.pid"
}

remove_certs_d() {
  local dir
  [[ -f $CERTS_LIST ]] || return 0
  while IFS= read -r dir; do
    [[ -n $dir ]] || continue
    rm -f "$dir/ca.crt"
    rmdir "$dir" 2>/dev/null || true
    log "removed $dir/ca.crt"
  done <"$CERTS_LIST"
  rm -f "$CERTS_LIST"
}

stop_all() {
  local r
  [[ -d $RUN ]] || return 0
  for r in "${REGISTRIES[@]}"; do stop_one "$r"; done
  remove_certs_d
  rm -f "$ENV_FILE"
}

# ---------------------------------------------------------------------------------------------------
# start

port_in_use() { ss -Htln 2>/dev/null | awk '{print $4}' | sed 's/.*://' | grep -qx "$1"; }

free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 30000))
    if ! port_in_use "$p" && [[ " ${PICKED_PORTS:-} " != *" $p "* ]]; then
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}

# pick_port PREVIOUS: the previous port when it is still free (stable addresses across restarts),
# else a new free one.
pick_port() {
  if [[ -n ${1:-} ]] && ! port_in_use "$1" && [[ " ${PICKED_PORTS:-} " != *" $1 "* ]]; then
    echo "$1"
  else
    free_port
  fi
}

ensure_password() {
  mkdir -p "$(dirname "$PASSWORD_FILE")"
  chmod 700 "$(dirname "$PASSWORD_FILE")"
  if [[ ! -s $PASSWORD_FILE ]]; then
    (umask 077; openssl rand -hex 16 >"$PASSWORD_FILE")
    log "generated the password of user $USER_NAME ($PASSWORD_FILE)"
  fi
  # bcrypt, as the registry requires; -i reads the password from stdin (never on a command line).
  (umask 077; htpasswd -niB "$USER_NAME" <"$PASSWORD_FILE" >"$HTPASSWD_FILE.tmp")
  mv -f "$HTPASSWD_FILE.tmp" "$HTPASSWD_FILE"
}

gen_pki() {
  mkdir -p "$PKI"
  cd "$PKI"
  rm -f ca.* server.*
  openssl ecparam -name prime256v1 -genkey -noout -out ca.key
  openssl req -x509 -new -key ca.key -subj "/CN=devspace-test-registry-ca" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.crt
  openssl ecparam -name prime256v1 -genkey -noout -out server.key
  openssl req -new -key server.key -subj "/CN=127.0.0.1" -out server.csr
  printf '%s\n' 'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
    'extendedKeyUsage=serverAuth' 'subjectAltName=IP:127.0.0.1,DNS:localhost' >server.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
    -extfile server.ext -out server.crt
  rm -f server.csr server.ext ca.srl
  chmod 600 ./*.key
}

# Keeps the CA across restarts (clients that trusted it keep working); remakes it when it is
# missing, broken, or expires within a day.
ensure_pki() {
  if [[ -s $PKI/ca.crt && -s $PKI/ca.key && -s $PKI/server.crt && -s $PKI/server.key ]] &&
    openssl verify -CAfile "$PKI/ca.crt" "$PKI/server.crt" >/dev/null 2>&1 &&
    openssl x509 -checkend 86400 -noout -in "$PKI/server.crt" >/dev/null 2>&1; then
    return 0
  fi
  step "generate the test CA and the TLS registry's certificate" gen_pki
  log "generated a CA ($PKI/ca.crt) and a server certificate for 127.0.0.1 and localhost"
}

write_config() {
  local name=$1 port=$2 extra=""
  case $name in
    auth) extra="auth:
  htpasswd:
    realm: devspace-test-registry
    path: $HTPASSWD_FILE" ;;
  esac
  local tls=""
  if [[ $name == tls ]]; then
    tls="
  tls:
    certificate: $PKI/server.crt
    key: $PKI/server.key
    minimumtls: tls1.2"
  fi
  mkdir -p "$STORAGE/$name"
  cat >"$CONF/$name.yml" <<EOF
# Written by test/registry/registry.sh: the $name test registry.
version: 0.1
log:
  level: info
  formatter: text
  fields:
    service: devspace-test-registry-$name
storage:
  filesystem:
    rootdirectory: $STORAGE/$name
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: $(openssl rand -hex 16)
  headers:
    X-Content-Type-Options: [nosniff]$tls
$extra
EOF
  chmod 600 "$CONF/$name.yml"
}

# start_one NAME: launches the registry and waits until it answers; retries on another port when
# its port was taken between picking and binding.
start_one() {
  local name=$1 attempt deadline port var
  var=$(tr '[:lower:]' '[:upper:]' <<<"$name")_PORT
  for attempt in 1 2 3; do
    port=${!var}
    write_config "$name" "$port"
    log "starting $name on $( [[ $name == tls ]] && echo https || echo http )://127.0.0.1:$port"
    launch "$name"
    deadline=$((SECONDS + 30))
    while ! healthy "$name"; do
      if ! alive "$name"; then
        if grep -q 'address already in use' "$LOGS/$name.log" 2>/dev/null && ((attempt < 3)); then
          log "port $port was taken meanwhile; trying another"
          printf -v "$var" '%s' "$(free_port)"
          PICKED_PORTS+=" ${!var}"
          continue 2
        fi
        fail_registry "$name" "exited during startup"
      fi
      ((SECONDS < deadline)) || fail_registry "$name" "did not answer GET /v2/ within 30s (last status $(http_code "$name"))"
      sleep 0.1
    done
    return 0
  done
}

fail_registry() {
  printf '[test-registry] error: %s %s. Last lines of %s:\n' "$1" "$2" "$LOGS/$1.log" >&2
  tail -n 20 "$LOGS/$1.log" 2>/dev/null | sed 's/^/    /' >&2 || true
  stop_all >&2 || true
  exit 1
}

trust_ca_in_engine() {
  local dir=$CERTS_D/127.0.0.1:$TLS_PORT
  if ! mkdir -p "$dir" 2>/dev/null || ! cp "$PKI/ca.crt" "$dir/ca.crt" 2>/dev/null; then
    log "warning: could not write $dir/ca.crt (needs root); the engine will not know the test CA"
    return 0
  fi
  echo "$dir" >>"$CERTS_LIST"
  log "the Docker engine trusts the test CA for 127.0.0.1:$TLS_PORT ($dir/ca.crt)"
}

write_env_file() {
  local tmp=$ENV_FILE.tmp
  (umask 077; cat >"$tmp" <<EOF
DEVSPACE_TEST_REGISTRY_PLAIN=127.0.0.1:$PLAIN_PORT
DEVSPACE_TEST_REGISTRY_AUTH=127.0.0.1:$AUTH_PORT
DEVSPACE_TEST_REGISTRY_AUTH_USER=$USER_NAME
DEVSPACE_TEST_REGISTRY_AUTH_PASSWORD=$(cat "$PASSWORD_FILE")
DEVSPACE_TEST_REGISTRY_TLS=127.0.0.1:$TLS_PORT
DEVSPACE_TEST_REGISTRY_TLS_CA=$PKI/ca.crt
EOF
  )
  mv -f "$tmp" "$ENV_FILE"
}

cmd_start() {
  ensure_packages
  mkdir -p "$STATE_DIR"
  STATE_DIR=$(cd "$STATE_DIR" && pwd)
  set_paths
  exec 9>"$STATE_DIR/.lock"
  flock -w 120 9 || die "timed out waiting for another start/stop (lock $STATE_DIR/.lock)"
  if all_healthy; then
    log "already running and answering"
    echo "$ENV_FILE"
    return 0
  fi
  local t0=$SECONDS
  stop_all
  log "starting the test registries in $STATE_DIR"
  mkdir -p "$RUN" "$LOGS" "$CONF" "$STORAGE"
  ensure_password
  ensure_pki

  local prev_plain="" prev_auth="" prev_tls=""
  if [[ -f $RUN/ports.env ]]; then
    load_ports
    prev_plain=${PLAIN_PORT:-} prev_auth=${AUTH_PORT:-} prev_tls=${TLS_PORT:-}
  fi
  PICKED_PORTS=""
  PLAIN_PORT=$(pick_port "$prev_plain"); PICKED_PORTS+=" $PLAIN_PORT"
  AUTH_PORT=$(pick_port "$prev_auth"); PICKED_PORTS+=" $AUTH_PORT"
  TLS_PORT=$(pick_port "$prev_tls"); PICKED_PORTS+=" $TLS_PORT"

  local r
  for r in "${REGISTRIES[@]}"; do start_one "$r"; done
  printf 'PLAIN_PORT=%s\nAUTH_PORT=%s\nTLS_PORT=%s\n' "$PLAIN_PORT" "$AUTH_PORT" "$TLS_PORT" >"$RUN/ports.env"
  trust_ca_in_engine
  write_env_file
  log "test registries ready in $((SECONDS - t0))s: plain 127.0.0.1:$PLAIN_PORT, auth 127.0.0.1:$AUTH_PORT, tls 127.0.0.1:$TLS_PORT"
  echo "$ENV_FILE"
}

cmd_stop() {
  if [[ ! -d $RUN ]]; then
    log "not running (no $RUN)"
    return 0
  fi
  exec 9>"$STATE_DIR/.lock"
  flock -w 120 9 || die "timed out waiting for another start/stop (lock $STATE_DIR/.lock)"
  stop_all
  log "stopped (storage, password, CA and logs kept in $STATE_DIR)"
}

cmd_status() {
  local r pid state rc=0 port
  load_ports
  printf '%-8s %-8s %-22s %s\n' REGISTRY PID ADDRESS STATE
  for r in "${REGISTRIES[@]}"; do
    pid=$(pid_of "$r")
    port=$(port_of "$r")
    if ! alive "$r"; then
      state=stopped; rc=1
      [[ -n $pid ]] && state="dead (stale pid file)"
    elif healthy "$r"; then
      state="answering"
      [[ $r == auth ]] && state+=" (401 without credentials, 200 with)"
      [[ $r == tls ]] && state+=" (https, test CA)"
    else
      state="not answering (GET /v2/: $(http_code "$r"))"; rc=1
    fi
    printf '%-8s %-8s %-22s %s\n' "$r" "${pid:--}" "${port:+127.0.0.1:$port}" "$state"
  done
  if ((rc == 0)); then
    [[ -f $ENV_FILE ]] || { echo "env file $ENV_FILE is missing"; return 1; }
    printf 'env file: %s\n' "$ENV_FILE"
  fi
  return $rc
}

cmd_env() {
  [[ -f $ENV_FILE ]] || die "no env file at $ENV_FILE: run test/registry/registry.sh start"
  echo "$ENV_FILE"
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
