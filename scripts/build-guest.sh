#!/usr/bin/env bash
# Build a tiny test guest for mpqemu studio into <repo>/.cache/guest/:
#   vmlinuz    Debian 12 cloud kernel (linux-image-*-cloud-amd64)
#   initrd.gz  newc cpio (gzip): busybox-static, a few virtio modules and an /init that prints
#              "mpqemu-guest: booted", one "mpqemu-guest: pci <slot> <vendor>:<device>" line per
#              PCI device, "mpqemu-guest: pci-done" (on the serial console and on tty1, the
#              screen of a VM with a display), then runs a shell on the console and powers off
#              when that shell exits; a second shell runs on tty1.
#   STAMP      "<kernel package> <version> recipe <sha256 of this script>"; written last, so only a complete build has one.
# Only Debian packages are used (apt-get download + dpkg -x), no other network access.
# Idempotent: when the outputs exist and STAMP matches the candidate kernel package, exits at once.
# Tools: bash, coreutils, apt-get (+ apt-cache), dpkg, cpio, gzip, find.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
out_dir="$repo_root/.cache/guest"

# Modules put into the initramfs, in load order (dependencies first). The package ships no
# modules.dep (depmod runs at install time), so the order is fixed here; builtin ones are skipped.
# evdev + button: the ACPI power button as /dev/input/event*, so QMP system_powerdown works.
# virtio_*: virtio-blk I/O.
guest_modules=(evdev button virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk)

log() { printf 'build-guest: %s\n' "$*"; }
die() { printf 'build-guest: error: %s\n' "$*" >&2; exit 1; }

kernel_meta=linux-image-cloud-amd64

trim() { local s="$1"; s="${s#"${s%%[![:space:]]*}"}"; printf '%s' "${s%"${s##*[![:space:]]}"}"; }

# Exact kernel package behind the meta package, e.g. linux-image-6.1.0-56-cloud-amd64.
find_kernel_pkg() {
  local line
  while IFS= read -r line; do
    line="$(trim "$line")"
    case "$line" in
      "Depends: linux-image-"[0-9]*) line="${line#Depends: }"; printf '%s' "${line%% *}"; return 0 ;;
    esac
  done < <(apt-cache depends "$kernel_meta" 2>/dev/null || true)
}

candidate_version() {
  local line
  while IFS= read -r line; do
    line="$(trim "$line")"
    case "$line" in
      "Candidate: (none)") return 0 ;;
      "Candidate: "*) printf '%s' "${line#Candidate: }"; return 0 ;;
    esac
  done < <(apt-cache policy "$1" 2>/dev/null || true)
}

is_builtin() { # module name, modules.builtin path
  local line
  [ -r "$2" ] || return 1
  while IFS= read -r line; do
    line="${line##*/}"
    case "$line" in "$1.ko" | "$1.ko."*) return 0 ;; esac
  done <"$2"
  return 1
}

outputs_present() {
  [ -s "$out_dir/vmlinuz" ] && [ -s "$out_dir/initrd.gz" ] && [ -s "$out_dir/STAMP" ]
}

kpkg="$(find_kernel_pkg)"
if [ -z "$kpkg" ]; then
  log "apt-cache knows no $kernel_meta; running apt-get update"
  if ! apt-get update -qq >/dev/null 2>&1; then
    if outputs_present; then
      log "apt-get update failed (offline?); keeping existing guest: $(cat "$out_dir/STAMP")"
      exit 0
    fi
    die "apt-get update failed and no guest has been built yet"
  fi
  kpkg="$(find_kernel_pkg)"
fi
[ -n "$kpkg" ] || die "could not find the kernel package behind $kernel_meta (apt-cache depends)"
kver="$(candidate_version "$kpkg")"
[ -n "$kver" ] || die "no candidate version for $kpkg"
# The recipe's own hash is part of the stamp: a changed /init (or module list) rebuilds the guest.
recipe="$(sha256sum "${BASH_SOURCE[0]}")"
stamp="$kpkg $kver recipe ${recipe%% *}"

if outputs_present && [ "$(cat "$out_dir/STAMP")" = "$stamp" ]; then
  log "up to date ($stamp) in $out_dir"
  exit 0
fi

log "building guest from $stamp + busybox-static into $out_dir"
mkdir -p "$out_dir"
# A build in progress is not a complete build: drop the stamp first.
rm -f "$out_dir/STAMP"

work="$(mktemp -d "${TMPDIR:-/tmp}/mpqemu-guest.XXXXXX")"
tmp_out=()
cleanup() {
  rm -rf "$work"
  if [ "${#tmp_out[@]}" -gt 0 ]; then rm -f "${tmp_out[@]}"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# apt-get download writes into the cwd; let the unprivileged _apt user in to avoid its warning.
chmod 755 "$work"
mkdir "$work/debs" "$work/x" "$work/root"
chmod 777 "$work/debs"
log "apt-get download $kpkg=$kver busybox-static"
(cd "$work/debs" && apt-get download -q "$kpkg=$kver" busybox-static) >"$work/download.log" 2>&1 ||
  { cat "$work/download.log" >&2; die "apt-get download failed"; }
for deb in "$work"/debs/*.deb; do
  dpkg -x "$deb" "$work/x"
done

vmlinuz_src="$(find "$work/x/boot" -maxdepth 1 -name 'vmlinuz-*' -type f -print -quit)"
[ -n "$vmlinuz_src" ] || die "no vmlinuz in $kpkg"
krel="${vmlinuz_src##*/vmlinuz-}"
moddir="$work/x/lib/modules/$krel"
[ -d "$moddir" ] || die "no /lib/modules/$krel in $kpkg"
[ -x "$work/x/bin/busybox" ] || die "no /bin/busybox in busybox-static"

# --- initramfs tree ---
r="$work/root"
mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc,lib/modules}
cp "$work/x/bin/busybox" "$r/bin/busybox"
ln -s busybox "$r/bin/sh"   # the rest of the applet links are made by /init (busybox --install -s)

loaded=()
for m in "${guest_modules[@]}"; do
  if is_builtin "$m" "$moddir/modules.builtin"; then
    log "module $m: builtin"
    continue
  fi
  ko="$(find "$moddir/kernel" -type f \( -name "$m.ko" -o -name "$m.ko.*" \) -print -quit)"
  if [ -z "$ko" ]; then
    log "module $m: not in this kernel, skipped"
    continue
  fi
  case "$ko" in *.ko) ;; *) die "module $ko is compressed; busybox insmod needs plain .ko" ;; esac
  cp "$ko" "$r/lib/modules/$m.ko"
  loaded+=("$m")
done
printf '%s\n' "${loaded[@]}" >"$r/etc/modules"
log "modules in initramfs: ${loaded[*]:-none}"

cat >"$r/init" <<'EOF'
#!/bin/sh
# mpqemu studio test guest
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=linux
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1
# /dev/console is the last console= of the kernel command line (ttyS0); the screen's terminal
# (tty1, present whenever the kernel has virtual terminals) gets the same lines, so a VM with a
# display shows them too.
say() {
  echo "$@"
  echo "$@" 2>/dev/null >/dev/tty1 || true
}
say "mpqemu-guest: booted"
# Load the modules in the background: with a proxied virtio-blk under TCG the device gets no
# interrupts and insmod virtio_blk blocks forever in the partition scan. Wait at most ~3 s for it.
rm -f /tmp/.modules-done
(
  for m in $(cat /etc/modules); do
    echo "$m" >/tmp/.modules-current
    insmod "/lib/modules/$m.ko" 2>/dev/null || true   # fails harmlessly if builtin / already loaded
  done
  : >/tmp/.modules-done
) &
i=0
while [ ! -e /tmp/.modules-done ] && [ "$i" -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
[ -e /tmp/.modules-done ] ||
  say "mpqemu-guest: warning: insmod $(cat /tmp/.modules-current) still running after 3 s (device I/O not answering?)"
# ACPI power button (QMP system_powerdown): no acpid here, so read one event from its input device
# and power off.
for e in /sys/class/input/event*; do
  [ "$(cat "$e/device/name" 2>/dev/null)" = "Power Button" ] || continue
  (dd if="/dev/input/${e##*/}" of=/dev/null bs=24 count=1 2>/dev/null &&
    say "mpqemu-guest: power button" && poweroff -f) &
done
for d in /sys/bus/pci/devices/*; do
  [ -r "$d/vendor" ] || continue
  v=$(cat "$d/vendor"); p=$(cat "$d/device")
  v=${v#0x}; p=${p#0x}
  say "mpqemu-guest: pci ${d##*/} $(echo "$v:$p" | tr 'A-F' 'a-f')"
done
say "mpqemu-guest: pci-done"
export PS1='guest# '
# A second shell on the first virtual terminal, for a VM with a display: what the screen shows
# and what its keyboard types (tests type into it through VNC). Respawned if it exits; setsid -c
# makes tty1 its controlling terminal so Ctrl+C works there.
if [ -c /dev/tty1 ]; then
  (while :; do setsid -c sh </dev/tty1 >/dev/tty1 2>&1; sleep 1; done) &
fi
setsid cttyhack sh || sh
say "mpqemu-guest: poweroff"
poweroff -f
EOF
chmod 755 "$r/init"

# --- write outputs atomically ---
tmp_k="$out_dir/.vmlinuz.tmp.$$"
tmp_i="$out_dir/.initrd.gz.tmp.$$"
tmp_s="$out_dir/.STAMP.tmp.$$"
tmp_out=("$tmp_k" "$tmp_i" "$tmp_s")

cp "$vmlinuz_src" "$tmp_k"
(cd "$r" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
  cpio --null --create --format=newc --owner=0:0 --quiet) | gzip -9 -n >"$tmp_i"
printf '%s\n' "$stamp" >"$tmp_s"

mv -f "$tmp_k" "$out_dir/vmlinuz"
mv -f "$tmp_i" "$out_dir/initrd.gz"
mv -f "$tmp_s" "$out_dir/STAMP"   # last: marks the build complete
tmp_out=()

log "wrote $out_dir/vmlinuz ($(stat -c %s "$out_dir/vmlinuz") bytes, kernel $krel)"
log "wrote $out_dir/initrd.gz ($(stat -c %s "$out_dir/initrd.gz") bytes)"
