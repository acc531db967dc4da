#!/usr/bin/env bash
# Everything the test suite needs beyond `npm ci`: Node 22 and 24 (scripts/setup-node-versions.sh),
# then code-server and Chromium for the in-editor tests (scripts/setup-code-server.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-node-versions.sh
bash scripts/setup-code-server.sh
