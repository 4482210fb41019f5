#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/tools_cli.sh: everyday tools on /dev/vmdemo, in the test VM as root
# (busybox sh and applets): cat, dd (bs=1M; bs=4k with seek, skip and
# conv=notrunc; an odd block size), cp to and from the device, with cmp
# and md5sum checking every byte against a regular file that mirrors what
# the device should hold.  The device has a fixed size (4 MiB here): a
# write at its end fails with ENOSPC, one that crosses it is short, and
# nothing truncates or extends it.  Prints TAP; exits 1 if a test failed.
#
# Needs: the module loaded (else every test is skipped), vmdemo in PATH
# (userspace/bin) for resize and info.  Puts the device's size back at
# the end; its contents are zero then.

# shellcheck disable=SC2016 # verdict's conditions are eval'ed there
DEV=/dev/vmdemo
SIZE=4194304            # 4 MiB, 1024 pages
T=$(mktemp -d /tmp/tools_cli.XXXXXX)
DIAG_LINES=20
# shellcheck source=lib/tap.sh
. "${VMDEMO_TESTS_LIB:-/tests/lib}/tap.sh"

echo "TAP version 13"

cleanup() { rm -rf "$T"; }
trap cleanup EXIT

if [ ! -c $DEV ] || ! command -v vmdemo >/dev/null; then
	echo "1..0 # SKIP $DEV or the vmdemo command is missing"
	exit 4
fi

enospc() { [ $rc != 0 ] && err "No space left on device"; }
# The device holds exactly the bytes of the image file $T/img.
same_as_img() { cmp -s $DEV "$T/img"; }
md5() { md5sum | cut -d ' ' -f 1; }
# Run these with run: their redirections are their own.
cat_to_dev() { cat "$1" >$DEV; }
cat_from_dev() { cat $DEV >"$1"; }
dev_size() { vmdemo info | sed -n 's/^size .*(\([0-9]*\) bytes.*/\1/p'; }

orig_size=$(dev_size)
dd if=/dev/urandom of="$T/a" bs=1M count=4 2>/dev/null
dd if=/dev/urandom of="$T/b" bs=1M count=4 2>/dev/null
dd if=/dev/urandom of="$T/big" bs=1M count=5 2>/dev/null
dd if=/dev/urandom of="$T/small" bs=10000 count=1 2>/dev/null
dd if=/dev/zero of="$T/img" bs=1M count=4 2>/dev/null

vmdemo resize 0 >/dev/null && vmdemo resize 4M >/dev/null
verdict "setup: a fresh 4 MiB device reads as 4 MiB of zeroes" \
	'[ "$(dev_size)" = $SIZE ] && same_as_img && [ $(wc -c <$DEV) = $SIZE ]'

# --- cat ----------------------------------------------------------------------
run cat_to_dev "$T/a"
cp "$T/a" "$T/img"
verdict "cat FILE >$DEV: exit 0, every byte there (cmp)" '[ $rc = 0 ] && same_as_img'
verdict "md5sum of $DEV (path and stdin) is the file's" \
	'[ "$(md5sum $DEV | cut -d " " -f 1)" = "$(md5 <"$T/a")" ] &&
	 [ "$(md5 <$DEV)" = "$(md5 <"$T/a")" ]'
run cat_from_dev "$T/copy"
verdict "cat $DEV >FILE: exit 0, the file is the device, 4 MiB" \
	'[ $rc = 0 ] && cmp -s "$T/copy" "$T/a" && [ $(wc -c <"$T/copy") = $SIZE ]'
run cat_to_dev "$T/big"
head -c $SIZE "$T/big" >"$T/img"
verdict "cat of 5 MiB into the 4 MiB device: ENOSPC, the first 4 MiB written" \
	'enospc && same_as_img && [ "$(dev_size)" = $SIZE ]'

# --- dd -----------------------------------------------------------------------
run dd if="$T/b" of=$DEV bs=1M
cp "$T/b" "$T/img"
verdict "dd bs=1M into $DEV: exit 0, 4 records out, every byte there" \
	'[ $rc = 0 ] && err "^4+0 records out" && same_as_img'
run dd if=$DEV of="$T/copy" bs=1M
verdict "dd bs=1M out of $DEV: 4 records in, the same bytes" \
	'[ $rc = 0 ] && err "^4+0 records in" && cmp -s "$T/copy" "$T/b"'

run dd if="$T/a" of=$DEV bs=4k skip=3 seek=10 count=5 conv=notrunc
dd if="$T/a" of="$T/img" bs=4k skip=3 seek=10 count=5 conv=notrunc 2>/dev/null
verdict "dd bs=4k skip=3 seek=10 count=5 conv=notrunc: those pages only" \
	'[ $rc = 0 ] && err "^5+0 records out" && same_as_img'
run dd if=$DEV of="$T/piece" bs=4k skip=9 count=7
dd if="$T/img" of="$T/piece2" bs=4k skip=9 count=7 2>/dev/null
verdict "dd bs=4k skip=9 count=7 out of $DEV: the pages around them too" \
	'[ $rc = 0 ] && cmp -s "$T/piece" "$T/piece2" && [ $(wc -c <"$T/piece") = 28672 ]'

# Without conv=notrunc dd would ftruncate() the output: a device ignores it.
run dd if="$T/a" of=$DEV bs=4k skip=100 seek=200 count=3
dd if="$T/a" of="$T/img" bs=4k skip=100 seek=200 count=3 conv=notrunc 2>/dev/null
verdict "dd bs=4k seek=200 without conv=notrunc: nothing after it is lost" \
	'[ $rc = 0 ] && same_as_img && [ "$(dev_size)" = $SIZE ]'

# Blocks that do not line up with pages.
run dd if="$T/b" of=$DEV bs=1000 skip=7 seek=3 count=9 conv=notrunc
dd if="$T/b" of="$T/img" bs=1000 skip=7 seek=3 count=9 conv=notrunc 2>/dev/null
verdict "dd bs=1000 skip=7 seek=3 count=9 conv=notrunc: unaligned, exact" \
	'[ $rc = 0 ] && same_as_img'

run dd if="$T/a" of=$DEV bs=4k seek=1024 count=1 conv=notrunc
verdict "dd at the end (seek=1024 of 1024 pages): ENOSPC, nothing changed" \
	'enospc && err "^0+0 records out" && same_as_img'
run dd if="$T/a" of=$DEV bs=4k seek=1023 count=2 conv=notrunc
dd if="$T/a" of="$T/img" bs=4k seek=1023 count=1 conv=notrunc 2>/dev/null
verdict "dd of 2 pages from the last page: one written, then ENOSPC" \
	'enospc && err "^1+0 records out" && same_as_img'
# 1398 * 3000 = 4194000: the block crosses the end 304 bytes in.
run dd if="$T/b" of=$DEV bs=3000 seek=1398 count=1 conv=notrunc
dd if="$T/b" bs=304 count=1 2>/dev/null | \
	dd of="$T/img" bs=1 seek=4194000 conv=notrunc 2>/dev/null
verdict "dd of a block across the end: the part before it written, then ENOSPC" \
	'enospc && same_as_img'

# --- cp -----------------------------------------------------------------------
run cp "$T/a" $DEV
cp "$T/a" "$T/img"
verdict "cp FILE $DEV: exit 0, still the device node, every byte there" \
	'[ $rc = 0 ] && [ -c $DEV ] && same_as_img'
run cp "$T/small" $DEV
dd if="$T/small" of="$T/img" conv=notrunc 2>/dev/null
verdict "cp of a smaller file: its bytes, the rest of the device kept" \
	'[ $rc = 0 ] && [ -c $DEV ] && same_as_img && [ "$(dev_size)" = $SIZE ]'
run cp $DEV "$T/copy"
verdict "cp $DEV FILE: a regular file of 4 MiB with the device's bytes" \
	'[ $rc = 0 ] && [ -f "$T/copy" ] && cmp -s "$T/copy" "$T/img" &&
	 [ $(wc -c <"$T/copy") = $SIZE ]'
run cp "$T/big" $DEV
head -c $SIZE "$T/big" >"$T/img"
verdict "cp of 5 MiB into the 4 MiB device: ENOSPC, the first 4 MiB written" \
	'enospc && [ -c $DEV ] && same_as_img'
verdict "md5sum: the device and its mirror agree at the end" \
	'[ "$(md5 <$DEV)" = "$(md5 <"$T/img")" ]'

vmdemo resize 0 >/dev/null
vmdemo resize "$orig_size" >/dev/null
verdict "finally: the device has its size back" '[ "$(dev_size)" = "$orig_size" ]'

echo "1..$n"
[ "$failed" = 0 ]
