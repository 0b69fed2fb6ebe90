#!/usr/bin/env bash
# A real, local Kubernetes control plane for devspace's tests: etcd, kube-apiserver (RBAC on),
# kube-controller-manager and kube-scheduler built from their Go modules, and kwok standing in for the
# kubelets of a few fake nodes (pods go Running/Ready without running anything).
#
# Usage: test/cluster/cluster.sh build|start|stop|status|kubeconfig|pin
#   build       build the binaries once into the cache (outside the repo); no-op when cached
#   start       build if needed, then start the cluster; prints the kubeconfig path on stdout.
#               Idempotent: when the cluster is already running and healthy it only prints the path.
#   stop        stop exactly the processes that `start` launched (by PID file)
#   status      report each component's PID and health; exit 0 only when all are healthy
#   kubeconfig  print the kubeconfig path (exit 1 when the cluster was never started)
#   kubectl ... run the cluster's kubectl (the version matching the API server) against it
#   kubectl-path  print the path of that kubectl (falls back to the one on PATH before a build)
#   pin         rewrite test/cluster/go/*/go.mod and go.sum from versions.env (needs the module proxy)
#
# Everything binds to 127.0.0.1 on free ports. Progress goes to stderr, results to stdout.
#
# Environment:
#   DEVSPACE_TEST_CLUSTER_DIR    state: PID files, certificates, etcd data, logs, kubeconfig
#                                (default /tmp/devspace-test-cluster)
#   DEVSPACE_TEST_CLUSTER_CACHE  built binaries (default ~/.cache/devspace-test-cluster)
#   DEVSPACE_TEST_CLUSTER_NODES  number of fake nodes (default 2)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Go's default install location, for shells whose PATH lacks it.
if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then PATH=$PATH:/usr/local/go/bin; fi
# shellcheck source=versions.env
. "$HERE/versions.env"

STATE_DIR=${DEVSPACE_TEST_CLUSTER_DIR:-/tmp/devspace-test-cluster}
CACHE_ROOT=${DEVSPACE_TEST_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/devspace-test-cluster}
NODE_COUNT=${DEVSPACE_TEST_CLUSTER_NODES:-2}
CONTEXT=devspace-test
# Bump when the build recipe below changes, so cached binaries are rebuilt.
RECIPE=1

K8S_BIN=$CACHE_ROOT/kubernetes-$K8S_VERSION/bin
ETCD_BIN=$CACHE_ROOT/etcd-$ETCD_VERSION/bin
KWOK_BIN=$CACHE_ROOT/kwok-$KWOK_VERSION/bin

PKI=$STATE_DIR/pki
LOGS=$STATE_DIR/logs
RUN=$STATE_DIR/run
KUBECONFIG_FILE=$STATE_DIR/kubeconfig

# Start order; stop goes in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

log() { printf '[test-cluster] %s\n' "$*" >&2; }
die() { printf '[test-cluster] error: %s\n' "$*" >&2; exit 1; }

# Runs "$@" as the named step; on failure says which step failed (with its output) and exits 1.
step() {
  local name=$1; shift
  local out; out=$(mktemp)
  log "$name ..."
  # A subshell outside any `if`/`||`, so that `set -e` still applies inside shell functions.
  local rc
  set +e
  (set -e; "$@") >"$out" 2>&1
  rc=$?
  set -e
  if ((rc != 0)); then
    printf '[test-cluster] error: step "%s" failed. Last output:\n' "$name" >&2
    tail -n 40 "$out" | sed 's/^/    /' >&2
    rm -f "$out"
    exit 1
  fi
  rm -f "$out"
}

bin_of() {
  case $1 in
    etcd) echo "$ETCD_BIN/etcd" ;;
    kwok) echo "$KWOK_BIN/kwok" ;;
    kubectl | kube-*) echo "$K8S_BIN/$1" ;;
    *) die "unknown component $1" ;;
  esac
}

# ---------------------------------------------------------------------------------------------------
# build

go_env() {
  # Never download another toolchain; builds are reproducible from the committed go.sum.
  env GOTOOLCHAIN=local GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0 \
    GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}" "$@"
}

check_pins() {
  local d=$HERE/go
  grep -qE "^(require )?\s*k8s.io/kubernetes $K8S_VERSION( |$)" "$d/kubernetes/go.mod" &&
    grep -qE "k8s.io/api => k8s.io/api $K8S_STAGING_VERSION$" "$d/kubernetes/go.mod" &&
    grep -qE "^\s*go.etcd.io/etcd/server/v3 $ETCD_VERSION( |$)" "$d/etcd/go.mod" &&
    grep -qE "^\s*sigs.k8s.io/kwok $KWOK_VERSION( |$)" "$d/kwok/go.mod" ||
    die "test/cluster/go/*/go.mod do not match versions.env; run: test/cluster/cluster.sh pin"
}

# build_one NAME MODULE_DIR OUT_BIN_DIR LDFLAGS PKG[=BINARY]...
build_one() {
  local name=$1 moddir=$2 out=$3 ldflags=$4; shift 4
  local stamp want missing=0 spec pkgs=() bins=()
  for spec in "$@"; do
    pkgs+=("${spec%%=*}")
    if [[ $spec == *=* ]]; then bins+=("${spec#*=}"); else bins+=("${spec##*/}"); fi
  done
  want=$(cat "$moddir/go.mod" "$moddir/go.sum" | sha256sum | cut -c1-16)-r$RECIPE
  for spec in "${bins[@]}"; do [[ -x $out/$spec ]] || missing=1; done
  stamp=$(cat "$out/.stamp" 2>/dev/null || true)
  if [[ $missing == 0 && $stamp == "$want" ]]; then
    return 0
  fi
  local started=$SECONDS tmp i
  mkdir -p "$out"
  rm -rf "$out"/.build.*
  tmp=$(mktemp -d "$out/.build.XXXXXX")
  # `go list -deps` downloads exactly the modules the build needs: a separate step so that an
  # unreachable module proxy is reported as such.
  (cd "$moddir" && step "download Go modules for $name (GOPROXY=$(go_env go env GOPROXY))" \
    go_env go list -deps "${pkgs[@]}")
  # One package per `go build`, so that each binary has a known name (-o FILE).
  for i in "${!pkgs[@]}"; do
    (cd "$moddir" && step "build ${bins[i]} from ${pkgs[i]} ($(go_env go version | cut -d' ' -f3))" \
      go_env go build -trimpath -ldflags="$ldflags" -o "$tmp/${bins[i]}" "${pkgs[i]}")
  done
  for spec in "${bins[@]}"; do mv -f "$tmp/$spec" "$out/$spec"; done
  rmdir "$tmp"
  echo "$want" >"$out/.stamp"
  log "built $name in $((SECONDS - started))s into $out"
}

cmd_build() {
  command -v go >/dev/null || die 'step "find Go toolchain" failed: `go` is not on PATH (need Go >= 1.26)'
  check_pins
  mkdir -p "$CACHE_ROOT"
  exec 8>"$CACHE_ROOT/.build.lock"
  flock -w 3600 8 || die "timed out waiting for another build (lock $CACHE_ROOT/.build.lock)"
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  local ld="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  build_one etcd "$HERE/go/etcd" "$ETCD_BIN" "-s -w" go.etcd.io/etcd/server/v3=etcd
  build_one kwok "$HERE/go/kwok" "$KWOK_BIN" \
    "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok
  build_one kubernetes "$HERE/go/kubernetes" "$K8S_BIN" "$ld" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
  exec 8>&-
}

# ---------------------------------------------------------------------------------------------------
# pin: regenerate the Go modules from versions.env

cmd_pin() {
  command -v go >/dev/null || die '`go` is not on PATH'
  local d=$HERE/go gomod m
  export GOTOOLCHAIN=local GOWORK=off GOFLAGS=-mod=mod
  rm -f "$d"/{kubernetes,etcd,kwok}/go.{mod,sum}
  gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [[ -f $gomod ]] || die "could not download k8s.io/kubernetes@$K8S_VERSION"
  {
    printf 'module devspace.test/cluster/kubernetes\n\ngo 1.26.0\n\nrequire k8s.io/kubernetes %s\n\n' "$K8S_VERSION"
    printf '// k8s.io/kubernetes replaces its staging modules with ./staging/...; those replaces do not apply\n'
    printf '// to dependents, so point each at its published %s tag.\nreplace (\n' "$K8S_STAGING_VERSION"
    for m in $(sed -n 's#^\s*\(k8s.io/[^ ]*\) => ./staging/.*#\1#p' "$gomod"); do
      if go list -m "$m@$K8S_STAGING_VERSION" >/dev/null 2>&1; then
        printf '\t%s => %s %s\n' "$m" "$m" "$K8S_STAGING_VERSION"
      else
        log "skipping $m: no $K8S_STAGING_VERSION tag (not needed by the binaries we build)"
      fi
    done
    printf ')\n'
  } >"$d/kubernetes/go.mod"
  (cd "$d/kubernetes" && go get -tool k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kubectl)
  printf 'module devspace.test/cluster/etcd\n\ngo 1.26.0\n' >"$d/etcd/go.mod"
  (cd "$d/etcd" && go get -tool "go.etcd.io/etcd/server/v3@$ETCD_VERSION")
  printf 'module devspace.test/cluster/kwok\n\ngo 1.26.0\n' >"$d/kwok/go.mod"
  (cd "$d/kwok" && go get -tool "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION")
  check_pins
  log "pinned; commit test/cluster/go/*/go.mod and go.sum"
}

# ---------------------------------------------------------------------------------------------------
# processes

pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }

# True when the PID file names a live process that runs this component's binary from our cache.
alive() {
  local pid arg0
  pid=$(pid_of "$1")
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  arg0=$(tr '\0' '\n' <"/proc/$pid/cmdline" | head -n 1)
  [[ $arg0 == "$(bin_of "$1")" ]]
}

# Health of one component (process alive and its health endpoint answering).
healthy() {
  alive "$1" || return 1
  # shellcheck disable=SC1091
  . "$RUN/ports.env"
  local c=(curl -fs --max-time 3 -o /dev/null)
  case $1 in
    etcd) "${c[@]}" "http://127.0.0.1:$ETCD_PORT/health" ;;
    kube-apiserver) "${c[@]}" --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
      "https://127.0.0.1:$API_PORT/readyz" ;;
    kube-controller-manager) "${c[@]}" -k "https://127.0.0.1:$KCM_PORT/healthz" ;;
    kube-scheduler) "${c[@]}" -k "https://127.0.0.1:$SCHED_PORT/healthz" ;;
    kwok) "${c[@]}" "http://127.0.0.1:$KWOK_PORT/healthz" ;;
  esac
}

all_healthy() {
  local c
  [[ -f $RUN/ports.env && -f $KUBECONFIG_FILE ]] || return 1
  for c in "${COMPONENTS[@]}"; do healthy "$c" || return 1; done
}

launch() {
  local name=$1; shift
  local bin; bin=$(bin_of "$name")
  # setsid: the component outlives this script and is not hit by the caller's Ctrl-C / job control.
  # Closing fds 8/9 (the build and state locks) keeps the daemons from holding those locks.
  setsid "$bin" "$@" >"$LOGS/$name.log" 2>&1 </dev/null 8>&- 9>&- &
  local pid=$! i
  echo "$pid" >"$RUN/$name.pid"
  # Until the background shell has exec'd the binary, /proc shows the shell, and alive() would
  # call the component dead (a busy machine made CI fail "exited during startup" and leak the
  # half-started ones). Wait for the exec, or for the process to go.
  local arg0
  for ((i = 0; i < 200; i++)); do
    arg0=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n 1) || true
    [[ -z $arg0 || $arg0 == "$bin" ]] && break # gone (or a zombie), or exec'd
    sleep 0.05
  done
}

fail_component() {
  local name=$1 why=$2
  printf '[test-cluster] error: %s %s. Last lines of %s:\n' "$name" "$why" "$LOGS/$name.log" >&2
  tail -n 30 "$LOGS/$name.log" 2>/dev/null | sed 's/^/    /' >&2 || true
  stop_all >&2 || true
  exit 1
}

# wait_healthy NAME TIMEOUT_SECONDS
wait_healthy() {
  local name=$1 deadline=$((SECONDS + $2))
  while ! healthy "$name"; do
    alive "$name" || fail_component "$name" "exited during startup"
    ((SECONDS < deadline)) || fail_component "$name" "was not healthy within $2s"
    sleep 0.3
  done
}

stop_one() {
  local name=$1 pid
  pid=$(pid_of "$name")
  [[ -n $pid ]] || return 0
  if alive "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    local i
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

stop_all() {
  local i
  [[ -d $RUN ]] || return 0
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do stop_one "${COMPONENTS[i]}"; done
}

# ---------------------------------------------------------------------------------------------------
# start

free_port() {
  local p used
  used=$(ss -Htan 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u || true)
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 30000))
    if ! grep -qx "$p" <<<"$used" && ! grep -qw "$p" <<<"${PICKED_PORTS:-}"; then
      PICKED_PORTS="${PICKED_PORTS:-} $p"
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}

gen_certs() {
  mkdir -p "$PKI"
  cd "$PKI"
  openssl ecparam -name prime256v1 -genkey -noout -out ca.key
  openssl req -x509 -new -key ca.key -subj "/CN=devspace-test-ca" -days 3650 -out ca.crt
  # The aggregation layer's front proxy has its own CA.
  openssl ecparam -name prime256v1 -genkey -noout -out front-proxy-ca.key
  openssl req -x509 -new -key front-proxy-ca.key -subj "/CN=devspace-test-front-proxy-ca" -days 3650 \
    -out front-proxy-ca.crt
  # sign NAME SUBJECT EXTENSIONS [CA]
  sign() {
    local ca=${4:-ca}
    openssl ecparam -name prime256v1 -genkey -noout -out "$1.key"
    openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n%s\n' "$3" >"$1.ext"
    openssl x509 -req -in "$1.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial -days 3650 \
      -extfile "$1.ext" -out "$1.crt"
    rm -f "$1.csr" "$1.ext"
  }
  sign front-proxy-client "/CN=front-proxy-client" "extendedKeyUsage=clientAuth" front-proxy-ca
  sign apiserver "/CN=kube-apiserver" "extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  sign admin "/O=system:masters/CN=devspace-test-admin" "extendedKeyUsage=clientAuth"
  sign kube-controller-manager "/CN=system:kube-controller-manager" "extendedKeyUsage=clientAuth"
  sign kube-scheduler "/CN=system:kube-scheduler" "extendedKeyUsage=clientAuth"
  sign kwok "/O=system:masters/CN=kwok" "extendedKeyUsage=clientAuth"
  openssl genrsa -out sa.key 2048
  openssl rsa -in sa.key -pubout -out sa.pub
  chmod 600 ./*.key
}

# write_kubeconfig FILE USER
write_kubeconfig() {
  local b64='base64 -w0'
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $CONTEXT
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $($b64 <"$PKI/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $($b64 <"$PKI/$2.crt")
    client-key-data: $($b64 <"$PKI/$2.key")
contexts:
- name: $CONTEXT
  context:
    cluster: $CONTEXT
    user: $2
current-context: $CONTEXT
EOF
  chmod 600 "$1"
}

nodes_yaml() {
  local i name
  for ((i = 1; i <= NODE_COUNT; i++)); do
    name=devspace-node-$i
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
EOF
  done
}

kctl() { "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" --request-timeout=10s "$@"; }

# wait_for DESCRIPTION TIMEOUT_SECONDS COMMAND...
wait_for() {
  local what=$1 timeout=$2 deadline=$((SECONDS + $2)); shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "error: timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 0.5
  done
}

nodes_ready() {
  local n
  n=$(kctl get nodes -l type=kwok \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
    grep -c '^True$' || true)
  ((n >= NODE_COUNT))
}

cmd_start() {
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/.lock"
  flock -w 900 9 || die "timed out waiting for another start/stop (lock $STATE_DIR/.lock)"
  if all_healthy; then
    log "already running and healthy"
    echo "$KUBECONFIG_FILE"
    return 0
  fi
  stop_all
  cmd_build
  local t0=$SECONDS
  log "starting the test cluster in $STATE_DIR"
  rm -rf "$PKI" "$LOGS" "$RUN" "$STATE_DIR/etcd" "$STATE_DIR"/*.kubeconfig "$KUBECONFIG_FILE" "$STATE_DIR/kwok-stages.yaml"
  mkdir -p "$LOGS" "$RUN"
  step "generate certificates and the service-account key" gen_certs
  cd "$STATE_DIR"

  PICKED_PORTS=""
  ETCD_PORT=$(free_port); PICKED_PORTS+=" $ETCD_PORT"
  ETCD_PEER_PORT=$(free_port); PICKED_PORTS+=" $ETCD_PEER_PORT"
  API_PORT=$(free_port); PICKED_PORTS+=" $API_PORT"
  KCM_PORT=$(free_port); PICKED_PORTS+=" $KCM_PORT"
  SCHED_PORT=$(free_port); PICKED_PORTS+=" $SCHED_PORT"
  KWOK_PORT=$(free_port)
  cat >"$RUN/ports.env" <<EOF
ETCD_PORT=$ETCD_PORT
ETCD_PEER_PORT=$ETCD_PEER_PORT
API_PORT=$API_PORT
KCM_PORT=$KCM_PORT
SCHED_PORT=$SCHED_PORT
KWOK_PORT=$KWOK_PORT
EOF

  log "starting etcd on 127.0.0.1:$ETCD_PORT"
  launch etcd --name devspace-test --data-dir "$STATE_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "devspace-test=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --log-level warn
  wait_healthy etcd 30

  log "starting kube-apiserver on https://127.0.0.1:$API_PORT"
  launch kube-apiserver \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
    --endpoint-reconciler-type none \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --requestheader-client-ca-file "$PKI/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$PKI/front-proxy-client.crt" --proxy-client-key-file "$PKI/front-proxy-client.key" \
    --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --allow-privileged=true --profiling=false
  wait_healthy kube-apiserver 120

  write_kubeconfig "$KUBECONFIG_FILE" admin
  write_kubeconfig "$STATE_DIR/kube-controller-manager.kubeconfig" kube-controller-manager
  write_kubeconfig "$STATE_DIR/kube-scheduler.kubeconfig" kube-scheduler
  write_kubeconfig "$STATE_DIR/kwok.kubeconfig" kwok
  cp "$HERE/kwok-stages.yaml" "$STATE_DIR/kwok-stages.yaml"

  log "starting kube-controller-manager, kube-scheduler and kwok"
  # --kube-api-qps/--kube-api-burst: kubeadm's (and kind's) defaults of 20/30 requests per second
  # make the deployment controller the bottleneck of any rollout of many Deployments (50 take
  # ~11 s whichever client applied them: it creates ReplicaSets at ~6/s), so a test or benchmark
  # would measure that rate limiter instead of the client. Clusters sized for many workloads raise
  # it; 200/400 here leaves the API server and etcd as the limit (docs/testing.md).
  local k=$STATE_DIR/kube-controller-manager.kubeconfig s=$STATE_DIR/kube-scheduler.kubeconfig
  launch kube-controller-manager --kubeconfig "$k" \
    --authentication-kubeconfig "$k" --authorization-kubeconfig "$k" \
    --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --cert-dir "$PKI/kube-controller-manager" \
    --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --service-cluster-ip-range 10.96.0.0/16 --profiling=false \
    --kube-api-qps 200 --kube-api-burst 400
  launch kube-scheduler --kubeconfig "$s" \
    --authentication-kubeconfig "$s" --authorization-kubeconfig "$s" \
    --bind-address 127.0.0.1 --secure-port "$SCHED_PORT" --cert-dir "$PKI/kube-scheduler" \
    --leader-elect=false --profiling=false
  launch kwok --kubeconfig "$STATE_DIR/kwok.kubeconfig" --config "$STATE_DIR/kwok-stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-lease-duration-seconds 40 \
    --cidr 10.244.0.1/16 --node-ip 10.250.0.1 \
    --server-address "127.0.0.1:$KWOK_PORT"
  wait_healthy kube-controller-manager 60
  wait_healthy kube-scheduler 60
  wait_healthy kwok 60

  log "registering $NODE_COUNT fake nodes"
  nodes_yaml | step "register fake nodes" kctl apply -f -
  wait_for "the fake nodes to be Ready" 60 nodes_ready || fail_component kwok "did not make the nodes Ready"
  wait_for "the default service account" 60 kctl get serviceaccount default -n default ||
    fail_component kube-controller-manager "did not create the default service account"
  log "test cluster ready in $((SECONDS - t0))s; context $CONTEXT"
  echo "$KUBECONFIG_FILE"
}

# ---------------------------------------------------------------------------------------------------

cmd_stop() {
  if [[ ! -d $RUN ]]; then
    log "not running (no $RUN)"
    return 0
  fi
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/.lock"
  flock -w 120 9 || die "timed out waiting for another start/stop"
  stop_all
  log "stopped (logs kept in $LOGS)"
}

cmd_status() {
  local c pid state rc=0
  if [[ -f $RUN/ports.env ]]; then
    # shellcheck disable=SC1091
    . "$RUN/ports.env"
  fi
  printf '%-24s %-8s %s\n' COMPONENT PID STATE
  for c in "${COMPONENTS[@]}"; do
    pid=$(pid_of "$c")
    if ! alive "$c"; then
      state=stopped; rc=1
      [[ -n $pid ]] && state="dead (stale pid file)"
    elif healthy "$c"; then
      state=healthy
    else
      state=unhealthy; rc=1
    fi
    printf '%-24s %-8s %s\n' "$c" "${pid:--}" "$state"
  done
  if ((rc == 0)); then
    printf 'api server: https://127.0.0.1:%s\nkubeconfig: %s (context %s)\n' "$API_PORT" "$KUBECONFIG_FILE" "$CONTEXT"
  fi
  return $rc
}

cmd_kubeconfig() {
  [[ -f $KUBECONFIG_FILE ]] || die "no kubeconfig at $KUBECONFIG_FILE: run test/cluster/cluster.sh start"
  echo "$KUBECONFIG_FILE"
}

case ${1:-} in
  build) cmd_build; log "binaries cached under $CACHE_ROOT" ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  kubeconfig) cmd_kubeconfig ;;
  kubectl)
    shift
    [[ -x $K8S_BIN/kubectl ]] || die "no $K8S_BIN/kubectl: run test/cluster/cluster.sh build"
    exec "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@" ;;
  kubectl-path)
    if [[ -x $K8S_BIN/kubectl ]]; then echo "$K8S_BIN/kubectl"; else command -v kubectl || die "no kubectl"; fi ;;
  pin) cmd_pin ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
