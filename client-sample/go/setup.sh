#!/usr/bin/env bash
# Installs what the Go sample needs and generates its stubs into gen/ (gitignored).
# Idempotent; run from anywhere: bash client-sample/go/setup.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
repo="$(cd ../.. && pwd)"

# google/rpc/status.proto, imported by the hubgate protos, is unpacked by the proto module's
# Maven build (from the proto-google-common-protos jar); buf needs it to compile the imports.
if [[ ! -f "$repo/proto/target/buf-third-party/google/rpc/status.proto" ]]; then
  echo "setup.sh: proto/target/buf-third-party is missing; running 'mvn -q -pl proto generate-resources' in $repo" >&2
  (cd "$repo" && mvn -q -pl proto generate-resources)
fi

# The Go modules, including the protoc-gen-go and protoc-gen-go-grpc tools, at the versions
# go.mod and go.sum pin.
go mod download

# buf (pinned) runs the two plugins as `go tool …`; see buf.gen.yaml.
npx --yes @bufbuild/buf@1.75.0 generate ../../proto --path ../../proto/src/main/proto/hubgate

# Compile once: checks the stubs against the sample and warms the cache for `go run .`.
go build -o /dev/null .
echo "setup.sh: Go stubs generated in $(pwd)/gen" >&2
