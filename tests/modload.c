// SPDX-License-Identifier: GPL-2.0
/* Reloading vmdemo from a test: see modload.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "modload.h"
#include "sysfile.h"

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v ? v : dflt;
}

const char *vmdemo_ko(void)
{
	return env_or("VMDEMO_KO", "/lib/modules/vmdemo.ko");
}

const char *vmdemo_modparams(void)
{
	return env_or("VMDEMO_MODPARAMS", "");
}

int vmdemo_unload(void)
{
	int i;

	for (i = 0; vmdemo_loaded() && i < 50; i++) {
		if (!syscall(SYS_delete_module, "vmdemo", O_NONBLOCK))
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			return errno;
		usleep(100000);	/* a child's descriptor, closing */
	}
	return vmdemo_loaded() ? EBUSY : 0;
}

int vmdemo_reload(const char *params)
{
	int fd, err;

	err = vmdemo_unload();
	if (err)
		return err;
	fd = open(vmdemo_ko(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	err = syscall(SYS_finit_module, fd, params, 0) ? errno : 0;
	close(fd);
	return err;
}

int vmdemo_restore(void)
{
	return vmdemo_reload(vmdemo_modparams());
}
