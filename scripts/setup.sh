#!/usr/bin/env bash
# Prepares a Debian 12 host to build, run and test berth. Idempotent: every step
# checks first, so re-running it is cheap and never reinstalls what is there.
# Run as root (apt-get needs it); the npm steps run in the repository.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

log() { printf '[setup] %s\n' "$*" >&2; }

# What berthd needs at run time (OCI runtimes, the conmon monitor, NAT, the
# busybox the built-in image is seeded from, xattrs for overlay whiteouts,
# decompressors for layers) and what the tests use (ps/pgrep from procps; gcc and libc6-dev
# build the static syscall probe of the seccomp tests).
# docker.io (Docker Engine 20.10) is a peer of the interop tests: save in one engine, load in
# the other. The tests run their own dockerd on private roots and sockets, with no bridge and
# no iptables rules.
# gcc, g++, make and python3 build the native addon (node-gyp links with g++).
packages=(crun runc conmon iptables busybox-static attr xz-utils bzip2 procps gcc g++ make python3 libc6-dev)
# tini ships tini-static, the init `run --init` bind-mounts into containers (static: the
# container's root has none of the host's libraries).
packages+=(tini)
# The compat tests drive berthd with the Python SDK too, as users' scripts do.
packages+=(python3-docker)
# The pull/push compat tests use Distribution (Debian's docker-registry) as the registry peer.
packages+=(docker-registry)
# skopeo is the registry client the registry's compat tests copy images with.
packages+=(skopeo)
# Networking: nftables programs berth's own table (NAT, published ports, isolation); iproute2
# makes namespaces, bridges and veths.
packages+=(nftables iproute2)
packages+=(docker.io)
# debootstrap makes the Debian rootfs (once, cached) that the interop tests build a realistic
# multi-layer image from.
packages+=(debootstrap)

missing=()
for p in "${packages[@]}"; do
  # dpkg-query prints "install ok installed" only for fully configured packages.
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    log "missing packages: ${missing[*]} — run this script as root to install them"
    exit 1
  fi
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Only refresh the package index when something must be installed: it is the
  # slow, network-bound part and a no-op run should stay offline.
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
else
  log "system packages present"
fi

# Overlay is how container root filesystems are assembled; load the module when
# it is a module and not yet loaded (harmless when built in or unavailable).
if ! grep -qw overlay /proc/filesystems && command -v modprobe >/dev/null; then
  modprobe overlay 2>/dev/null || log "warning: could not load the overlay module"
fi

# npm ci wipes node_modules and reinstalls; skip it when the installed tree
# already matches the lockfile (npm records that in node_modules/.package-lock.json,
# written after package-lock.json by a successful install).
if [[ ! -d node_modules || ! -f node_modules/.package-lock.json \
      || package-lock.json -nt node_modules/.package-lock.json \
      || package.json -nt node_modules/.package-lock.json \
      || -n "${BERTH_FORCE_NPM_CI:-}" ]]; then
  log "npm ci"
  npm ci --no-audit --no-fund
else
  log "node_modules up to date"
fi

# npm ci builds the addon itself; a node_modules that came from elsewhere did not.
if [[ ! -f build/Release/berth_seqpacket.node ]]; then
  log "building the native addon"
  bash scripts/build-native.sh
fi

log "npm run build"
npm run build

log "done"
