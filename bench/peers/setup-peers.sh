#!/usr/bin/env bash
# Sets up the benchmark's peers named in $1 (comma-separated, default "python,node,go"): each
# one's setup.sh installs its pinned packages and generates or builds what it runs. Run by the
# bench module's Maven build before its tests; a failing set-up fails the build, naming the peer.
set -euo pipefail
peers_dir="$(cd "$(dirname "$0")" && pwd)"
IFS=',' read -ra peers <<< "${1:-python,node,go}"
for peer in "${peers[@]}"; do
  [[ -z $peer ]] && continue
  echo "== setting up the ${peer} peer (bench/peers/${peer}/setup.sh)"
  if ! bash "${peers_dir}/${peer}/setup.sh"; then
    echo "The ${peer} peer's set-up failed: see its output above and bench/peers/README.md." >&2
    exit 1
  fi
done
