/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The backing file of issue 13 (module parameter backing=PATH): the
 * object the backing_* programs test, either /dev/vmdemo loaded with a
 * backing file on the guest's ext4 disk (/mnt/disk), or, as the oracle
 * for what a file's page cache does, an ext4 file there of the same size.
 * Also the six counters the backing adds to debugfs' stats, and the
 * page-level facts the tests look at (dirty bits, major faults).
 */
#ifndef _VMDEMO_BACKING_H
#define _VMDEMO_BACKING_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The guest's ext4 disk (scripts/vm, scripts/guest/init). */
#define DISK_DIR	"/mnt/disk"

/* The counters after pages_freed in stats, in the file's order. */
enum bcounter {
	B_FAULTS_MAJOR,
	B_PAGES_READ,
	B_PAGES_READAHEAD,
	B_PAGES_WRITTEN,
	B_PAGES_EVICTED,
	B_PAGES_DIRTY,		/* a gauge: dirty pages now */
	B_NR
};

extern const char *const bcounter_names[B_NR];

struct bcounters {
	uint64_t v[B_NR];
};

/*
 * Read the six counters: 0, or -1 if stats does not list them right
 * after pages_freed, in the documented order.
 */
int bcounters_read(struct bcounters *b);

enum bobj_kind {
	BOBJ_DEVICE,	/* /dev/vmdemo, backing=backing_dir()/NAME.backing */
	BOBJ_EXT4,	/* the file DISK_DIR/NAME.ext4 */
};

/**
 * struct bobj - one object under test
 * @kind: which one
 * @fd: an O_RDWR descriptor of it
 * @path: the device node, or the ext4 file
 * @file: the backing file (device), or the ext4 file again
 */
struct bobj {
	enum bobj_kind kind;
	int fd;
	char path[PATH_MAX];
	char file[PATH_MAX];
};

/* Results of bobj_setup() (as target_setup()'s). */
#define BOBJ_READY	0
#define BOBJ_SKIP	1
#define BOBJ_ERROR	2

/*
 * Make the object of @kind with @size zero bytes (a new, sparse backing
 * file; the module reloaded with "backing=FILE size=SIZE @params") and
 * open it.  @msg gets the reason for anything but BOBJ_READY.
 */
int bobj_setup(struct bobj *o, enum bobj_kind kind, const char *name,
	       uint64_t size, const char *params, char *msg, size_t len);
/* Close it, load the module as the suite did, remove the file. */
void bobj_teardown(struct bobj *o);

static inline bool bobj_is_device(const struct bobj *o)
{
	return o->kind == BOBJ_DEVICE;
}

/* Whether DISK_DIR is an ext4 file system; if not, why, in @msg. */
bool disk_ready(char *msg, size_t len);

/*
 * Where the device's backing files go: DISK_DIR, or, in a guest without
 * the disk (the debug kernel), the tmpfs BACKING_FALLBACK_DIR, so that
 * the device's own tests still run there (buffered I/O on 6.1's tmpfs).
 */
#define BACKING_FALLBACK_DIR	"/dev/shm"
const char *backing_dir(void);
/* Whether the loaded module has the parameter backing= (issue 13). */
bool backing_supported(void);
/* The loaded module's backing file is set (not "(null)" or ""). */
bool backing_in_use(void);

/* Reload vmdemo with backing=@file and @params: 0 or the errno. */
int backing_load(const char *file, const char *params);

/* VMDEMO_IOC_EVICT of [@off, @off + @len): 0 or the errno. */
int vmdemo_evict(int fd, uint64_t off, uint64_t len);

/*
 * Drain every CPU's LRU batches: a page just added to the cache or marked
 * accessed sits in one for a while, and the reference the batch holds
 * keeps invalidate_mapping_pages() (drop_caches, EVICT) from dropping it.
 * User space has no direct way; POSIX_FADV_DONTNEED calls
 * lru_add_drain_all() when a page of its range stays, so this maps a page
 * of a scratch file on DISK_DIR and asks to drop it.  0, or -1 (also
 * without the disk: tmpfs ignores fadvise).
 */
int lru_drain(void);

/*
 * lru_drain() where it can, then VMDEMO_IOC_EVICT: for tests of what an
 * eviction does to pages, not of EVICT with pages in LRU batches
 * (backing_evict has that one).  0 or the errno of EVICT.
 */
int vmdemo_evict_drained(int fd, uint64_t off, uint64_t len);

/* This process' major and minor faults so far (getrusage()). */
long self_majflt(void);
long self_minflt(void);

/*
 * Whether the page this process maps at @addr is dirty (PG_dirty, from
 * /proc/kpageflags through /proc/self/pagemap; root only): 1 or 0, -1
 * if it cannot tell (not present, or no access).
 */
int page_dirty(const void *addr);

/* echo 1 > /proc/sys/vm/drop_caches: 0 or the errno. */
int drop_page_cache(void);

/*
 * After the tests: load the module as the suite did if it is not loaded,
 * or still has a backing file the suite did not give it.  Returns @ret,
 * or 1 if that load failed.
 */
int backing_leave(int ret);

/* main(): the harness, then backing_leave(). */
#define BACKING_MAIN()							\
	int main(int argc, char **argv)					\
	{								\
		return backing_leave(test_harness_run(argc, argv));	\
	}

#endif /* _VMDEMO_BACKING_H */
