// SPDX-License-Identifier: GPL-2.0
/*
 * Pictures of pages for the tour programs: "vmdemo map --row" run on this
 * process, one letter per page, printed and handed back to be checked.
 * See demo.h.
 */
#include <errno.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo.h"

extern char **environ;

#define STRIP_MAX	64	/* pages in one strip */

void legend(void)
{
	static int shown;

	if (shown++)
		return;
	printf("  Pictures: vmdemo map, a letter per page: c a page of the mapped\n"
	       "  file's page cache (the device's own, in a mapping of the device),\n"
	       "  p a private copy, a anonymous, z the zero page, . not present;\n"
	       "  upper case: dirty%s.\n",
	       demo_backing() ? "" : " (without a backing file the device's\n"
	       "  pages are always dirty: they have nowhere to be written)");
}

const char *map_row(const void *addr, size_t npages)
{
	static char cells[STRIP_MAX + 2];
	const char *cmd = getenv("VMDEMO_CMD");
	char pid[16], range[64];
	char *argv[] = { NULL, "map", "--row", pid, range, NULL };
	posix_spawn_file_actions_t fa;
	int fds[2], status, err;
	size_t len = 0;
	ssize_t n;
	pid_t child;

	if (npages > STRIP_MAX)
		npages = STRIP_MAX;
	argv[0] = (char *)(cmd && *cmd ? cmd : "vmdemo");
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(range, sizeof(range), "%lx-%lx", (unsigned long)(uintptr_t)addr,
		 (unsigned long)(uintptr_t)addr + npages * page);
	if (pipe(fds))
		die("pipe");
	/*
	 * posix_spawn(), not fork(): a forked child would copy this process's
	 * mappings of the device, and the driver would count a vma_open for
	 * each.  glibc's posix_spawn() shares the address space until exec.
	 */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	err = posix_spawnp(&child, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (err) {
		fprintf(stderr, "demo: cannot run '%s map' for the pictures (set VMDEMO_CMD to the vmdemo command): %s\n",
			argv[0], strerror(err));
		exit(1);
	}
	while (len < sizeof(cells) - 1 &&
	       (n = read(fds[0], cells + len, sizeof(cells) - 1 - len)) > 0)
		len += n;
	close(fds[0]);
	cells[len] = '\0';
	cells[strcspn(cells, "\n")] = '\0';
	if (waitpid(child, &status, 0) != child)
		die("waitpid for vmdemo map");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "demo: '%s map --row %s %s' failed (see its message above)\n",
			argv[0], pid, range);
		exit(1);
	}
	return cells;
}

const char *strip(const char *label, const void *addr, size_t npages)
{
	const char *cells = map_row(addr, npages);

	legend();
	printf("  %-34s %s\n", label, cells);
	return cells;
}

/* Dirty or clean depends on the kernel and the module's mode: not checked. */
void check_strip(const char *got, const char *want, const char *what)
{
	int same = !strcasecmp(got, want);

	check(same, "%s: %s%s%s", what, want,
	      same ? "" : ", but the picture is ", same ? "" : got);
}
