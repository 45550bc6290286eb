#!/usr/bin/env bash
# Builds berth's native addons (build/Release/berth_seqpacket.node, the attach socket client;
# berth_fsroot.node, openat2 for paths inside a container root)
# with the node-gyp that npm bundles. `npm ci` does the same on its own (binding.gyp at the
# root); this script is for checkouts whose node_modules came from elsewhere. Offline when
# Node's headers are installed and npm's `nodedir` points at them.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
args=(rebuild)
nodedir="$(npm config get nodedir 2>/dev/null || true)"
if [[ -n "$nodedir" && "$nodedir" != "undefined" && "$nodedir" != "null" ]]; then
  args+=("--nodedir=$nodedir")
fi
node "$gyp" "${args[@]}" >&2
