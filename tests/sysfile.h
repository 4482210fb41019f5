/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small files of the kernel's (sysfs, procfs, debugfs, tracefs): read a
 * line, a number or the whole text, write a string; and where vmdemo's
 * own are.
 */
#ifndef _VMDEMO_SYSFILE_H
#define _VMDEMO_SYSFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#define VMDEMO_MODULE_DIR	"/sys/module/vmdemo"
#define VMDEMO_PARAMS_DIR	VMDEMO_MODULE_DIR "/parameters"

/* The device node: VMDEMO_DEV, or VMDEMO_DEVICE_PATH. */
const char *vmdemo_dev(void);
/* Whether the module is loaded (in /proc/modules). */
bool vmdemo_loaded(void);
/* Was it loaded with a backing file (debugfs backing is not "none")? */
bool vmdemo_backed(void);

/* The frame this process maps at @addr (/proc/self/pagemap); 0 if none or hidden. */
uint64_t self_pfn(const void *addr);

/* Whether frame @pfn is marked poisoned (/proc/kpageflags); -1: unknown. */
int frame_poisoned(uint64_t pfn);

/* A /proc/meminfo field ("MemTotal", "MemAvailable") in bytes, or 0. */
uint64_t meminfo_bytes(const char *field);

/* The first line of @path, without its newline, in @buf: 0 or -1. */
int sysfile_line(const char *path, char *buf, size_t len);
/* The number (any base strtol() takes) in @path, or @def. */
long sysfile_long(const char *path, long def);
/* The whole of a (small) file, NUL-terminated, malloc'ed; NULL if not. */
char *sysfile_text(const char *path);

/*
 * The paths ("@dir/name") of the files in @dir but the dot files,
 * NULL-terminated and malloc'ed; NULL if @dir cannot be read.
 */
char **sysfile_list(const char *dir);
void sysfile_list_free(char **paths);

/* The first of the @n @paths that access(@mode) allows, or NULL. */
const char *sysfile_first(const char *const *paths, size_t n, int mode);

/* write() took only part of the buffer. */
#define SHORT_WRITE	(-1)

/*
 * Write @len bytes of @buf to @path in one write(): 0, the errno (also
 * left in errno), or SHORT_WRITE.
 */
int sysfile_write(const char *path, const void *buf, size_t len);
int sysfile_puts(const char *path, const char *s);

#endif /* _VMDEMO_SYSFILE_H */
