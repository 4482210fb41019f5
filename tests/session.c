// SPDX-License-Identifier: GPL-2.0
/*
 * The processes of a session: which are there, and killing them all,
 * reaping those that came to us as the subreaper.  See session.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "session.h"
#include "sysfile.h"
#include "tap.h"

int session_members(pid_t sid, pid_t *pids, int max)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[64], stat[512], *p, state;
		int pid = atoi(de->d_name), ppid, pgrp, session;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (sysfile_line(path, stat, sizeof(stat)))
			continue;
		p = strrchr(stat, ')');	/* the name may hold anything */
		if (!p || sscanf(p + 1, " %c %d %d %d", &state, &ppid, &pgrp,
				 &session) != 4)
			continue;
		if (session != sid || state == 'Z' || state == 'X')
			continue;
		if (n < max)
			pids[n] = pid;
		n++;
	}
	closedir(d);
	return n;
}

int kill_session(pid_t sid, int secs)
{
	pid_t pids[256];
	int i, n = 0, tick;

	for (tick = 0; tick <= secs * 10; tick++) {
		kill(-sid, SIGKILL);
		n = session_members(sid, pids, 256);
		for (i = 0; i < n && i < 256; i++)
			kill(pids[i], SIGKILL);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (n <= 0)
			return 0;
		usleep(100000);
	}
	for (i = 0; i < n && i < 256; i++) {
		char path[64], buf[256];

		snprintf(path, sizeof(path), "/proc/%d/wchan", pids[i]);
		if (sysfile_line(path, buf, sizeof(buf)))
			buf[0] = 0;
		diag("pid %d is still there (wchan %s)", pids[i], buf);
	}
	return n;
}
