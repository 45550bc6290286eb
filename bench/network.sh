#!/usr/bin/env bash
# Networking benchmark: berthd against Docker Engine (Debian's docker.io) on this machine, both
# with real networking (berth's default bridge; Docker's default bridge with its iptables NAT),
# interleaved round by round. Prints medians and ratios as a markdown table. Not part of
# `npm test`: speed is reported, never asserted.
#
#   (a) `run --rm busybox true` on the default bridge, and with --network none (the cost of the
#       network set-up is the difference);
#   (b) TCP throughput between the host and a container through a published port: curl on the
#       host downloads a file from busybox httpd in the container, via 127.0.0.1 (Docker: its
#       userland proxy) and via the host's own address (Docker: DNAT), plus the same download
#       from a host httpd as the ceiling.
#
# usage: sudo bench/network.sh [--rounds N] [--mib N] [--targets "berth docker"]
#
# Environment (same as the flags): BENCH_ROUNDS (15), BENCH_MIB (1024, per transfer),
# BENCH_TARGETS ("berth docker"), DOCKER_CLI (/usr/local/bin/docker), BENCH_KEEP=1 keeps the temp
# dir (logs). Each engine gets its own data root, exec root, socket, bridge and subnets, so the
# run leaves other engines on the host alone; Docker's iptables rules for its bridge are removed
# at the end (its shared DOCKER chains only when no other dockerd uses them).
set -euo pipefail

rounds="${BENCH_ROUNDS:-15}"
mib="${BENCH_MIB:-1024}"
targets="${BENCH_TARGETS:-berth docker}"
xfer_rounds=3
while (($#)); do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --mib) mib="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $(id -u) -eq 0 ]] || die "run as root: the engines need mounts, namespaces, bridges and NAT"
[[ "$rounds" =~ ^[0-9]+$ && "$mib" =~ ^[0-9]+$ ]] || die "--rounds and --mib take numbers"

apt_install curl
has_target docker && apt_install docker.io busybox-static iptables
has_target berth && apt_install crun runc conmon iptables busybox-static nftables iproute2

# Addresses of this run's own: Docker gets a bridge made here (not docker0, which another
# dockerd may own) and a pool of its own; berth a tag, bridge subnet and pool of its own.
docker_bridge=tbnd0
docker_bridge_cidr=172.30.0.1/24
docker_pool=base=172.29.0.0/16,size=24
berth_tag=bnb
berth_bip=10.238.0.1/24
berth_pool=base=10.237.0.0/16,size=24
berth_flags=(--net-tag "$berth_tag" --bip "$berth_bip" --default-address-pool "$berth_pool")

base="$(mktemp -d /tmp/bnn.XXXXXX)"
declare -A daemon_pid=()
made_bridge=0
forward_policy="$(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3 }')"
tables_before="$(nft list tables 2>/dev/null || true)"
host_server_pid=""

# ---- cleanup ----------------------------------------------------------------
other_dockerd_with_iptables() {
  local p cmd
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    [[ "$p" == "${daemon_pid[docker]:-x}" ]] && continue
    cmd="$({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null)" || continue
    [[ "$cmd" == dockerd* || "$cmd" == */dockerd\ * ]] || continue
    [[ "$cmd" == *--iptables=false* ]] || return 0
  done
  return 1
}

# Docker leaves its rules when it stops: remove the ones naming this run's bridges and subnets,
# then Docker's chains (only if no other dockerd uses them), then iptables' tables if this run
# made them. berth's own table is berth's business (it removes it on a clean stop).
clean_docker_iptables() {
  local bridges="$1" shared=1 table rule chain
  other_dockerd_with_iptables && shared=0
  for table in filter nat; do
    iptables -t "$table" -S >/dev/null 2>&1 || continue
    while IFS= read -r rule; do
      [[ "$rule" == "-A "* ]] || continue
      local mine=0 b
      for b in $bridges; do [[ "$rule" == *"$b"* ]] && mine=1; done
      [[ "$rule" == *172.29.* || "$rule" == *172.30.0.* ]] && mine=1
      ((shared)) && [[ "$rule" == *"-j DOCKER"* ]] && mine=1
      # shellcheck disable=SC2086 # the rule's words are iptables arguments
      ((mine)) && eval iptables -t "$table" ${rule/#-A/-D} 2>/dev/null
    done < <(iptables -t "$table" -S)
    if ((shared)); then
      for chain in $(iptables -t "$table" -S | awk '$1 == "-N" && $2 ~ /^DOCKER/ { print $2 }'); do
        iptables -t "$table" -F "$chain" 2>/dev/null; iptables -t "$table" -X "$chain" 2>/dev/null
      done
    fi
    # shellcheck disable=SC2143 # the table is empty when nothing but policies is left
    if ! grep -qx "table ip $table" <<<"$tables_before" && [[ -z "$(iptables -t "$table" -S | grep -v '^-P ')" ]]; then
      nft delete table ip "$table" 2>/dev/null
    fi
  done
  # Only when dockerd changed it: setting a policy would re-create a table removed above.
  local now
  now="$(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3 }')"
  if [[ -n "$forward_policy" && -n "$now" && "$now" != "$forward_policy" ]]; then iptables -P FORWARD "$forward_policy"; fi
}

cleanup() {
  local rc=$?
  set +e
  [[ -n "$host_server_pid" ]] && kill "$host_server_pid" 2>/dev/null
  local docker_bridges="$docker_bridge"
  if [[ -n "${daemon_pid[docker]:-}" ]]; then
    for id in $(dk docker network ls -q --no-trunc --filter driver=bridge 2>/dev/null); do docker_bridges+=" br-${id:0:12}"; done
  fi
  stop_daemons
  if has_target docker; then
    for b in $docker_bridges; do
      [[ "$b" == "$docker_bridge" && $made_bridge -eq 0 ]] && continue
      ip link del "$b" 2>/dev/null
    done
    clean_docker_iptables "$docker_bridges"
  fi
  # berthd should take its kernel objects with it when it stops; whatever of this run's tag is
  # left (a daemon that died) is removed here and reported.
  has_target berth && remove_berth_leftovers "berth left behind (now removed)"
  remove_base
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- helpers ----------------------------------------------------------------
host_address() { ip -4 -o addr show scope global | awk '$2 !~ /^(docker|br-|veth|tbnd|bnb|berth)/ { split($4, a, "/"); print a[1]; exit }'; }

# ---- engines ----------------------------------------------------------------
# Replaces lib.sh's start_docker: Docker's networking on, on a bridge of this run's own.
start_docker() {
  local d="$base/docker"
  mkdir -p "$d/root" "$d/exec"
  if ! ip link show "$docker_bridge" >/dev/null 2>&1; then
    ip link add "$docker_bridge" type bridge && made_bridge=1
    ip addr add "$docker_bridge_cidr" dev "$docker_bridge"
    ip link set "$docker_bridge" up
  fi
  # A default bridge of its own (--bridge) with Docker's NAT on: the set-up Docker users have.
  dockerd --data-root "$d/root" --exec-root "$d/exec" -H "unix://$d/engine.sock" --pidfile "$d/dockerd.pid" \
    --bridge "$docker_bridge" --default-address-pool "$docker_pool" --log-level warn >"$d/daemon.log" 2>&1 </dev/null &
  daemon_pid[docker]=$!
  wait_ready docker 60 || { log "docker: not ready; log tail:"; tail -n 20 "$d/daemon.log" >&2; return 1; }
  # dockerd sets FORWARD to DROP when it enables forwarding; other engines' containers forward too.
  [[ -n "$forward_policy" ]] && iptables -P FORWARD "$forward_policy"
  dk docker import - busybox:latest <"$base/busybox.tar" >/dev/null
}

mkdir -p "$base/results" "$base/docker-config"
has_target docker && make_busybox_tar

start_engines

# ---- (a) run --rm latency ----------------------------------------------------
for t in "${active[@]}"; do
  for _ in 1 2 3; do
    dk "$t" run --rm busybox true >/dev/null
    dk "$t" run --rm --network none busybox true >/dev/null
  done
done
log "run --rm: $rounds rounds"
for ((r = 0; r < rounds; r++)); do
  for t in $(order_for_round "$r"); do
    timed "$t" run_bridge dk "$t" run --rm busybox true >/dev/null
    timed "$t" run_none dk "$t" run --rm --network none busybox true >/dev/null
  done
done

# ---- (b) TCP throughput through a published port ------------------------------
# busybox httpd in the container serves a $mib MiB file from a tmpfs (with sendfile), curl on the
# host fetches it into /dev/null: the data path (proxy process or kernel NAT) is what differs
# between the engines, not the endpoints. Records microseconds per transfer.
addr="$(host_address)"
[[ -n "$addr" ]] || die "no global IPv4 address on this host"

xfer() { # target measure url
  local secs
  secs="$(curl -sS --fail -o /dev/null -w '%{time_total}' "$3")" || { log "$1: GET $3 failed"; return 1; }
  awk -v s="$secs" 'BEGIN { printf "%d\n", s * 1e6 }' >>"$base/results/$1.$2"
}
serve_big='dd if=/dev/zero of=/www/big bs=1M count='"$mib"' 2>/dev/null && echo ready && exec httpd -f -p 8080 -h /www'

for t in "${active[@]}"; do
  dk "$t" run -d --name bench-src -p 8080 --tmpfs "/www:size=$((mib + 16))m" busybox sh -c "$serve_big" >/dev/null
  for _ in $(seq 300); do dk "$t" logs bench-src 2>/dev/null | grep -q ready && break; sleep 0.1; done
  port="$(dk "$t" port bench-src 8080/tcp | head -n1 | sed 's/.*://')"
  for _ in $(seq 50); do curl -s -o /dev/null -r 0-0 "http://$addr:$port/big" && break; sleep 0.1; done
  log "$t: throughput, $xfer_rounds × $mib MiB from 127.0.0.1:$port and $addr:$port"
  for ((r = 0; r < xfer_rounds; r++)); do
    xfer "$t" tput_lo "http://127.0.0.1:$port/big"
    xfer "$t" tput_addr "http://$addr:$port/big"
  done
  dk "$t" rm -f bench-src >/dev/null
done

# The ceiling: the same transfer from a host httpd on 127.0.0.1, no container involved.
mkdir -p "$base/www"
dd if=/dev/zero of="$base/www/big" bs=1M count="$mib" status=none
hp=47001
busybox httpd -f -p "127.0.0.1:$hp" -h "$base/www" &
host_server_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null -r 0-0 "http://127.0.0.1:$hp/big" && break; sleep 0.1; done
for ((r = 0; r < xfer_rounds; r++)); do xfer host tput_lo "http://127.0.0.1:$hp/big"; done
kill "$host_server_pid" 2>/dev/null; wait "$host_server_pid" 2>/dev/null || true
host_server_pid=""
rm -f "$base/www/big"

# ---- report -----------------------------------------------------------------
mbs() { local m; m="$(median "$1" "$2")"; [[ -n "$m" ]] && awk -v m="$m" -v n="$mib" 'BEGIN { printf "%.0f", n * 1048576 / (m / 1e6) / 1e6 }'; }
diff_ms() { [[ -n "$1" && -n "$2" ]] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }

declare -A val=()
for t in berth docker; do
  val[$t.bridge]="$(ms "$t" run_bridge || true)"
  val[$t.none]="$(ms "$t" run_none || true)"
  val[$t.cost]="$(diff_ms "${val[$t.bridge]}" "${val[$t.none]}" || true)"
  val[$t.lo]="$(mbs "$t" tput_lo || true)"
  val[$t.addr]="$(mbs "$t" tput_addr || true)"
done
row() {
  local b="${val[berth.$2]:-}" d="${val[docker.$2]:-}"
  printf '| %s | %s | %s | %s |\n' "$1" "${b:-n/a}" "${d:-n/a}" "$(ratio "$b" "$d")"
}

echo
echo "## berth vs Docker Engine, networking — $(date -u +%F) on $(uname -r), $(nproc) CPUs"
echo
for t in "${active[@]}"; do echo "- $t: $(dk "$t" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null)"; done
echo
echo "run: medians of $rounds interleaved rounds, ms. Throughput: median of $xfer_rounds downloads of $mib MiB"
echo "by curl on the host from busybox httpd in a container through a published port, MB/s (higher is"
echo "better); the same from a host httpd on 127.0.0.1, no container: $(mbs host tput_lo || echo n/a) MB/s."
echo
echo '| measure | berth | docker | berth/docker |'
echo '|---|---:|---:|---:|'
row 'run --rm busybox true (default bridge), ms' bridge
row 'run --rm --network none busybox true, ms' none
row 'network set-up cost (bridge − none), ms' cost
row 'TCP from a published port via 127.0.0.1, MB/s' lo
row "TCP from a published port via the host's address, MB/s" addr
echo
