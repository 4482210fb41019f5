#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/cli_backing.sh: the vmdemo command with a backing file (module
# parameter backing=PATH, issue 13): info, evict, sync, the six counters
# of the cache, a relative path, ENOSPC from sync, and the tour's step 12
# with and without a backing file.  In the test VM as root (busybox sh).
# Prints TAP; exits 1 if a test failed.  Skips everything if vmdemo.ko has
# no backing= parameter.
#
# Needs: vmdemo in PATH, the tour's programs where vmdemo finds them, the
# module file in $VMDEMO_KO (default /lib/modules/vmdemo.ko).  The module
# is loaded again with $VMDEMO_MODPARAMS at the end.

KO=${VMDEMO_KO:-/lib/modules/vmdemo.ko}
export VMDEMO_KO="$KO"
DEV=/dev/vmdemo
DBG=/sys/kernel/debug/vmdemo
PARAMS=/sys/module/vmdemo/parameters
T=$(mktemp -d /tmp/cli_backing.XXXXXX)
# shellcheck source=lib/tap.sh
. "${VMDEMO_TESTS_LIB:-/tests/lib}/tap.sh"

echo "TAP version 13"

cleanup() {
	cd /
	vmdemo unload >/dev/null 2>&1
	grep -q " $T/small " /proc/mounts && umount "$T/small"
	rm -rf "$T"
	# shellcheck disable=SC2086 # the parameters are separate words
	vmdemo load ${VMDEMO_MODPARAMS:-} >/dev/null 2>&1
}
trap cleanup EXIT

loaded() { [ -d /sys/module/vmdemo ]; }
stat_value() { awk -v k="$1" '$1 == k { print $2 }' "$DBG/stats"; }
# The bytes of FILE from page SKIP, COUNT pages, without those equal to CHAR.
pages_other_than() {
	dd if="$1" bs=4096 skip="$2" count="$3" 2>/dev/null | tr -d "$4" | wc -c
}
fill() { # fill OFFSET_PAGES NPAGES CHAR: write pages of CHAR into the device
	dd if=/dev/zero bs=4096 count="$2" 2>/dev/null | tr '\000' "$3" |
		dd of=$DEV bs=4096 seek="$1" conv=notrunc 2>/dev/null
}

vmdemo unload >/dev/null 2>&1
run vmdemo load backing="$T/probe.img"
if [ $rc = 2 ] && err "unknown parameter .backing."; then
	echo "1..0 # SKIP this vmdemo.ko has no backing= parameter (issue 13)"
	exit 0
fi
vmdemo unload >/dev/null 2>&1

# --- without a backing file -------------------------------------------------
run vmdemo load size=64K
verdict "setup: load without a backing file" '[ $rc = 0 ] && loaded'
run vmdemo info
verdict "info without a backing file: says none (RAM only)" \
	'[ $rc = 0 ] && out "^backing file  *none (RAM only"'
for cmd in evict sync; do
	run vmdemo $cmd --help
	verdict "vmdemo $cmd --help: exit 0, usage on stdout" \
		'[ $rc = 0 ] && out "^Usage: vmdemo $cmd" && [ ! -s "$T/err" ]'
done
run vmdemo --help
verdict "vmdemo --help lists evict and sync" '[ $rc = 0 ] && out "^  evict " && out "^  sync "'
run vmdemo load --help
verdict "load --help explains backing= and readahead=" \
	'[ $rc = 0 ] && out "backing=PATH" && out "readahead=N"'
fill 0 2 A
run vmdemo evict 0 8K
verdict "evict without a backing file: exit 1, says to load with backing=PATH" \
	'[ $rc = 1 ] && err "no backing file" && err "backing=PATH" &&
	 vmdemo info | grep -q "^resident  *2 pages"'
run vmdemo sync
verdict "sync without a backing file: exit 0, nothing to write back" \
	'[ $rc = 0 ] && out "nothing to write back"'
verdict "stats: the six counters of the cache, all 0 without a backing file" \
	'(for c in faults_major pages_read pages_readahead pages_written pages_evicted pages_dirty; do
		[ "$(stat_value $c)" = 0 ] || exit 1; done)'
verdict "stats: the new counters come after pages_freed, in order" \
	'[ "$(awk "{ print \$1 }" $DBG/stats | sed -n "/^pages_freed\$/,\$p" | tr "\n" " ")" = "pages_freed faults_major pages_read pages_readahead pages_written pages_evicted pages_dirty " ]'
run vmdemo stat
verdict "stat explains the new counters" \
	'[ $rc = 0 ] && out "^faults_major .*backing file" && out "^pages_dirty .*writeback"'
for bad in "0 0" "0" "x 4K" "0 4K 8K" "-4K 4K"; do
	# shellcheck disable=SC2086 # the arguments are separate words
	run vmdemo evict $bad
	verdict "evict $bad: exit 2" '[ $rc = 2 ] && err "Try .vmdemo evict --help."'
done
run vmdemo sync now
verdict "sync with an argument: exit 2" '[ $rc = 2 ]'
run vmdemo tour cache-writeback
verdict "tour step 12 without a backing file: SKIP, not FAIL, says how to enable it" \
	'[ $rc = 0 ] && out "^SKIP  step 12" && out "backing=" && ! out "FAIL" &&
	 out "Tour finished: 0 steps passed, 1 skipped."'
vmdemo unload >/dev/null

# --- with a backing file ----------------------------------------------------
IMG=$T/vmdemo.img
run vmdemo load backing="$IMG" size=64K
verdict "load backing=PATH size=64K: exit 0, the file is made, 64 KiB" \
	'[ $rc = 0 ] && loaded && [ -f "$IMG" ] && [ "$(wc -c <"$IMG")" = 65536 ]'
verdict "the backing parameter reads back in sysfs" '[ "$(cat $PARAMS/backing)" = "$IMG" ]'
run vmdemo info
verdict "info: backing file, its I/O and readahead" \
	'[ $rc = 0 ] && out "^backing file  *$IMG\$" && out "^backing I/O  *\(direct\|buffered\)" &&
	 out "^readahead  *31 pages after a major fault"'
verdict "debugfs backing: path, io, readahead lines" \
	'grep -qx "path $IMG" $DBG/backing && grep -qxE "io (direct|buffered)" $DBG/backing &&
	 grep -qx "readahead 31" $DBG/backing'

vmdemo reset >/dev/null
fill 0 4 B
verdict "write() of 4 pages: pages_dirty 4, nothing written yet" \
	'[ "$(stat_value pages_dirty)" = 4 ] && [ "$(stat_value pages_written)" = 0 ]'
run vmdemo sync
verdict "sync: exit 0, names the file, 4 pages written, 0 dirty" \
	'[ $rc = 0 ] && out "written back to $IMG" && out "(4 pages written, 0 dirty now)"'
verdict "sync: the backing file holds the bytes" \
	'[ "$(pages_other_than "$IMG" 0 4 B)" = 0 ]'
run vmdemo evict 0 16K
verdict "evict 0 16K: exit 0, resident pages 4 -> 0, pages_evicted 4" \
	'[ $rc = 0 ] && out "resident pages 4 -> 0" && [ "$(stat_value pages_evicted)" = 4 ]'
verdict "after evict: read() gets the bytes back from the file" \
	'[ "$(pages_other_than $DEV 0 4 B)" = 0 ] && [ "$(stat_value pages_read)" -ge 4 ]'
fill 1 1 C
run vmdemo evict 0 8K
verdict "evict of a dirty page: written back first, then dropped" \
	'[ $rc = 0 ] && [ "$(stat_value pages_written)" = 5 ] && [ "$(stat_value pages_dirty)" = 0 ] &&
	 [ "$(pages_other_than "$IMG" 1 1 C)" = 0 ]'
run vmdemo evict 60K 8K
verdict "evict past the end: exit 1, says so" '[ $rc = 1 ] && err "past the end"'
# Clean, unmapped pages that read() just brought in can be dropped: EBUSY
# is only for pages that cannot be (pinned, dirtied again).  (Read in and
# evicted by one process, the first evict failed with EBUSY on 6.1, 6.12
# and 7.2; from two processes, as here, it has worked.)
vmdemo evict 0 16K >/dev/null 2>&1
dd if=$DEV of=/dev/null bs=4096 count=4 2>/dev/null
run vmdemo evict 0 16K
verdict "evict of pages read() just brought in: exit 0, all 4 dropped" \
	'[ $rc = 0 ] && out "resident pages 4 -> 0"'
run vmdemo stat -i 0.2 -c 1
verdict "stat -i: the backing-file columns" \
	'[ $rc = 0 ] && out "backing file" && out "major" && out "pgin" && out "dirty"'
echo 3 >$PARAMS/readahead
verdict "readahead is writable; debugfs and info follow it" \
	'grep -qx "readahead 3" $DBG/backing && vmdemo info | grep -q "^readahead  *3 pages"'
echo 8 >$PARAMS/readahead

run vmdemo tour cache-writeback
verdict "tour step 12 with a backing file: PASS" \
	'[ $rc = 0 ] && out "^PASS  step 12" && ! out "FAIL"'
run vmdemo tour append
verdict "tour step 13 (append) with a backing file: PASS" \
	'[ $rc = 0 ] && out "^PASS  step 13" && ! out "FAIL"'
run vmdemo tour program
verdict "tour step 14 (a program's mappings) with a backing file: PASS" \
	'[ $rc = 0 ] && out "^PASS  step 14" && ! out "FAIL"'
vmdemo unload >/dev/null

# --- a relative path --------------------------------------------------------
(cd "$T" && vmdemo load backing=rel.img size=16K) >"$T/out" 2>"$T/err"
rc=$?
verdict "load backing=rel.img: made absolute from the current directory" \
	'[ $rc = 0 ] && [ "$(cat $PARAMS/backing)" = "$T/rel.img" ] && [ -f "$T/rel.img" ]'
vmdemo unload >/dev/null

# --- a full file system ------------------------------------------------------
mkdir "$T/small"
if mount -t tmpfs -o size=32k tmpfs "$T/small"; then
	run vmdemo load backing="$T/small/img" size=128K
	verdict "load with the backing file on a 32 KiB tmpfs" '[ $rc = 0 ]'
	fill 0 32 D
	run vmdemo sync
	verdict "sync on a full file system: exit 1, ENOSPC, names the backing file" \
		'[ $rc = 1 ] && err "No space left on device" && err "$T/small/img" && err "free space"'
	verdict "after the failed sync: the pages are still dirty, the data still there" \
		'[ "$(stat_value pages_dirty)" -gt 0 ] && [ "$(pages_other_than $DEV 0 32 D)" = 0 ]'
	vmdemo resize 0 >/dev/null	# drop the pages that cannot be written
	vmdemo unload >/dev/null
	umount "$T/small"
fi

echo "1..$n"
[ "$failed" = 0 ]
