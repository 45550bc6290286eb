#!/usr/bin/env bash
# What `npm test` runs: make sure the host and the build are ready, then run
# every test (unit tests beside the sources, integration and compat tests under
# test/) in ONE node --test run so there is a single summary and exit status.
#
# Environment:
#   BERTH_TEST_FILTER        only run test files whose path matches this regex
#   BERTH_TEST_TIMEOUT_MS    per-test timeout (default 180000)
#   BERTH_TEST_CONCURRENCY   test files run at once (default 3)
#   BERTH_TEST_IGNORE_TSC=1  run the tests even when tsc reports type errors
#   CI=true                  a missing prerequisite fails instead of skipping
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

log() { printf '[test] %s\n' "$*" >&2; }

need_setup=0
for p in crun runc conmon iptables nftables iproute2 busybox-static attr xz-utils bzip2 procps gcc g++ make python3 libc6-dev docker.io docker-registry skopeo debootstrap; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    log "package $p missing"
    need_setup=1
  fi
done
[[ -d node_modules ]] || { log "node_modules missing"; need_setup=1; }
[[ -d dist ]] || need_setup=1

if ((need_setup)); then
  if [[ $(id -u) -eq 0 ]]; then
    # setup.sh ends with a build; the rebuild below is then an incremental no-op.
    bash scripts/setup.sh || { log "setup failed"; exit 1; }
  elif [[ ! -d node_modules ]]; then
    log "not root: installing node modules only (root-only tests will skip)"
    npm ci --no-audit --no-fund || exit 1
  fi
fi

# Rebuilt when missing or older than its C sources (an update that changed the addon).
addon=build/Release/berth_seqpacket.node
if [[ ! -f $addon ]] || [[ -n $(find src -name '*.c' -newer "$addon" -print -quit) ]]; then
  log "building the native addon"
  bash scripts/build-native.sh || { log "native addon build failed"; exit 1; }
fi

# Always rebuild: dist/ from an older checkout would test stale code.
log "npm run build"
if ! npm run build; then
  if [[ -n "${BERTH_TEST_IGNORE_TSC:-}" ]]; then
    log "tsc reported errors; continuing because BERTH_TEST_IGNORE_TSC is set"
  else
    log "build failed (set BERTH_TEST_IGNORE_TSC=1 to run the tests anyway)"
    exit 1
  fi
fi

# The layer rules of DESIGN.md (no cycles, client and server sides apart, subsystems below
# the engine) are checked by a tool, not by memory.
log "npm run lint:deps"
npm run --silent lint:deps || { log "dependency rules broken"; exit 1; }

# Type-aware lint (eslint.config.js): unhandled promises and the conventions a rule can check.
log "npm run lint"
npm run --silent lint || { log "lint failed"; exit 1; }

# tsc never deletes outputs, so a test whose source was removed or renamed would
# still sit in dist/. Only run compiled tests whose .ts source still exists.
files=()
while IFS= read -r js; do
  src="${js#dist/}"
  src="${src%.js}.ts"
  [[ -f "$src" ]] || continue
  if [[ -n "${BERTH_TEST_FILTER:-}" ]] && ! [[ "$js" =~ ${BERTH_TEST_FILTER} ]]; then
    continue
  fi
  files+=("$js")
done < <(find dist/src dist/test -name '*.test.js' -type f 2>/dev/null | LC_ALL=C sort)

if ((${#files[@]} == 0)); then
  log "no test files found under dist/src or dist/test"
  exit 1
fi
log "running ${#files[@]} test files"

# Inputs that are slow to make the first time (a debootstrapped Debian rootfs) are made here,
# outside the per-file timeout, and cached for later runs.
node dist/test/prepare.js "${files[@]}"

# Test files run side by side (BERTH_TEST_CONCURRENCY, default 3): each integration and compat
# file starts its own berthd on its own temp roots, and containers get unique ids and cgroups,
# so daemons do not meet. Assertions wait for events, never for a fixed time, so load does not
# make them flaky. The outer timeout keeps a hung daemon from eating the CI job.
reporters=(--test-reporter=spec --test-reporter-destination=stdout)
if [[ "${CI:-}" == "true" ]]; then
  # A TAP copy for CI to archive next to the human-readable output.
  reporters+=(--test-reporter=tap --test-reporter-destination=dist/test-results.tap)
fi
timeout --signal=TERM --kill-after=30s 25m \
  node --test --test-concurrency="${BERTH_TEST_CONCURRENCY:-3}" \
    --test-timeout="${BERTH_TEST_TIMEOUT_MS:-180000}" \
    "${reporters[@]}" "${files[@]}"
rc=$?
if ((rc == 124)); then
  log "test run exceeded 25 minutes and was stopped"
fi
exit "$rc"
