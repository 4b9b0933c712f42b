#!/usr/bin/env bash
# Installs the Node peer's pinned dependencies (package-lock.json) as client-sample/node/setup.sh
# does: grpc-js and proto-loader (hubgate's .proto files are read at start, nothing is generated)
# and the official service SDK, azure-iothub. Idempotent; run from anywhere.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

command -v node >/dev/null || { echo "setup.sh: node (20 or later) is required" >&2; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
if (( major < 20 )); then
  echo "setup.sh: node 20 or later is required, found $(node --version)" >&2
  exit 1
fi

# npm ci installs exactly what package-lock.json pins, or fails; it starts by deleting
# node_modules, so it is skipped when node_modules already matches the lock.
stamp=node_modules/.hubgate-setup-lock
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$lock_sum" ]]; then
  echo "setup.sh: node_modules matches package-lock.json" >&2
elif npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2; then
  echo "$lock_sum" > "$stamp"
else
  echo "setup.sh: 'npm ci' failed. If package.json changed, update package-lock.json with" >&2
  echo "          'npm install --package-lock-only' and commit it; otherwise check the npm registry." >&2
  exit 1
fi
node -e 'require("azure-iothub"); require("@grpc/grpc-js"); require("@grpc/proto-loader")'
echo "setup.sh: Node peer ready in $(pwd)" >&2
