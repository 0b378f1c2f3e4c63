#!/usr/bin/env bash
# Everything a fresh clone needs before the server or the tests can run: Debian packages, npm
# dependencies, the test guest and its sample disks, the built web app, the compiled server and CLI.
# Usage: prepare.sh [--with-browser]   (the browser is only needed by the end-to-end tests)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system.sh "$@"
bash scripts/ensure-node-modules.sh
bash scripts/build-guest.sh
bash scripts/sample-disks.sh
echo "Building the web app…"
npm run build --silent -w apps/web >/dev/null
echo "Compiling the server and the CLI…"
node scripts/build-server.mjs
