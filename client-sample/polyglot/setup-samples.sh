#!/usr/bin/env bash
# Sets up the samples named in $1 (comma-separated, e.g. "go,python,node"): each one's setup.sh
# installs its pinned packages and regenerates its stubs from proto/. Run by the Maven build
# before the tests; a failing set-up fails the build, naming the sample.
set -euo pipefail
samples_dir="$(cd "$(dirname "$0")/.." && pwd)"
IFS=',' read -ra samples <<< "${1:-go,python,node}"
for sample in "${samples[@]}"; do
  echo "== setting up the ${sample} sample (client-sample/${sample}/setup.sh)"
  if ! bash "${samples_dir}/${sample}/setup.sh"; then
    echo "The ${sample} sample's set-up failed: see its output above and client-sample/${sample}/README.md." >&2
    exit 1
  fi
done
