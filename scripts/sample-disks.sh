#!/usr/bin/env bash
# Creates the empty disk images the examples (the samples the UI opens as templates) refer to
# (.cache/guest/disk0.img raw, disk1.qcow2), atomically, when they are missing.
set -euo pipefail
dir="$(cd "$(dirname "$0")/.." && pwd)/.cache/guest"
mkdir -p "$dir"
make_disk() { # name format size
  local target="$dir/$1" tmp="$dir/.$1.tmp.$$"
  [[ -s "$target" ]] && return 0
  qemu-img create -q -f "$2" "$tmp" "$3"
  mv -f "$tmp" "$target"
  echo "sample-disks: created $target ($2, $3)"
}
make_disk disk0.img raw 64M
make_disk disk1.qcow2 qcow2 64M
