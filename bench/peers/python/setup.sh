#!/usr/bin/env bash
# Prepares the Python peer of the gateway benchmark: a virtualenv with the pinned packages
# (requirements.txt), then hubgate's Python stubs generated from the repository's .proto files into
# gen/ (gitignored), as client-sample/python/setup.sh does. Safe to run again; run from anywhere.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

proto_dir="$(cd ../../../proto/src/main/proto && pwd)"

if [[ ! -x .venv/bin/python ]]; then
  echo "creating .venv" >&2
  python3 -m venv .venv
fi
# A no-op (a second or two) when everything pinned is already installed; pip's cache serves the rest.
PIP_NO_INPUT=1 .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt

# google/rpc/status.proto (imported by registry.proto) comes with googleapis-common-protos; only
# hubgate/v1 is generated, the google.rpc modules are the package's.
googleapis_include="$(.venv/bin/python -c 'import pathlib, google.rpc.status_pb2 as s; print(pathlib.Path(s.__file__).parents[2])')"
rm -rf gen.tmp
mkdir gen.tmp
.venv/bin/python -m grpc_tools.protoc -I "$proto_dir" -I "$googleapis_include" \
  --python_out=gen.tmp --grpc_python_out=gen.tmp "$proto_dir"/hubgate/v1/*.proto
rm -rf gen
mv gen.tmp gen
.venv/bin/python -c 'import sys; sys.path.insert(0, "gen"); import hubgate.v1.twin_pb2_grpc, azure.iot.hub'
echo "setup.sh: Python peer ready in $(pwd)" >&2
