#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/cli_map.sh: vmdemo map, in the test VM as root (busybox sh).  A
# helper (vmdemo-testhelp layout) lays out five pages: the device mapped
# MAP_PRIVATE with page 0 read (the device's page), page 1 written (a
# private copy), page 2 untouched, then anonymous memory with page 3 read
# (the zero page) and page 4 untouched.  vmdemo map must draw exactly that,
# in text and JSON, with the frame numbers and dirty bits that
# /proc/PID/pagemap and /proc/kpageflags hold (read here with dd), mark the
# frames a forked child shares with --with, hide frame numbers from a user
# and say so, and reject bad arguments.  Prints TAP; exits 1 if a test failed.
#
# Needs: vmdemo and vmdemo-testhelp in PATH, the module loaded (it is
# loaded if not), /dev/vmdemo at least 3 pages long.

# The conditions of verdict are single-quoted: eval expands them later.
# shellcheck disable=SC2016,SC2034
DEV=/dev/vmdemo
T=$(mktemp -d /tmp/cli_map.XXXXXX)
# shellcheck source=lib/tap.sh
. "${VMDEMO_TESTS_LIB:-/tests/lib}/tap.sh"
pids=
ESC=$(printf '\033')

echo "TAP version 13"

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	chmod 0600 $DEV 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# The whole line, exactly.
line() { grep -q -x -F -e "$1" "$T/out"; }
as_nobody() { vmdemo-testhelp asuser 65534 "$@"; }

# layout NAME CMD...: start CMD (vmdemo-testhelp layout ..., maybe through
# asuser), output in $T/NAME; wait until it has laid out its pages.  Its pid
# (CMD execs the helper) in $lpid.
layout() {
	name=$1
	shift
	"$@" >"$T/$name" 2>&1 &
	lpid=$!
	pids="$pids $lpid"
	i=0
	while ! grep -q '^mapped' "$T/$name" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# Address arithmetic in hexadecimal, without 0x: addr BASE PAGES.
addr() { printf '%x' $((0x$1 + $2 * 4096)); }
# The 64-bit entry of a pagemap or kpageflags file, as 16 hex digits.
entry() { dd if="$1" bs=8 skip="$2" count=1 2>/dev/null | od -An -tx8 | tr -d ' \n'; }
# The frame of PID's page at ADDR, in hex without 0x (bits 0-51 suffice).
pfn_of() {
	e=$(entry "/proc/$1/pagemap" $((0x$2 / 4096)))
	printf '%x' $((0x${e#???}))
}
# kpageflags bit BIT of frame PFN (hex): 1 or 0.
kpf_bit() {
	f=$(entry /proc/kpageflags $((0x$1)))
	echo $(((0x${f#???} >> $2) & 1))
}
# The letter of a cell: upper case when kpageflags says the frame is dirty.
cell() { if [ "$(kpf_bit "$2" 4)" = 1 ]; then echo "$1" | tr '[:lower:]' '[:upper:]'; else echo "$1"; fi; }
# The values of KEY in the JSON output, one per line.
json_values() { grep -o "\"$1\": [^,}]*" "$T/out" | sed "s/^\"$1\": //"; }
json_list() { json_values "$1" | tr '\n' ' '; }
# Braces and brackets balance, and it is one object.
json_balanced() {
	[ "$(head -c 1 "$T/out")" = "{" ] &&
	[ "$(tr -cd '{' <"$T/out" | wc -c)" = "$(tr -cd '}' <"$T/out" | wc -c)" ] &&
	[ "$(tr -cd '[' <"$T/out" | wc -c)" = "$(tr -cd ']' <"$T/out" | wc -c)" ]
}

if [ ! -d /sys/module/vmdemo ]; then
	run vmdemo load
	verdict "setup: load the module" '[ $rc = 0 ]'
fi

# --- help -------------------------------------------------------------------
run vmdemo map --help
verdict "map --help: exit 0, usage, the cells and the options" \
	'[ $rc = 0 ] && out "^Usage: vmdemo map" && out "  --with PID2" && out "  --json" &&
	 out "-- PROGRAM" && out "zero page" && [ ! -s "$T/err" ]'
run vmdemo --help
verdict "vmdemo --help lists map" '[ $rc = 0 ] && out "^  map "'

# --- the layout, as root ----------------------------------------------------
layout parent vmdemo-testhelp layout 120 fork
P=$lpid
A=$(sed -n 's/^device //p' "$T/parent")
C=$(sed -n 's/^child //p' "$T/parent")
verdict "setup: the helper laid out its pages" '[ -n "$A" ] && [ -n "$C" ]'
A1=$(addr "$A" 1) A2=$(addr "$A" 2) A3=$(addr "$A" 3) A4=$(addr "$A" 4) A5=$(addr "$A" 5)
F0=$(pfn_of "$P" "$A") F1=$(pfn_of "$P" "$A1") F3=$(pfn_of "$P" "$A3")
echo "# device at $A; frames: page 0 $F0, page 1 $F1, page 3 $F3"
verdict "setup: pagemap has frames for pages 0, 1, 3; page 3 is the zero page" \
	'[ "$F0" != 0 ] && [ "$F1" != 0 ] && [ "$F0" != "$F1" ] && [ "$(kpf_bit "$F3" 24)" = 1 ]'
c0=$(cell c "$F0") p1=$(cell p "$F1") z3=$(cell z "$F3")
is_dirty() { if [ "$1" = "$2" ]; then echo false; else echo true; fi; }
line_no=$(grep -n "$DEV" /proc/$P/maps | cut -d: -f1)

run vmdemo map "$P"
verdict "map PID: exit 0, one section: the mapping of /dev/vmdemo, 3 pages" \
	'[ $rc = 0 ] && line "Process $P (vmdemo-testhelp)" && [ $(grep -c "^/dev/vmdemo " $T/out) = 1 ] &&
	 out "^/dev/vmdemo  $A-$A3 rw-p, offset 0x0, 3 pages (line $line_no of /proc/$P/maps)$" &&
	 ! out "^\[anonymous\]"'
verdict "map PID: the cells are the device's page, a private copy, not present" \
	'line "  $A  $c0$p1."'
verdict "map PID: each page listed, with the frame pagemap has and the dirty bit of kpageflags" \
	'out "^    page 0 *$A  $c0  cache page  *pfn 0x$F0 " && out "^    page 1 *$A1  $p1  private copy  *pfn 0x$F1 " &&
	 line "    page 2    $A2  .  not present" &&
	 out "pfn 0x$F0  *$([ $c0 = C ] && echo dirty || echo clean)$" &&
	 out "pfn 0x$F1  *$([ $p1 = P ] && echo dirty || echo clean)$"'
verdict "map PID: a legend, with the device's own page; no colour, no note" \
	'out "^Legend: c cache page (of /dev/vmdemo: the device.s own page)" && out "p private copy" &&
	 out "z zero page" && out "upper case: dirty" && ! grep -q "$ESC" $T/out && ! out "^Note:"'

run vmdemo map "$P" "$A-$A5"
verdict "map PID ADDR-END over two mappings: the device's three cells, then the zero page and a hole" \
	'[ $rc = 0 ] && line "  $A  $c0$p1." && out "^\[anonymous\]  $A3-" && line "  $A3  $z3." &&
	 out "^    page 0 *$A3  $z3  zero page  *pfn 0x$F3 " && line "    page 1    $A4  .  not present"'
run vmdemo map --row "$P" "$A-$A5"
verdict "map --row PID ADDR-END: only the five letters, on one line" \
	'[ $rc = 0 ] && [ "$(cat $T/out)" = "$c0$p1.$z3." ]'
run vmdemo map --row --json "$P" "$A-$A5"
verdict "map --row --json: exit 2, one or the other" '[ $rc = 2 ] && err "not both"'

run vmdemo map "$P" "0x$A2"
verdict "map PID ADDR: the whole mapping that holds ADDR" \
	'[ $rc = 0 ] && line "  $A  $c0$p1." && ! out "^\[anonymous\]"'
run vmdemo map --vma "$line_no" "$P"
verdict "map --vma N: line N of maps, the device's mapping" \
	'[ $rc = 0 ] && line "  $A  $c0$p1." && out "(line $line_no of /proc/$P/maps)"'
run vmdemo map "$P" 0-ffffffffffffffff
verdict "map PID over all of the address space: many pages, drawn but not listed" \
	'[ $rc = 0 ] && line "  $A  $c0$p1." && line "  $A3  $z3." && ! out "^    page " && ! out "pfn 0x"'

run vmdemo map --json "$P" "$A-$A5"
verdict "map --json: one object, its header" \
	'[ $rc = 0 ] && json_balanced &&
	 out "^{\"pid\": $P, \"comm\": \"vmdemo-testhelp\", \"page_size\": 4096, \"pfns_visible\": true, \"kpageflags\": true, \"with\": null, \"mappings\": \[$" &&
	 out "\"path\": \"/dev/vmdemo\"" && out "\"path\": \"\""'
verdict "map --json: the five cells: cache, private, none, zero, none, at their addresses" \
	'[ "$(json_list class)" = "\"cache\" \"private\" \"none\" \"zero\" \"none\" " ] &&
	 [ "$(json_list addr)" = "\"0x$A\" \"0x$A1\" \"0x$A2\" \"0x$A3\" \"0x$A4\" " ]'
verdict "map --json: the frames and dirty bits, as pagemap and kpageflags hold them" \
	'[ "$(json_list pfn)" = "$((0x$F0)) $((0x$F1)) null $((0x$F3)) null " ] &&
	 [ "$(json_list dirty)" = "$(is_dirty $c0 c) $(is_dirty $p1 p) null $(is_dirty $z3 z) null " ] &&
	 [ "$(json_list shared)" = "null null null null null " ]'

# --- --with: the forked child read page 0, wrote its own page 1, read page 3
run vmdemo map --with "$C" "$P" "$A-$A5"
verdict "map --with CHILD: page 0 and the zero page are shared, page 1 (the child wrote its own) is not" \
	'[ $rc = 0 ] && out "compared with process $C" && line "  $A  $c0$p1." &&
	 [ $(grep -c -x "                ^" $T/out) = 2 ] && out "^    page 0 *$A  .*also in $C$" &&
	 ! out "^    page 1 .*also in" && out "^    page 0 *$A3  .*also in $C$" && out "process $C maps that frame too"'
run vmdemo map --json --with "$C" "$P" "$A-$A5"
verdict "map --json --with CHILD: shared true, false, false, true, false" \
	'[ $rc = 0 ] && out "\"with\": $C," && [ "$(json_list shared)" = "true false false true false " ]'
verdict "the child's page 1 really is another frame" '[ "$(pfn_of "$C" "$A1")" != "$F1" ]'
sleep 120 &
S=$!
pids="$pids $S"
run vmdemo map --json --with "$S" "$P"
verdict "map --with a process that maps no device: nothing of the device's mapping is shared" \
	'[ $rc = 0 ] && [ "$(json_list shared)" = "false false false " ]'

# --- colour -----------------------------------------------------------------
vmdemo-testhelp pty vmdemo map "$P" >"$T/out" 2>&1
rc=$?
sed "s/${ESC}\[[0-9]*m//g" "$T/out" | tr -d '\r' >"$T/plain"
verdict "map on a terminal: coloured cells (cache green, private yellow), the same drawing" \
	'[ $rc = 0 ] && out "${ESC}\[32m" && out "${ESC}\[33m" && ! out "$A  $c0$p1\." &&
	 grep -q -x -F "  $A  $c0$p1." "$T/plain"'
NO_COLOR=1 vmdemo-testhelp pty vmdemo map "$P" >"$T/out" 2>&1
rc=$?
verdict "map on a terminal with NO_COLOR=1: no colour" '[ $rc = 0 ] && out "$A  $c0$p1\." && ! grep -q "$ESC" $T/out'

# --- a user who is not root -------------------------------------------------
run as_nobody vmdemo map "$P"
verdict "map as nobody of root's process: exit 1, permission denied, run as root" \
	'[ $rc = 1 ] && err "cannot read /proc/$P/maps: Permission denied" && err "as root"'
chmod 0666 $DEV
layout nobody vmdemo-testhelp asuser 65534 vmdemo-testhelp layout 120
NP=$lpid
NA=$(sed -n 's/^device //p' "$T/nobody")
verdict "setup: nobody's helper laid out its pages" \
	'[ -n "$NA" ] && [ "$(awk "/^Uid:/ { print \$2 }" /proc/$NP/status)" = 65534 ]'
run as_nobody vmdemo map "$NP"
verdict "map as nobody of its own process: the cells, no frame numbers, a note that they are hidden" \
	'[ $rc = 0 ] && line "  $NA  cp." && out "^    page 0 .*  c  cache page$" && ! out "pfn" &&
	 out "^Note: frame numbers are hidden: only root sees them in /proc/$NP/pagemap"'
run as_nobody vmdemo map --json "$NP"
verdict "map --json as nobody: pfns_visible false, pfn and dirty null" \
	'[ $rc = 0 ] && out "\"pfns_visible\": false" && [ "$(json_list pfn)" = "null null null " ] &&
	 [ "$(json_list dirty)" = "null null null " ] && [ "$(json_list class)" = "\"cache\" \"private\" \"none\" " ]'
run as_nobody vmdemo map --with "$NP" "$NP"
verdict "map --with as nobody: exit 1, needs root" '[ $rc = 1 ] && err "only root" && [ ! -s "$T/out" ]'
chmod 0600 $DEV

# --- running a program ------------------------------------------------------
run vmdemo map -- vmdemo-testhelp layout stop
verdict "map -- PROGRAM: drawn when it stops itself, then it goes on and exits 0" \
	'[ $rc = 0 ] && out "^/dev/vmdemo  .* 3 pages" && out "^  [0-9a-f]*  [cC][pP]\.$" && out "^mapped$"'
run vmdemo map --json -- vmdemo-testhelp layout stop
verdict "map --json -- PROGRAM: the three cells" \
	'[ $rc = 0 ] && [ "$(json_list class)" = "\"cache\" \"private\" \"none\" " ]'
run vmdemo map -- sh -c 'exit 0'
verdict "map -- PROGRAM that never stops: exit 1, says to raise SIGSTOP" \
	'[ $rc = 1 ] && err "exited without stopping itself" && err "SIGSTOP"'
run vmdemo map -- /nonexistent/program
verdict "map -- a missing PROGRAM: exit 1, names it" \
	'[ $rc = 1 ] && err "cannot run /nonexistent/program: No such file"'
run vmdemo map -- sh -c 'kill -STOP $$; exit 3'
verdict "map -- PROGRAM that maps no device and fails: exit 1, says both" \
	'[ $rc = 1 ] && err "maps no /dev/vmdemo" && err "exited with status 3"'

# --- errors -----------------------------------------------------------------
run vmdemo map "$$"
verdict "map of a process without the device: exit 1, says what to give" \
	'[ $rc = 1 ] && err "process $$ maps no /dev/vmdemo: give an address range or --vma N"'
for bad in "" "abc" "0" "-5" "12x" "99999999" "$P zzz" "$P $A1-$A" "$P $A-" "$P 1000-2000" \
	"$P --vma 0" "$P --vma 99999" "$P --vma x" "--with abc $P" "--with 99999999 $P" \
	"$P --vma 1 --dev" "$P $A --vma 1" "--frob $P" "$P $A extra" "--"; do
	# shellcheck disable=SC2086 # the words are separate arguments
	run vmdemo map $bad
	verdict "map $bad: exit 2, a message, a hint" \
		'[ $rc = 2 ] && err "^vmdemo map: " && err "Try .vmdemo map --help." && [ ! -s "$T/out" ]'
done
run vmdemo map 99999999
verdict "map of a process that does not exist: names it" 'err "no process 99999999"'
run vmdemo map "$P" 1000-2000
verdict "map of a range with nothing mapped: says so" 'err "nothing is mapped at 1000-2000 in process $P"'

echo "1..$n"
[ "$failed" = 0 ]
