// SPDX-License-Identifier: GPL-2.0
/*
 * Reloading vmdemo for the backing-file lines: with the suite's parameters
 * plus backing=FILE, and back to the suite's parameters afterwards.  The
 * suite's parameters are VMDEMO_MODPARAMS and the module file VMDEMO_KO,
 * which the test VM's init exports; without them the bench cannot know how
 * to put the module back, and the backing lines are skipped.
 *
 * reload_suite() is async-signal-safe (only system calls), so the exit
 * and signal paths of knobs.c can put the module back too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static char ko_path[512];
static char suite_params[1024];
static char backed_params[1536];

/*
 * Remember the module file and both parameter strings.  A backing= of
 * the suite's own is left out of the backed load.  Return: NULL, or why
 * the module cannot be reloaded.
 */
const char *reload_setup(const char *backing_file)
{
	const char *ko = getenv("VMDEMO_KO");
	const char *params = getenv("VMDEMO_MODPARAMS");
	char buf[sizeof(suite_params)], *tok, *save;
	size_t n = 0;

	if (!params)
		return "VMDEMO_MODPARAMS is not set: the module's parameters to load it back with are unknown";
	if (!ko)
		ko = "/lib/modules/vmdemo.ko";
	if (access(ko, R_OK))
		return "the module file (VMDEMO_KO, /lib/modules/vmdemo.ko) is not readable";
	if (strlen(ko) >= sizeof(ko_path) || strlen(params) >= sizeof(suite_params))
		return "VMDEMO_KO or VMDEMO_MODPARAMS is too long";
	strcpy(ko_path, ko);
	strcpy(suite_params, params);

	backed_params[0] = 0;
	strcpy(buf, params);
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		if (strncmp(tok, "backing=", 8))
			n += snprintf(backed_params + n, sizeof(backed_params) - n,
				      "%s ", tok);
	if (snprintf(backed_params + n, sizeof(backed_params) - n, "backing=%s",
		     backing_file) >= (int)(sizeof(backed_params) - n))
		return "the backing file's path is too long";
	return NULL;
}

const char *reload_backed_params(void)
{
	return backed_params;
}

/* Unload, waiting up to 5 s for descriptors still closing.  0 or errno. */
static int unload(void)
{
	struct timespec pause = { 0, 100000000 };
	int i;

	for (i = 0; i < 50; i++) {
		if (access("/sys/module/vmdemo", F_OK))
			return 0;
		if (!syscall(SYS_delete_module, "vmdemo", O_NONBLOCK))
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			return errno;
		nanosleep(&pause, NULL);
	}
	return EBUSY;
}

static int load(const char *params)
{
	int fd, err;

	err = unload();
	if (err)
		return err;
	fd = open(ko_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	err = syscall(SYS_finit_module, fd, params, 0) ? errno : 0;
	close(fd);
	return err;
}

/* Reload with backing=FILE: 0 or an errno. */
int reload_backed(void)
{
	return load(backed_params);
}

/* Reload with the suite's parameters: 0 or an errno.  Async-signal-safe. */
int reload_suite(void)
{
	return load(suite_params);
}
