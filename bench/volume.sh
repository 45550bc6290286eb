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

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $(id -u) -eq 0 ]] || die "run as root: the engines need mounts, namespaces and cgroups"
[[ "$rounds" =~ ^[0-9]+$ && "$io_rounds" =~ ^[0-9]+$ && "$mib" =~ ^[0-9]+$ ]] || die "--rounds, --io-rounds and --mib take numbers"

has_target docker && apt_install docker.io busybox-static
has_target berth && apt_install crun runc conmon iptables busybox-static nftables iproute2

berth_tag=bnv
berth_bip=10.234.0.1/24
berth_pool=base=10.233.0.0/16,size=24
berth_flags=(--net-tag "$berth_tag" --bip "$berth_bip" --default-address-pool "$berth_pool"
  ${BENCH_BERTH_LOG_LEVEL:+--log-level "$BENCH_BERTH_LOG_LEVEL"})

# Short: berth's exec root holds attach sockets whose paths must fit in sun_path.
base="$(mktemp -d /tmp/bnv.XXXXXX)"
declare -A daemon_pid=()

# ---- cleanup ----------------------------------------------------------------
cleanup() {
  local rc=$?
  set +e
  stop_daemons
  has_target berth && remove_berth_leftovers "removed what berth keeps past a stop (its bridge and table) or left behind"
  remove_base
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- helpers ----------------------------------------------------------------
record() { echo "$3" >>"$base/results/$1.$2"; }
mkdir -p "$base/results" "$base/docker-config"
has_target docker && make_busybox_tar

start_engines

# ---- (a) throughput ---------------------------------------------------------
# Microseconds from adjtimex (read-only, no privilege needed): busybox's date has no %N.
# shellcheck disable=SC2016 # expanded by the container's shell
us='us() { adjtimex | awk '"'"'/tv_sec/ { s = $2 } /tv_usec/ { u = $2 } END { printf "%.0f\n", s * 1000000 + u }'"'"'; }'
dd_write="$us; t0=\$(us); dd if=/dev/zero of=\"\$1/f\" bs=1M count=$mib conv=fsync 2>/dev/null || exit 1; t1=\$(us); echo \$((t1 - t0))"
dd_read="$us; t0=\$(us); dd if=\"\$1/f\" of=/dev/null bs=1M 2>/dev/null || exit 1; t1=\$(us); echo \$((t1 - t0))"
# The host runs the same busybox applets, so the ceiling is measured with the same dd.
host_write="${dd_write//adjtimex/busybox adjtimex}"; host_write="${host_write//dd if/busybox dd if}"
host_read="${dd_read//adjtimex/busybox adjtimex}"; host_read="${host_read//dd if/busybox dd if}"
# shellcheck disable=SC2015 # a failed drop is not fatal either
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
      timed "$t" run_vols dk "$t" run --rm --network none "${vols[@]}" busybox true >/dev/null
      timed "$t" run dk "$t" run --rm --network none busybox true >/dev/null
    else
      timed "$t" run dk "$t" run --rm --network none busybox true >/dev/null
      timed "$t" run_vols dk "$t" run --rm --network none "${vols[@]}" busybox true >/dev/null
    fi
    # The pair's difference: drift and load that hit both runs of a round cancel out.
    record "$t" vols_diff "$(($(tail -n 1 "$base/results/$t.run_vols") - $(tail -n 1 "$base/results/$t.run")))"
  done
done

# ---- report -----------------------------------------------------------------
mibs() { local m; m="$(median "$1" "$2")"; [[ -n "$m" ]] && awk -v m="$m" -v n="$mib" 'BEGIN { printf "%.0f", n / (m / 1e6) }'; }

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
