# SPDX-License-Identifier: GPL-2.0
#
# tests/lib/tap.sh: what the suite's shell tests share, sourced by each
# (busybox sh in the test VM, where it is /tests/lib/tap.sh).  Each test
# sets T (its temporary directory) before using these, and may set
# DIAG_LINES (stdout lines a failure shows, default 40).  Prints TAP.

n=0
failed=0

# Show a failed test's command output as TAP comments.
diag() {
	echo "#   exit status: $rc"
	[ -s "$T/out" ] && sed 's/^/#   stdout: /' "$T/out" | head -n "${DIAG_LINES:-40}"
	[ -s "$T/err" ] && sed 's/^/#   stderr: /' "$T/err" | head -n 20
}

# run CMD...: run it; its status in $rc, its output in $T/out and $T/err.
run() {
	"$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
}

# verdict NAME CONDITION: one test, passing if the shell CONDITION holds.
verdict() {
	n=$((n + 1))
	if eval "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		diag
		failed=$((failed + 1))
	fi
}

# Does the last run's stdout (out) or stderr (err) match the pattern?
out() { grep -q -e "$1" "$T/out"; }
err() { grep -q -e "$1" "$T/err"; }
