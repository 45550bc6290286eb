#!/usr/bin/env bash
# Volume benchmark: berthd against Docker Engine (Debian's docker.io) on this machine, containers
# on --network none, interleaved round by round. Prints medians and ratios as a markdown table.
# Not part of `npm test`: speed is reported, never asserted.
#
#   (a) throughput inside a running busybox container: dd of BENCH_MIB MiB to a named volume and
#       to a bind mount (writes with conv=fsync; reads after the host's page cache is dropped, so
#       they come from the disk), timed inside the container with adjtimex (microseconds, no
#       exec or CLI overhead counted), and the same dd on the host as the ceiling;
#   (b) the time of `run --rm busybox true` and of the same with 5 named volumes (made before,
#       so the measure is mounting them, not creating them).
#
# usage: sudo bench/volume.sh [--rounds N] [--io-rounds N] [--mib N] [--targets "berth docker"]
#
# Environment (same as the flags): BENCH_ROUNDS (15), BENCH_IO_ROUNDS (5), BENCH_MIB (256),
# BENCH_TARGETS ("berth docker"), BENCH_DROP_CACHES (1; 0 reads from the page cache),
# DOCKER_CLI (/usr/local/bin/docker), BENCH_KEEP=1 keeps the temp dir (logs). Each engine gets
# its own data root, exec root and socket; Docker runs with --bridge none --iptables=false and
# berth with a network tag and subnets of this run's own, so other engines on the host are left alone.
set -euo pipefail

rounds="${BENCH_ROUNDS:-15}"
io_rounds="${BENCH_IO_ROUNDS:-5}"
mib="${BENCH_MIB:-256}"
targets="${BENCH_TARGETS:-berth docker}"
drop_caches="${BENCH_DROP_CACHES:-1}"
while (($#)); do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --io-rounds) io_rounds="$2"; shift 2 ;;
    --mib) mib="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $(id -u) -eq 0 ]] || die "run as root: the engines need mounts, namespaces and cgroups"
[[ "$rounds" =~ ^[0-9]+$ && "$io_rounds" =~ ^[0-9]+$ && "$mib" =~ ^[0-9]+$ ]] || die "--rounds, --io-rounds and --mib take numbers"

has_target docker && apt_install docker.io busybox-static
has_target berth && apt_install crun runc conmon iptables busybox-static nftables iproute2

berth_tag=bnv
berth_bip=10.234.0.1/24
berth_pool=base=10.233.0.0/16,size=24

# Short: berth's exec root holds attach sockets whose paths must fit in sun_path.
base="$(mktemp -d /tmp/bnv.XXXXXX)"
declare -A daemon_pid=()

# ---- cleanup ----------------------------------------------------------------
cleanup() {
  local rc=$?
  set +e
  for t in "${!daemon_pid[@]}"; do
    local ids
    ids="$(dk "$t" ps -aq 2>/dev/null)"
    # shellcheck disable=SC2086 # ids are whitespace-separated on purpose
    [[ -n "$ids" ]] && dk "$t" rm -f $ids >/dev/null 2>&1
    kill -TERM "${daemon_pid[$t]}" 2>/dev/null
  done
  for t in "${!daemon_pid[@]}"; do
    for _ in $(seq 100); do kill -0 "${daemon_pid[$t]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${daemon_pid[$t]}" 2>/dev/null
  done
  for p in $(pids_mentioning "$base/"); do kill -KILL "$p" 2>/dev/null; done
  sleep 0.5
  awk -v pfx="$base/" '{ mp = $5; gsub(/\\040/, " ", mp); if (index(mp, pfx) == 1) print length(mp) "\t" mp }' /proc/self/mountinfo \
    | sort -rn | cut -f2- | while IFS= read -r mp; do umount -l "$mp" 2>/dev/null; done
  if has_target berth; then
    local left=""
    nft list table inet "$berth_tag" >/dev/null 2>&1 && { left+=" nft-table"; nft delete table inet "$berth_tag"; }
    for l in $(ip -o link show | awk -F': ' '{ print $2 }' | cut -d@ -f1 | grep -E "^${berth_tag}(0|-|v)"); do left+=" $l"; ip link del "$l" 2>/dev/null; done
    for n in $(ip netns list | awk '{ print $1 }' | grep -E "^${berth_tag}-"); do left+=" netns:$n"; ip netns del "$n"; done
    [[ -n "$left" ]] && log "removed what berth keeps past a stop (its bridge and table) or left behind:$left"
  fi
  if [[ -n "${BENCH_KEEP:-}" ]]; then log "kept $base"; else rm -rf "$base"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- helpers ----------------------------------------------------------------
dir_of() { case "$1" in berth) echo b ;; *) echo "$1" ;; esac; }
dk() {
  local t="$1"; shift
  DOCKER_HOST="unix://$base/$(dir_of "$t")/engine.sock" DOCKER_CONFIG="$base/docker-config" "$docker_cli" "$@"
}
pids_mentioning() {
  local needle="$1" p cmd
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    [[ "$p" == "$$" || "$p" == "$BASHPID" ]] && continue
    cmd="$({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null)" || continue
    [[ "$cmd" == *"$needle"* ]] && echo "$p"
  done
}
now_us() { local t="${EPOCHREALTIME/./}"; echo "$((10#$t))"; }
record() { echo "$3" >>"$base/results/$1.$2"; }
timed() {
  local t="$1" measure="$2"; shift 2
  local s e out
  s="$(now_us)"
  if ! out="$("$@" 2>&1)"; then log "$t: '$*' failed: $out"; return 1; fi
  e="$(now_us)"
  record "$t" "$measure" "$((e - s))"
}
wait_ready() {
  local t="$1" secs="$2"
  for _ in $(seq $((secs * 10))); do
    dk "$t" version --format '{{.Server.Version}}' >/dev/null 2>&1 && return 0
    kill -0 "${daemon_pid[$t]}" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
make_busybox_tar() {
  local dir="$base/busybox-rootfs" a
  mkdir -p "$dir/bin" "$dir/tmp" "$dir/etc"
  cp "$(command -v busybox)" "$dir/bin/busybox"
  for a in $("$dir/bin/busybox" --list); do [[ "$a" == busybox ]] || ln -sf busybox "$dir/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
  tar -C "$dir" -cf "$base/busybox.tar" .
}

start_berth() {
  local d="$base/b"
  mkdir -p "$d/root" "$d/x"
  if [[ ! -f "$repo/dist/src/cmd/berthd.js" ]]; then (cd "$repo" && npm run build >&2) || true; fi
  [[ -x "$repo/bin/berthd" && -f "$repo/dist/src/cmd/berthd.js" ]] || { log "berth: bin/berthd or dist/ missing"; return 1; }
  "$repo/bin/berthd" -H "unix://$d/engine.sock" --data-root "$d/root" --exec-root "$d/x" --pidfile "$d/berthd.pid" \
    --net-tag "$berth_tag" --bip "$berth_bip" --default-address-pool "$berth_pool" \
    ${BENCH_BERTH_LOG_LEVEL:+--log-level "$BENCH_BERTH_LOG_LEVEL"} >"$d/daemon.log" 2>&1 </dev/null &
  daemon_pid[berth]=$!
  wait_ready berth 30 || { log "berth: not ready; log tail:"; tail -n 20 "$d/daemon.log" >&2; return 1; }
}

start_docker() {
  local d="$base/docker"
  mkdir -p "$d/root" "$d/exec"
  dockerd --data-root "$d/root" --exec-root "$d/exec" -H "unix://$d/engine.sock" \
    --pidfile "$d/dockerd.pid" --bridge none --iptables=false --ip-masq=false \
    >"$d/daemon.log" 2>&1 </dev/null &
  daemon_pid[docker]=$!
  wait_ready docker 60 || { log "docker: not ready; log tail:"; tail -n 20 "$d/daemon.log" >&2; return 1; }
  dk docker import - busybox:latest <"$base/busybox.tar" >/dev/null
}

mkdir -p "$base/results" "$base/docker-config"
has_target docker && make_busybox_tar

active=()
for t in $targets; do
  log "starting $t"
  if "start_$t"; then active+=("$t"); else log "$t skipped"; unset "daemon_pid[$t]"; fi
done
((${#active[@]})) || die "no engine started"

order_for_round() {
  if (($1 % 2)); then printf '%s\n' "${active[@]}" | tac; else printf '%s\n' "${active[@]}"; fi
}

# ---- (a) throughput ---------------------------------------------------------
# Microseconds from adjtimex (read-only, no privilege needed): busybox's date has no %N.
# shellcheck disable=SC2016 # expanded by the container's shell
us='us() { adjtimex | awk '"'"'/tv_sec/ { s = $2 } /tv_usec/ { u = $2 } END { printf "%.0f\n", s * 1000000 + u }'"'"'; }'
dd_write="$us; t0=\$(us); dd if=/dev/zero of=\"\$1/f\" bs=1M count=$mib conv=fsync 2>/dev/null || exit 1; t1=\$(us); echo \$((t1 - t0))"
dd_read="$us; t0=\$(us); dd if=\"\$1/f\" of=/dev/null bs=1M 2>/dev/null || exit 1; t1=\$(us); echo \$((t1 - t0))"
# The host runs the same busybox applets, so the ceiling is measured with the same dd.
host_write="${dd_write//adjtimex/busybox adjtimex}"; host_write="${host_write//dd if/busybox dd if}"
host_read="${dd_read//adjtimex/busybox adjtimex}"; host_read="${host_read//dd if/busybox dd if}"
drop() { sync; ((drop_caches)) && echo 3 >/proc/sys/vm/drop_caches || true; }

declare -A io_ctr=()
for t in "${active[@]}"; do
  mkdir -p "$base/bind-$t"
  io_ctr[$t]="$(dk "$t" run -d --network none -v iovol:/vol -v "$base/bind-$t:/bind" busybox sleep 3600)"
  dk "$t" exec "${io_ctr[$t]}" sh -c "$us; us" | grep -qE '^[0-9]{10,}$' || die "$t: adjtimex gives no time inside the container"
done
mkdir -p "$base/host-io"
log "dd ${mib} MiB, write (fsync) and read (cold cache: $drop_caches): $io_rounds rounds"
for ((r = 0; r < io_rounds; r++)); do
  drop
  record host write "$(sh -c "$host_write" sh "$base/host-io")"
  drop
  record host read "$(sh -c "$host_read" sh "$base/host-io")"
  for t in $(order_for_round "$r"); do
    for dst in vol bind; do
      drop
      record "$t" "write_$dst" "$(dk "$t" exec "${io_ctr[$t]}" sh -c "$dd_write" sh "/$dst")"
      drop
      record "$t" "read_$dst" "$(dk "$t" exec "${io_ctr[$t]}" sh -c "$dd_read" sh "/$dst")"
    done
  done
done
for t in "${active[@]}"; do dk "$t" rm -f "${io_ctr[$t]}" >/dev/null; dk "$t" volume rm iovol >/dev/null; done
rm -rf "$base/host-io" "$base"/bind-*

# ---- (b) start with volumes -------------------------------------------------
vols=()
for i in 1 2 3 4 5; do vols+=(-v "bv$i:/v$i"); done
for t in "${active[@]}"; do
  for i in 1 2 3 4 5; do dk "$t" volume create "bv$i" >/dev/null; done
  for _ in 1 2 3; do # warm-up: lazily loaded code, page cache
    dk "$t" run --rm --network none busybox true >/dev/null
    dk "$t" run --rm --network none "${vols[@]}" busybox true >/dev/null
  done
done
log "run --rm, bare and with 5 named volumes: $rounds rounds"
for ((r = 0; r < rounds; r++)); do
  for t in $(order_for_round "$r"); do
    # Which of the pair goes first alternates too: a run can pay for the previous one's cleanup.
    if ((r % 2)); then
      timed "$t" run_vols dk "$t" run --rm --network none "${vols[@]}" busybox true
      timed "$t" run dk "$t" run --rm --network none busybox true
    else
      timed "$t" run dk "$t" run --rm --network none busybox true
      timed "$t" run_vols dk "$t" run --rm --network none "${vols[@]}" busybox true
    fi
    # The pair's difference: drift and load that hit both runs of a round cancel out.
    record "$t" vols_diff "$(($(tail -n 1 "$base/results/$t.run_vols") - $(tail -n 1 "$base/results/$t.run")))"
  done
done

# ---- report -----------------------------------------------------------------
median() {
  local f="$base/results/$1.$2"
  [[ -s "$f" ]] || { echo ""; return; }
  sort -n "$f" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ms() { local m; m="$(median "$1" "$2")"; [[ -n "$m" ]] && awk -v m="$m" 'BEGIN { printf "%.1f", m / 1000 }'; }
mibs() { local m; m="$(median "$1" "$2")"; [[ -n "$m" ]] && awk -v m="$m" -v n="$mib" 'BEGIN { printf "%.0f", n / (m / 1e6) }'; }
ratio() { if [[ -n "$1" && -n "$2" ]] && awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else echo "n/a"; fi; }

declare -A val=()
for t in berth docker host; do
  for k in write_vol read_vol write_bind read_bind write read; do val[$t.$k]="$(mibs "$t" "$k" || true)"; done
  val[$t.run]="$(ms "$t" run || true)"
  val[$t.run_vols]="$(ms "$t" run_vols || true)"
  val[$t.vols_cost]="$(ms "$t" vols_diff || true)"
done
row() {
  local b="${val[berth.$2]:-}" d="${val[docker.$2]:-}"
  printf '| %s | %s | %s | %s | %s |\n' "$1" "${b:-n/a}" "${d:-n/a}" "${3:-}" "$(ratio "$b" "$d")"
}

echo
echo "## berth vs Docker Engine, volumes — $(date -u +%F) on $(uname -r), $(nproc) CPUs"
echo
echo "docker CLI $("$docker_cli" version --format '{{.Client.Version}}' 2>/dev/null); engines:"
for t in "${active[@]}"; do echo "- $t: $(dk "$t" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null)"; done
echo
echo "Throughput: medians of $io_rounds rounds of dd ${mib} MiB (bs=1M) in a running busybox container, in MiB/s"
echo "(higher is better); reads $( ((drop_caches)) && echo "after dropping the page cache" || echo "from the page cache"). Times: medians of $rounds interleaved rounds, in ms."
echo "Data roots and bind sources on $(df --output=source,fstype "$base" | tail -n 1 | tr -s ' ')."
echo
echo '| measure | berth | docker | host | berth/docker |'
echo '|---|---:|---:|---:|---:|'
row 'write, named volume (MiB/s)' write_vol "${val[host.write]}"
row 'read, named volume (MiB/s)' read_vol "${val[host.read]}"
row 'write, bind mount (MiB/s)' write_bind "${val[host.write]}"
row 'read, bind mount (MiB/s)' read_bind "${val[host.read]}"
row 'run --rm busybox true (ms)' run
row 'run --rm with 5 named volumes (ms)' run_vols
row '5 volumes: extra ms over a bare run (median of paired differences)' vols_cost
echo
