#!/usr/bin/env bash
# Image transfer benchmark: berthd against Docker Engine (Debian's docker.io) with a Distribution
# registry (Debian's docker-registry) on loopback, interleaved round by round. Prints medians and
# ratios as a markdown table. Not part of `npm test`: speed is reported, never asserted.
#
# The test image has the shape of a Debian root filesystem (thousands of small files, symlinks,
# some large files) in three layers, built by Docker from directories of this host (FROM scratch,
# ADD of three tarballs) and pushed to the registry once. Each round, on each engine:
#   pull   `pull` of the image after `rmi` (layers and blobs gone, so everything is fetched);
#   push   `push` of the same image under a new repository name (blobs the registry has are
#          mounted or skipped, as a real re-push is);
#   save   `save -o` of the image to a file;
#   load   `load -i` of that file after `rmi`.
#
# usage: sudo bench/images.sh [--rounds N] [--targets "berth docker"] [--dirs "etc usr/share/doc ..."]
#
# Environment (same as the flags): BENCH_ROUNDS (5), BENCH_TARGETS ("berth docker"),
# BENCH_IMAGE_DIRS (three groups separated by ";", paths relative to /, default
# "etc var/lib/dpkg;usr/share/doc usr/share/zoneinfo;usr/share/perl usr/lib/x86_64-linux-gnu/perl-base"),
# DOCKER_CLI (/usr/local/bin/docker), BENCH_KEEP=1 keeps the temp dir (logs). Each engine and
# the registry get their own data root and socket or port; Docker runs with --bridge none
# --iptables=false, berth with a network tag and subnets of this run's own.
set -euo pipefail

rounds="${BENCH_ROUNDS:-5}"
targets="${BENCH_TARGETS:-berth docker}"
image_dirs="${BENCH_IMAGE_DIRS:-etc var/lib/dpkg;usr/share/doc usr/share/zoneinfo;usr/share/perl usr/lib/x86_64-linux-gnu/perl-base}"
while (($#)); do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    --dirs) image_dirs="$2"; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $(id -u) -eq 0 ]] || die "run as root: the engines need mounts, namespaces and cgroups"
[[ "$rounds" =~ ^[0-9]+$ ]] || die "--rounds takes a number"
has_target docker || die "the image is built and seeded by Docker: --targets must include docker"

apt_install docker.io docker-registry busybox-static
has_target berth && apt_install crun runc conmon iptables busybox-static nftables iproute2 attr

berth_tag=bni
berth_flags=(--net-tag "$berth_tag" --bip 10.236.0.1/24 --default-address-pool base=10.235.0.0/16,size=24
  ${BENCH_BERTH_LOG_LEVEL:+--log-level "$BENCH_BERTH_LOG_LEVEL"})

# Short: berth's exec root holds attach sockets whose paths must fit in sun_path.
base="$(mktemp -d /tmp/bni.XXXXXX)"
declare -A daemon_pid=()
registry_pid=""

cleanup() {
  local rc=$?
  set +e
  if [[ -n "$registry_pid" ]]; then
    kill -TERM "$registry_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$registry_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$registry_pid" 2>/dev/null
    wait "$registry_pid" 2>/dev/null
  fi
  stop_daemons
  has_target berth && remove_berth_leftovers "removed what berth keeps past a stop (its bridge and table) or left behind"
  remove_base
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$base/results" "$base/docker-config" "$base/registry" "$base/image"

# ---- registry ---------------------------------------------------------------
port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }
port=""
for _ in $(seq 50); do
  p=$((40000 + RANDOM % 20000))
  if port_free "$p"; then port="$p"; break; fi
done
[[ -n "$port" ]] || die "no free loopback port for the registry"
reg="127.0.0.1:$port"
cat >"$base/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $base/registry/data
  delete:
    enabled: true
http:
  addr: $reg
EOF
docker-registry serve "$base/registry/config.yml" >"$base/registry/log" 2>&1 </dev/null &
registry_pid=$!
for _ in $(seq 100); do curl -fsS "http://$reg/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://$reg/v2/" >/dev/null || { tail -n 20 "$base/registry/log" >&2; die "registry not ready"; }
log "registry $(docker-registry --version 2>&1 | awk '{ print $NF }') on $reg"

docker_flags=(--insecure-registry "$reg")
berth_flags+=(--insecure-registry "$reg")
make_busybox_tar
start_engines

# ---- the test image ---------------------------------------------------------
image="$reg/bench/rootfs:latest"
IFS=';' read -r -a groups <<<"$image_dirs"
{
  echo "FROM scratch"
  for i in "${!groups[@]}"; do echo "ADD layer$i.tar /"; done
} >"$base/image/Dockerfile"
for i in "${!groups[@]}"; do
  # shellcheck disable=SC2086 # a group is a space-separated list of paths on purpose
  tar -C / --numeric-owner --warning=no-file-ignored -cf "$base/image/layer$i.tar" ${groups[$i]}
done
log "image: ${#groups[@]} layers, $(du -sh --apparent-size "$base"/image/layer*.tar | awk '{ s = s " " $1 } END { print s }' ) uncompressed, $(cat "$base"/image/layer*.tar | tar -ti | wc -l) entries"
DOCKER_BUILDKIT=0 dk docker build -q -t "$image" "$base/image" >/dev/null 2>"$base/build.log" || { cat "$base/build.log" >&2; die "docker build failed"; }
dk docker push -q "$image" >/dev/null
rm -rf "$base/image"

# ---- rounds -----------------------------------------------------------------
round() {
  local t="$1" r="$2" record="$3" pushed="$reg/bench/push-$t-$2:latest"
  # The first round of an engine has no image yet.
  dk "$t" rmi -f "$image" >/dev/null 2>&1 || true
  if ((record)); then timed "$t" pull dk "$t" pull -q "$image" >/dev/null; else dk "$t" pull -q "$image" >/dev/null; fi
  dk "$t" tag "$image" "$pushed"
  if ((record)); then timed "$t" push dk "$t" push -q "$pushed" >/dev/null; else dk "$t" push -q "$pushed" >/dev/null; fi
  dk "$t" rmi "$pushed" >/dev/null
  rm -f "$base/save-$t.tar"
  if ((record)); then timed "$t" save dk "$t" save -o "$base/save-$t.tar" "$image" >/dev/null; else dk "$t" save -o "$base/save-$t.tar" "$image"; fi
  dk "$t" rmi -f "$image" >/dev/null
  if ((record)); then timed "$t" load dk "$t" load -q -i "$base/save-$t.tar" >/dev/null; else dk "$t" load -q -i "$base/save-$t.tar" >/dev/null; fi
  rm -f "$base/save-$t.tar"
}

log "warm-up round"
for t in "${active[@]}"; do round "$t" w 0; done
log "pull, push, save, load: $rounds rounds"
for ((r = 0; r < rounds; r++)); do
  for t in $(order_for_round "$r"); do round "$t" "$r" 1; done
done

# ---- report -----------------------------------------------------------------
row() {
  local b d
  b="$(ms berth "$2" || true)"
  d="$(ms docker "$2" || true)"
  printf '| %s | %s | %s | %s |\n' "$1" "${b:-n/a}" "${d:-n/a}" "$(ratio "$b" "$d")"
}
echo
echo "## berth vs Docker Engine, image transfer — $(date -u +%F) on $(uname -r), $(nproc) CPUs"
echo
echo "docker CLI $("$docker_cli" version --format '{{.Client.Version}}' 2>/dev/null); registry: Distribution $(docker-registry --version 2>&1 | awk '{ print $NF }') on loopback; engines:"
for t in "${active[@]}"; do echo "- $t: $(dk "$t" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null)"; done
echo
echo "Image: ${#groups[@]} layers from this host's ${image_dirs//;/ | }. Medians of $rounds interleaved rounds, in ms."
echo "Data roots on $(df --output=source,fstype "$base" | tail -n 1 | tr -s ' '); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo '| measure | berth | docker | berth/docker |'
echo '|---|---:|---:|---:|'
row 'pull after rmi (ms)' pull
row 'push to a new repository (ms)' push
row 'save -o (ms)' save
row 'load -i after rmi (ms)' load
echo
