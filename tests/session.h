/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The processes of a session (setsid()): a program that starts another
 * in a session of its own can find everything that one started, and
 * kill it.
 */
#ifndef _VMDEMO_SESSION_H
#define _VMDEMO_SESSION_H

#include <sys/types.h>

/*
 * The processes in session @sid that are not zombies: their number, the
 * first @max of their pids in @pids; -1 if /proc cannot be read.
 */
int session_members(pid_t sid, pid_t *pids, int max);

/*
 * Kill everything in session @sid (by pid, and its process group) and
 * reap what came to us as the subreaper (PR_SET_CHILD_SUBREAPER), for up
 * to @secs seconds.  Returns the number still there, each named as a
 * diagnostic (tap.h) with its wait channel.
 */
int kill_session(pid_t sid, int secs);

#endif /* _VMDEMO_SESSION_H */
