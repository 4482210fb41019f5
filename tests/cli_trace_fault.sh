#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/cli_trace_fault.sh: vmdemo trace-fault, in the test VM as root
# (busybox sh).  Records a read fault, a copy-on-write fault and a shared
# write fault on /dev/vmdemo with the function-graph tracer and checks that
# each call tree leads from handle_mm_fault to the driver through the
# functions the fault path map names (or names them as inlined), and that
# every tracefs and debugfs setting it changed is put back.  Prints TAP;
# exits 1 if a test failed.  Skips if the kernel has no function_graph.
#
# Needs: vmdemo in PATH (userspace/bin), the module loaded or in $VMDEMO_KO.

# shellcheck disable=SC2016,SC2034 # the conditions are eval'd by verdict
T=$(mktemp -d /tmp/cli_trace_fault.XXXXXX)
DIAG_LINES=120
# shellcheck source=lib/tap.sh
. "${VMDEMO_TESTS_LIB:-/tests/lib}/tap.sh"
TR=/sys/kernel/tracing
FA=/sys/kernel/debug/fault_around_bytes

echo "TAP version 13"

trap 'rm -rf "$T"' EXIT


# path KIND NAME...: in the "== KIND:" part of the output, the call tree
# has the NAMEs in this order, each one called inside the one before.  A
# name that is not in the tree passes if the output names it as not
# traceable ("[NAME]": inlined on this kernel), except handle_mm_fault and
# the driver's functions, which must be in the tree.
path() {
	kind=$1
	shift
	awk -v kind="$kind" -v names="$*" '
	BEGIN { nn = split(names, name, " ") }
	/^== / { in_kind = ($2 == kind ":"); next }
	!in_kind { next }
	/^ +[A-Za-z_][A-Za-z0-9_.]*( \[[a-z_]+\])?\(\)/ {
		fn = $1
		sub(/\(.*/, "", fn)
		depth = match($0, /[^ ]/)
		tree[++nt] = fn; tdepth[nt] = depth
	}
	{ for (i = 1; i <= nn; i++) if (index($0, "[" name[i] "]")) inl[name[i]] = 1 }
	END {
		at = 0; atdepth = 0
		for (i = 1; i <= nn; i++) {
			for (j = at + 1; j <= nt; j++)
				if (tree[j] == name[i] && tdepth[j] > atdepth)
					break
			if (j <= nt) { at = j; atdepth = tdepth[j]; continue }
			if (inl[name[i]] && name[i] !~ /^(vmdemo_|handle_mm_fault)/)
				continue
			print "# not in the " kind " tree in order: " name[i]
			exit 1
		}
	}' "$T/out"
}

if ! grep -q '^vmdemo ' /proc/modules; then
	vmdemo load >/dev/null 2>&1
fi
[ -e $TR/trace ] || mount -t tracefs nodev $TR 2>/dev/null
if ! grep -qw function_graph $TR/available_tracers 2>/dev/null; then
	run vmdemo trace-fault read
	verdict "trace-fault without function_graph: exit 1, says so" \
		'[ $rc = 1 ] && err "CONFIG_FUNCTION_GRAPH_TRACER"'
	echo "ok 2 - trace-fault # SKIP this kernel has no function_graph tracer"
	echo "1..2"
	[ "$failed" = 0 ]
	exit
fi

# --- usage ----------------------------------------------------------------
run vmdemo trace-fault --help
verdict "trace-fault --help: exit 0, usage on stdout" \
	'[ $rc = 0 ] && out "^Usage: vmdemo trace-fault" && [ ! -s "$T/err" ]'
run vmdemo trace-fault swap
verdict "trace-fault with an unknown kind: exit 2" '[ $rc = 2 ] && err "read, cow, shared or all"'

# --- the three faults -------------------------------------------------------
# Settings that are not the defaults, to see them put back as they were.
fa_before=$(cat $FA)
echo 32768 >$FA
echo vfs_read >$TR/set_graph_function
gf_before=$(cat $TR/set_graph_function)
on_before=$(cat $TR/tracing_on)
irqs_before=$(cat $TR/options/funcgraph-irqs)
pid_before=$(cat $TR/set_ftrace_pid)
filter_before=$(cat $TR/set_ftrace_filter)

run vmdemo trace-fault all
verdict "trace-fault all: exit 0, three trees, nothing on stderr" \
	'[ $rc = 0 ] && out "^== read:" && out "^== cow:" && out "^== shared:" && [ ! -s "$T/err" ]'
verdict "read fault: handle_mm_fault ... do_read_fault ... vmdemo_fault" \
	'path read handle_mm_fault do_fault do_read_fault __do_fault vmdemo_fault'
verdict "read fault: no fault-around (.map_pages) while it traces" \
	'! awk "/^== cow:/ { exit } /vmdemo_map_pages/ { f = 1 } END { exit !f }" "$T/out"'
verdict "cow fault: handle_mm_fault ... do_cow_fault ... vmdemo_fault" \
	'path cow handle_mm_fault do_fault do_cow_fault __do_fault vmdemo_fault'
verdict "shared write fault: ... do_shared_fault ... vmdemo_fault" \
	'path shared handle_mm_fault do_fault do_shared_fault __do_fault vmdemo_fault'
verdict "shared write fault: ... do_shared_fault ... vmdemo_page_mkwrite" \
	'path shared handle_mm_fault do_fault do_shared_fault do_page_mkwrite vmdemo_page_mkwrite'
verdict "after it: current_tracer is nop" '[ "$(cat $TR/current_tracer)" = nop ]'
verdict "after it: set_graph_function as before" \
	'[ "$(cat $TR/set_graph_function)" = "$gf_before" ]'
verdict "after it: set_ftrace_filter, set_ftrace_pid, tracing_on, funcgraph-irqs as before" \
	'[ "$(cat $TR/set_ftrace_filter)" = "$filter_before" ] &&
	 [ "$(cat $TR/set_ftrace_pid)" = "$pid_before" ] &&
	 [ "$(cat $TR/tracing_on)" = "$on_before" ] &&
	 [ "$(cat $TR/options/funcgraph-irqs)" = "$irqs_before" ]'
verdict "after it: fault_around_bytes as before" '[ "$(cat $FA)" = 32768 ]'

# --- another tracer in use ------------------------------------------------
# One function only: tracing them all is too slow under emulation.
echo vfs_fsync >$TR/set_ftrace_filter
echo function >$TR/current_tracer
run vmdemo trace-fault read
verdict "trace-fault while another tracer runs: exit 1, says so, changes nothing" \
	'[ $rc = 1 ] && err "in use" && [ "$(cat $TR/current_tracer)" = function ] &&
	 [ "$(cat $TR/set_graph_function)" = "$gf_before" ] && [ "$(cat $FA)" = 32768 ]'
echo nop >$TR/current_tracer
: >$TR/set_ftrace_filter

: >$TR/set_graph_function
echo "$fa_before" >$FA

echo "1..$n"
[ "$failed" = 0 ]
