#!/usr/bin/env bash
# Prepares the Python SDK walkthrough: a virtualenv with the pinned official service SDK
# (azure-iot-hub) and azure-identity from requirements.txt. Safe to run again; run from anywhere.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ ! -x .venv/bin/python ]]; then
  echo "creating .venv" >&2
  python3 -m venv .venv
fi
# A no-op (a second or two) when everything pinned is already installed; pip's cache serves the rest.
PIP_NO_INPUT=1 .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
.venv/bin/python -c 'import azure.iot.hub, azure.identity' 
echo "setup.sh: ready; run '.venv/bin/python sdk_walkthrough.py' in $(pwd)" >&2
