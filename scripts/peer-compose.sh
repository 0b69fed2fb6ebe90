#!/usr/bin/env bash
# Makes sure the peer the benchmarks compare devspace with is installed: Debian's `docker-compose`
# package (Compose v1.29, Python). Installs it only when no `docker-compose` is on PATH, then prints
# its version. Idempotent, non-interactive; installing needs root and apt-get (Debian's mirror).
#
#   bash scripts/peer-compose.sh          # -> "peer-compose: docker-compose version 1.29.2, build unknown"
#
# The Debian package talks to the engine through docker-py (Engine API) and builds with the
# classic builder; it has no BuildKit/buildx path here, so callers set COMPOSE_DOCKER_CLI_BUILD=0
# and DOCKER_BUILDKIT=0 (bench/run-local.mjs does).
set -euo pipefail

say() { printf 'peer-compose: %s\n' "$*"; }
die() { printf 'peer-compose: error: %s\n' "$*" >&2; exit 1; }

if ! command -v docker-compose >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || die "docker-compose is missing and installing Debian's package needs root"
  command -v apt-get >/dev/null 2>&1 || die "docker-compose is missing and there is no apt-get; install Compose v1 yourself"
  say "installing Debian's docker-compose package"
  t0=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  # Serialise with other apt users of this machine (scripts/docker-engine.sh installs docker.io).
  exec 9>/var/lock/devspace-peer-compose.lock
  flock -w 300 9 || die "timed out waiting for /var/lock/devspace-peer-compose.lock"
  if ! command -v docker-compose >/dev/null 2>&1; then
    apt-get update -qq </dev/null
    apt-get install -y -qq --no-install-recommends docker-compose </dev/null >/dev/null
  fi
  command -v docker-compose >/dev/null 2>&1 || die "docker-compose installed but not on PATH"
  say "installed in $((SECONDS - t0))s"
fi
say "$(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /' || docker-compose --version)"
