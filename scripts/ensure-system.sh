#!/usr/bin/env bash
# Installs the Debian packages mpqemu studio needs, or prints the exact command when not root.
# Usage: ensure-system.sh [--with-browser]   (the browser is only needed by the end-to-end tests)
set -euo pipefail

packages=()
command -v qemu-system-x86_64 >/dev/null || packages+=(qemu-system-x86)
command -v qemu-img >/dev/null || packages+=(qemu-utils)
command -v setpriv >/dev/null || packages+=(util-linux)
# Every QEMU process runs in its own bubblewrap jail (docs/security.md, "Jails").
command -v bwrap >/dev/null || packages+=(bubblewrap)
command -v cpio >/dev/null || packages+=(cpio)
if [[ "${1:-}" == "--with-browser" ]]; then
  command -v chromium >/dev/null || packages+=(chromium)
fi

if ((${#packages[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "mpqemu studio needs these Debian packages: ${packages[*]}" >&2
  echo "Install them with:  sudo apt-get update && sudo apt-get install -y ${packages[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${packages[@]}" >/dev/null
