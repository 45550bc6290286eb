# Shared by the bench scripts: sourced after their flags are parsed (uses $targets).
# shellcheck shell=bash

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
docker_cli="${DOCKER_CLI:-/usr/local/bin/docker}"
[[ -x "$docker_cli" ]] || docker_cli="$(command -v docker)"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# Installs the Debian packages not yet installed (docker.io only ever for the benchmarks).
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

has_target() { [[ " $targets " == *" $1 "* ]]; }
