#!/usr/bin/env bash
# Prepares the Go peer of the gateway benchmark: the pinned modules (go.mod, go.sum), hubgate's Go
# stubs generated into gen/ (gitignored) as client-sample/go/setup.sh does, and the peer built into
# bin/peer. Idempotent; run from anywhere.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
repo="$(cd ../../.. && pwd)"

# google/rpc/status.proto, imported by the hubgate protos, is unpacked by the proto module's build.
if [[ ! -f "$repo/proto/target/buf-third-party/google/rpc/status.proto" ]]; then
  echo "setup.sh: proto/target/buf-third-party is missing; running 'mvn -q -pl proto generate-resources' in $repo" >&2
  (cd "$repo" && mvn -q -pl proto generate-resources)
fi
go mod download
npx --yes @bufbuild/buf@1.75.0 generate ../../../proto --path ../../../proto/src/main/proto/hubgate
# A binary, not `go run`: the benchmark starts it, and a compiler on the cores would be measured.
go build -o bin/peer .
echo "setup.sh: Go peer built: $(pwd)/bin/peer" >&2
