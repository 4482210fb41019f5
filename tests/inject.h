/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation failures injected with the kernel's fault injection
 * (Documentation/fault-injection/fault-injection.rst), for the failinj_*
 * programs:
 *
 *  - fail_page_alloc / failslab with probability 100 and "times" N,
 *    restricted to the calling task (task-filter=Y and
 *    /proc/thread-self/make-it-fail=1): the next N page (or slab)
 *    allocations of this task fail, and nothing else's (inj_arm());
 *  - /proc/thread-self/fail-nth = k: the k-th allocation of the next
 *    system call fails, slab and order-0 pages alike (nth_arm()).
 *
 * Needs CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and
 * CONFIG_FAULT_INJECTION_DEBUG_FS, which only the debug kernel has
 * (scripts/debug-kernel): inj_setup() says so, and the tests skip.
 */
#ifndef _VMDEMO_INJECT_H
#define _VMDEMO_INJECT_H

#include <stdbool.h>
#include <stddef.h>

#define DEBUGFS		"/sys/kernel/debug"

/* The two fault injection capabilities. */
enum inj { INJ_PAGE, INJ_SLAB, INJ_NR };

/* Their debugfs directories. */
extern const char *const inj_dir[INJ_NR];

/* The attributes inj_setup() sets, at most. */
#define INJ_MAX_ATTRS	32

/* The injection state of one test process. */
struct injector {
	bool ready;
	char saved[INJ_MAX_ATTRS][32];
	bool have_saved[INJ_MAX_ATTRS];
	int mif_fd;		/* /proc/thread-self/make-it-fail */
	int nth_fd;		/* /proc/thread-self/fail-nth */
};

/* An attribute of @inj, written (0 or an errno) or read (-2 if not). */
int attr_set(enum inj inj, const char *name, const char *value);
long attr_get(enum inj inj, const char *name);

int inj_setup(struct injector *in, char *why, size_t whylen);
void inj_disarm(struct injector *in);
void inj_teardown(struct injector *in);
int inj_arm(struct injector *in, enum inj inj, int times);
int nth_arm(struct injector *in, unsigned int nth);
long nth_disarm(struct injector *in);

/* Touch @bytes of stack below this frame, so that no later call faults. */
void prefault_stack(size_t bytes);
/* Whether this process maps @addr (pagemap's present bit), or -1. */
int pte_present(const void *addr);

#endif /* _VMDEMO_INJECT_H */
