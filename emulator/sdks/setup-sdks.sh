#!/usr/bin/env bash
# Sets up the SDK walkthroughs named in $1 (comma-separated, e.g. "python,node"): each one's
# setup.sh installs its pinned packages. Run by the Maven build before the tests; a failing
# set-up fails the build, naming the SDK.
set -euo pipefail
sdks_dir="$(cd "$(dirname "$0")" && pwd)"
IFS=',' read -ra sdks <<< "${1:-python,node}"
for sdk in "${sdks[@]}"; do
  echo "== setting up the ${sdk} SDK walkthrough (emulator/sdks/${sdk}/setup.sh)"
  if ! bash "${sdks_dir}/${sdk}/setup.sh"; then
    echo "The ${sdk} SDK set-up failed: see its output above and emulator/sdks/README.md." >&2
    exit 1
  fi
done
