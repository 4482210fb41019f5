# shellcheck shell=bash
# Common helpers for vmdemo's host-side scripts.  Source it; don't run it.

VMDEMO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VMDEMO_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/vmdemo

# Progress line, error line, fatal error.
info() { printf '==> %s\n' "$*" >&2; }
warn() { printf '%s: warning: %s\n' "${0##*/}" "$*" >&2; }
die()  { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# The kernel version (ABI) that the installed linux-headers-amd64 metapackage
# points at, e.g. 6.1.0-56-amd64.  Never hard-coded: follows package updates.
default_kver() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) ||
		die "linux-headers-amd64 is not installed: run scripts/install-deps"
	dep=${dep%%[ ,]*}                   # "linux-headers-6.1.0-56-amd64"
	[[ $dep == linux-headers-* ]] ||
		die "cannot parse the Depends of linux-headers-amd64 ('$dep'): set KVER=... explicitly"
	printf '%s\n' "${dep#linux-headers-}"
}

# Is KVM usable for a real guest?  Only a probe boot can tell; the answer is
# cached per host boot (and per QEMU/kernel), since it can't change before.
kvm_works() {
	local kver=$1 key file
	[[ -r /dev/kvm && -w /dev/kvm ]] || return 1
	key=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
	key=$key-$kver-$(qemu-system-x86_64 --version | cksum | cut -d' ' -f1)
	file=$VMDEMO_CACHE/kvm-probe/$key
	if [[ ! -f $file ]]; then
		mkdir -p "${file%/*}"
		info "probing whether KVM works (once per host boot)"
		if "$VMDEMO_ROOT/scripts/vm" --kver "$kver" --accel kvm --timeout 20 \
			--no-module --quiet -- true >/dev/null 2>&1; then
			echo yes >"$file.tmp"
		else
			echo no >"$file.tmp"
		fi
		mv -f "$file.tmp" "$file"
	fi
	[[ $(cat "$file") == yes ]]
}

# build_module KDIR OUTDIR: build vmdemo.ko against the kernel tree KDIR in
# OUTDIR, a copy of the module's sources (so module/vmdemo.ko, built for the
# default kernel, stays as it is); prints the path of the .ko.  The build's
# output goes to stderr.
build_module() {
	local kdir=$1 out=$2
	rm -rf "$out"
	mkdir -p "$out/module"
	cp -r "$VMDEMO_ROOT/Kbuild" "$VMDEMO_ROOT/include" "$out/"
	cp "$VMDEMO_ROOT"/module/Kbuild "$VMDEMO_ROOT"/module/*.[ch] "$out/module/"
	make -s -C "$kdir" M="$out" modules >&2 || return 1
	[[ -f $out/module/vmdemo.ko ]] || return 1
	printf '%s\n' "$out/module/vmdemo.ko"
}
