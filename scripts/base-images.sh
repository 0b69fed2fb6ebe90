#!/usr/bin/env bash
# Makes sure the base images the tests and fixtures build on exist in the Docker engine, without
# pulling from any registry:
#
#   busybox:latest         static busybox from Debian's busybox-static   (~2 MB)
#   debian:bookworm-slim   debootstrap --variant=minbase bookworm, trimmed (~75 MB)
#
# Each is loaded from a `docker save` tarball under $DEVSPACE_TEST_IMAGE_CACHE (default
# ~/.cache/devspace-test-images/) when present, otherwise built offline from Debian packages and
# then cached. Both carry the label dev.devspace.test-base-image=true. An image of the same name
# without that label (e.g. the real one pulled on a laptop) is left alone.
# Idempotent; needs a running engine (scripts/docker-engine.sh start); building needs root + apt.
# Environment: DEVSPACE_DEBIAN_MIRROR (default: the host's apt mirror), DEVSPACE_REBUILD_BASE_IMAGES=1
# (ignore cache and existing images, rebuild both).
set -euo pipefail

CACHE="${DEVSPACE_TEST_IMAGE_CACHE:-${HOME:-/root}/.cache/devspace-test-images}"
LABEL=dev.devspace.test-base-image
RECIPE=1   # bump when the recipes below change: images/caches with another recipe get rebuilt
PATH_ENV='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
WORK=""

say() { printf 'base-images: %s\n' "$*"; }
die() { printf 'base-images: error: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

cleanup() {
  [ -n "$WORK" ] && [ -d "$WORK" ] || return 0
  # debootstrap mounts /proc and /sys inside the rootfs; never rm -rf through a live mount.
  local m
  # shellcheck disable=SC2013  # mktemp paths have no spaces
  for m in $(awk -v w="$WORK" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  if awk -v w="$WORK" 'index($2, w) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    say "warning: mounts remain under $WORK; not deleting it"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap "exit 130" INT TERM

docker info >/dev/null 2>&1 ||
  die "no Docker engine answers (${DOCKER_HOST:-unix:///var/run/docker.sock}); run scripts/docker-engine.sh start first"

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock -w 900 9 || die "another base-images.sh holds $CACHE/.lock for too long"

# image_state NAME: prints ours | ours-old | foreign | missing
image_state() {
  local labels
  labels="$(docker image inspect --format "{{index .Config.Labels \"$LABEL\"}} {{index .Config.Labels \"$LABEL.recipe\"}}" "$1" 2>/dev/null)" ||
    { echo missing; return; }
  case "$labels" in
    "true $RECIPE") echo ours ;;
    true*) echo ours-old ;;
    *) echo foreign ;;
  esac
}

apt_updated=""
apt_update_once() {
  [ -n "$apt_updated" ] && return 0
  DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
  apt_updated=1
}

need_build_tools() {
  [ "$(id -u)" = 0 ] || die "building base images needs root (debootstrap, chroot)"
  command -v apt-get >/dev/null 2>&1 || die "building base images needs a Debian host with apt-get (or pull $*)"
}

# host_mirror security|main: the host's Debian mirror for the security archive or for the main
# archive (the first matching URIs: / deb entry), or Debian's default when the host names none.
host_mirror() {
  local want="$1" m="" match='!~'
  [ "$want" = security ] && match='~'
  if [ "$want" = main ] && [ -n "${DEVSPACE_DEBIAN_MIRROR:-}" ]; then echo "$DEVSPACE_DEBIAN_MIRROR"; return; fi
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    m="$(awk "/^URIs:/ { for (i = 2; i <= NF; i++) if (\$i $match /security/) { print \$i; exit } }" /etc/apt/sources.list.d/debian.sources)"
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m="$(awk "\$1 == \"deb\" && \$0 $match /security/ { for (i = 2; i <= NF; i++) if (\$i ~ /^https?:/) { print \$i; exit } }" /etc/apt/sources.list)"
  fi
  if [ "$want" = security ]; then echo "${m:-http://deb.debian.org/debian-security}"; else echo "${m:-http://deb.debian.org/debian}"; fi
}

# import_rootfs DIR NAME CMD: tar the rootfs into the engine as NAME with our labels.
import_rootfs() {
  local dir="$1" name="$2" cmd="$3"
  tar --numeric-owner -C "$dir" --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' -c . |
    docker import \
      -c "$PATH_ENV" \
      -c "CMD $cmd" \
      -c "LABEL $LABEL=true $LABEL.recipe=$RECIPE" \
      - "$name" >/dev/null
}

build_busybox() {
  need_build_tools busybox:latest
  local rootfs="$WORK/busybox" bb=""
  if dpkg-query -W -f '${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed'; then
    bb=/bin/busybox
  else
    # Take the static binary from the package without installing it on the host.
    mkdir -p "$WORK/deb"
    (cd "$WORK/deb" && { apt-get download busybox-static >/dev/null 2>&1 || { apt_update_once && apt-get download busybox-static >/dev/null; }; }) ||
      die "could not download busybox-static from the apt mirror"
    dpkg-deb -x "$WORK"/deb/busybox-static_*.deb "$WORK/deb/x"
    bb="$WORK/deb/x/bin/busybox"
  fi
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/tmp,home,proc,sys,dev}
  chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
  chmod 700 "$rootfs/root"
  install -m 0755 "$bb" "$rootfs/bin/busybox"
  chroot "$rootfs" /bin/busybox --install -s
  [ -L "$rootfs/bin/sh" ] || [ -e "$rootfs/bin/sh" ] || die "busybox --install did not create /bin/sh"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  import_rootfs "$rootfs" busybox:latest '["/bin/sh"]'
}

build_debian() {
  need_build_tools debian:bookworm-slim
  local rootfs="$WORK/debian" mirror security t
  mirror="$(host_mirror main)"
  security="$(host_mirror security)"
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap"
    apt_update_once
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap </dev/null >/dev/null
  fi
  say "debootstrap --variant=minbase bookworm from $mirror (about a minute)"
  t="$(now)"
  if ! debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1; then
    tail -n 30 "$WORK/debootstrap.log" >&2
    [ -f "$rootfs/debootstrap/debootstrap.log" ] && tail -n 30 "$rootfs/debootstrap/debootstrap.log" >&2
    die "debootstrap failed"
  fi
  say "debootstrap done in $(since "$t")"

  # Apt inside the image uses the same mirror, like the real image's deb822 sources.
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  # What the official slim image does: no services started by package scripts, no docs, man
  # pages or translations installed, and no apt caches left in layers.
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EOF
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  printf 'Acquire::Languages "none";\n' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
  printf 'APT::Install-Recommends "false";\n' >"$rootfs/etc/apt/apt.conf.d/docker-no-recommends"
  echo localhost >"$rootfs/etc/hostname"
  : >"$rootfs/etc/resolv.conf"

  # Trim.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/cache/debconf/*-old \
    "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/var/tmp/* "$rootfs"/debootstrap
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/lintian/* "$rootfs"/usr/share/locale/*
  mkdir -p "$rootfs/var/lib/apt/lists/partial" "$rootfs/var/cache/apt/archives/partial"

  import_rootfs "$rootfs" debian:bookworm-slim '["bash"]'
}

# ensure NAME CACHEFILE BUILDFN
ensure() {
  local name="$1" tarball="$CACHE/$2" build="$3" state t
  state="$(image_state "$name")"
  if [ -n "${DEVSPACE_REBUILD_BASE_IMAGES:-}" ]; then
    [ "$state" = foreign ] || state=missing
    rm -f "$tarball"
  fi
  case "$state" in
    ours)
      say "$name: present (ours)"
      ;;
    foreign)
      say "$name: present, not built by this script (no $LABEL label); leaving it alone"
      return 0
      ;;
    *)
      [ "$state" = ours-old ] && say "$name: built by an older recipe; replacing it"
      if [ -f "$tarball" ]; then
        t="$(now)"
        if docker load -i "$tarball" >/dev/null 2>&1 && [ "$(image_state "$name")" = ours ]; then
          say "$name: loaded from $tarball in $(since "$t")"
          return 0
        fi
        say "$name: cache $tarball is unusable or outdated; rebuilding"
        rm -f "$tarball"
      fi
      t="$(now)"
      [ -n "$WORK" ] || WORK="$(mktemp -d /var/tmp/devspace-base-images.XXXXXX)"
      "$build"
      [ "$(image_state "$name")" = ours ] || die "$name: import did not produce a labelled image"
      say "$name: built in $(since "$t") ($(docker image inspect --format '{{.Size}}' "$name" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
      ;;
  esac
  if [ ! -f "$tarball" ]; then
    t="$(now)"
    docker save -o "$tarball.tmp.$$" "$name"
    mv "$tarball.tmp.$$" "$tarball"
    say "$name: cached to $tarball in $(since "$t")"
  fi
}

t0="$(now)"
ensure busybox:latest busybox-latest.tar build_busybox
ensure debian:bookworm-slim debian-bookworm-slim.tar build_debian
say "done in $(since "$t0")"
