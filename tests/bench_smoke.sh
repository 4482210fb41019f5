#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench_smoke.sh: a smoke run of vmdemo-bench in the test VM (busybox sh),
# run by the suite.  It checks that the benchmark runs, that every
# checksum matched, that the loops faulted as each line says (warm-read:
# one fault per page; fault-around: far fewer, from one thread and from
# several on the same pages, every round; cold-write-busy: as many as
# cold-write), that the statistics table has contend-read and
# cold-write-busy, that the backing-file lines (the device with backing=
# against an ext4 file on /mnt/disk) read every page once and wrote back
# every dirty page once, or say why they were skipped, and that
# fault_around_bytes, the stats parameter, the device's size and the
# module's parameters (no backing file) are put back.  It does not judge the timings: under
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
echo "1..11"

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
# The module's parameters, one "name=value" a line: the backing-file lines
# reload the module and must load it back as it was.
params() {
	for p in /sys/module/vmdemo/parameters/*; do
		echo "${p##*/}=$(cat "$p" 2>/dev/null)"
	done
}
params >"$T/params0"

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

# bk_count KEY SIDE NAME: a per-page count of a backing-file line.
bk_count() {
	grep "\"key\": \"$1\", \"title\"" "$T/bench.json" |
		sed -n "s/.*\"per_page\": {.*\"$2\": {\([^}]*\)}.*/\1/p" |
		sed -n "s/.*\"$3\": \([0-9.]*\).*/\1/p"
}
skipped=$(sed -n 's/.*"backing": {"disk": "[^"]*", "skipped": "\([^"]*\)".*/\1/p' "$T/bench.json")

# Every page evicted, then read back once from the file: by a major fault
# or the device's readahead; getrusage saw the major faults on both files.
if [ -n "$skipped" ]; then
	echo "ok $((n + 1)) - major-fault # SKIP $skipped"
	n=$((n + 1))
else
	rd=$(bk_count major-fault device pages_read)
	mdev=$(bk_count major-fault device majflt)
	mext=$(bk_count major-fault ext4 majflt)
	[ "$rd" = 1.0000 ] && [ -n "$mdev" ] && [ -n "$mext" ] &&
		awk -v d="$mdev" -v e="$mext" 'BEGIN { exit !(d > 0 && e > 0) }'
	ok $? "major-fault: pages_read $rd per page on the device; major faults per page $mdev (device), $mext (ext4)"
fi

# msync(MS_SYNC) wrote every dirty page of the device back, once.
if [ -n "$skipped" ]; then
	echo "ok $((n + 1)) - msync-dirty # SKIP $skipped"
	n=$((n + 1))
else
	dirty=$(bk_count msync-dirty device pages_dirty_before)
	wr=$(bk_count msync-dirty device pages_written)
	[ "$dirty" = 1.0000 ] && [ "$wr" = 1.0000 ]
	ok $? "msync-dirty: $dirty dirty and $wr written per page on the device"
fi

size1=$(wc -c </dev/vmdemo)
[ "$(cat "$FA")" = "$fa0" ] && [ "$(cat "$STATS")" = "$stats0" ] &&
	[ "$size1" = "$size0" ]
ok $? "fault_around_bytes ($fa0), stats ($stats0) and the size ($size0 bytes) put back"

params >"$T/params1"
cmp -s "$T/params0" "$T/params1" &&
	! ls /mnt/disk/vmdemo-bench.* >/dev/null 2>&1
rc=$?
[ "$rc" = 0 ] || diff "$T/params0" "$T/params1" | sed 's/^/#   /'
ok "$rc" "the module's parameters as before the run, no file of the bench left in /mnt/disk"

exit "$failed"
