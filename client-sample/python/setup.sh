#!/usr/bin/env bash
# Prepares the Python sample: a virtualenv with the pinned dependencies, then Python stubs
# generated from the repository's .proto files into gen/ (gitignored). Safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

proto_dir="$(cd ../../proto/src/main/proto && pwd)"

if [[ ! -x .venv/bin/python ]]; then
  echo "creating .venv" >&2
  python3 -m venv .venv
fi
# A no-op (a second or two) when everything pinned is already installed.
PIP_NO_INPUT=1 .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt

# Our protos import google/rpc/status.proto. googleapis-common-protos ships that .proto next to
# its generated google.rpc modules, so its site-packages folder is the include path; we generate
# only hubgate/v1 and use the package's google.rpc modules at run time. (google/protobuf/*.proto
# come with grpcio-tools, which adds them to the include path itself.)
googleapis_include="$(.venv/bin/python -c 'import pathlib, google.rpc.status_pb2 as s; print(pathlib.Path(s.__file__).parents[2])')"

rm -rf gen.tmp
mkdir gen.tmp
.venv/bin/python -m grpc_tools.protoc \
  -I "$proto_dir" -I "$googleapis_include" \
  --python_out=gen.tmp --pyi_out=gen.tmp --grpc_python_out=gen.tmp \
  "$proto_dir"/hubgate/v1/*.proto
# Swap in the new stubs only once generation succeeded.
rm -rf gen
mv gen.tmp gen
echo "stubs generated in $(pwd)/gen" >&2
