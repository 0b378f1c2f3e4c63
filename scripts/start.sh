#!/usr/bin/env bash
# The main job: install what is missing, build, and start the server on 127.0.0.1.
# Extra arguments go to the server (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh
exec node --enable-source-maps apps/server/dist/main.js "$@"
