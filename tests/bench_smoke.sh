#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench_smoke.sh: a smoke run of vmdemo-bench in the test VM (busybox sh),
# run by the suite.  It checks that the benchmark runs, that every
# checksum matched, that the loops faulted as each line says (warm-read:
# one fault per page; fault-around: far fewer, from one thread and from
# several on the same pages, every round; cold-write-busy: as many as
# cold-write), that the statistics table has contend-read and
# cold-write-busy, and that fault_around_bytes, the stats parameter and
# the device's size are put back.  It does not judge the timings: under
# emulation they mean little.
# Prints TAP; exits 1 if a test failed.  Skips if vmdemo-bench is not in
# PATH (userspace/bench not built or not put in the guest).
#
# Needs: the module loaded (the suite runner loads it), debugfs.

FA=/sys/kernel/debug/fault_around_bytes
STATS=/sys/module/vmdemo/parameters/stats
T=$(mktemp -d /tmp/bench_smoke.XXXXXX)
trap 'rm -rf "$T"' EXIT
n=0
failed=0

echo "TAP version 13"
if ! command -v vmdemo-bench >/dev/null 2>&1; then
	echo "1..0 # SKIP vmdemo-bench is not in this VM"
	exit 0
fi
echo "1..8"

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}

fa0=$(cat "$FA")
stats0=$(cat "$STATS")
size0=$(wc -c </dev/vmdemo)

vmdemo-bench --smoke --quiet --json "$T/bench.json" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 0 ] || { sed 's/^/#   /' "$T/out" "$T/err" | head -n 60; }
ok "$rc" "vmdemo-bench --smoke exits 0"

grep -q '"checksum_failures": 0,' "$T/bench.json"
ok $? "every checksum matched"

# One fault per page with fault-around off, on both files.
grep '"key": "warm-read"' "$T/bench.json" |
	grep -q '"faults_per_page": {"device": 1.0000, "tmpfs": 1.0000}'
ok $? "warm-read: one fault per page on the device and on tmpfs"

# faults_per_page KEY MEMORY: the median faults per page of a line.
faults_per_page() {
	grep "\"key\": \"$1\"" "$T/bench.json" |
		sed -n "s/.*\"faults_per_page\": {[^}]*\"$2\": \\([0-9.]*\\).*/\\1/p"
}

# Fault-around maps several pages per fault (16 with the default 64 KiB):
# about one fault per window of fault_around_bytes, and one per page if
# that is a single page.
fpp=$(faults_per_page faultaround device)
psz=$(sed -n 's/.*"page_size": \([0-9]*\),.*/\1/p' "$T/bench.json")
[ -n "$fpp" ] && [ -n "$psz" ] && awk -v f="$fpp" -v fa="$fa0" -v p="$psz" 'BEGIN {
	w = fa / p; if (w < 1) w = 1
	exit !(f > 0 && (w == 1 ? f == 1 : f <= 1.5 / w)) }'
ok $? "faultaround: $fpp faults per page on the device (fault_around_bytes $fa0)"

# Threads reading the same pages, each through its own mapping, fault
# about as often per page read as one thread does: at least half as often
# too, or MADV_DONTNEED between the rounds did not make them fault again.
cdev=$(faults_per_page contend-read device)
ctmp=$(faults_per_page contend-read tmpfs)
[ -n "$cdev" ] && [ -n "$ctmp" ] && [ -n "$psz" ] &&
	awk -v d="$cdev" -v t="$ctmp" -v fa="$fa0" -v p="$psz" 'BEGIN {
	w = fa / p; if (w < 1) w = 1
	exit !(d >= 0.5 / w && d <= 1.5 / w && t >= 0.5 / w && t <= 1.5 / w) }'
ok $? "contend-read: $cdev (device), $ctmp (tmpfs) faults per page read, every round"

# With every CPU spinning, the cold write loop faults just as it does alone.
bdev=$(faults_per_page cold-write-busy device)
[ -n "$bdev" ] && [ "$bdev" = "$(faults_per_page cold-write device)" ]
ok $? "cold-write-busy: $bdev faults per page on the device, as cold-write"

# The statistics table measures the two new lines too.
[ "$(grep -c -e '"key": "contend-read", "device_stats_Y"' \
	-e '"key": "cold-write-busy", "device_stats_Y"' "$T/bench.json")" = 2 ]
ok $? "the statistics table has contend-read and cold-write-busy"

size1=$(wc -c </dev/vmdemo)
[ "$(cat "$FA")" = "$fa0" ] && [ "$(cat "$STATS")" = "$stats0" ] &&
	[ "$size1" = "$size0" ]
ok $? "fault_around_bytes ($fa0), stats ($stats0) and the size ($size0 bytes) put back"

exit "$failed"
