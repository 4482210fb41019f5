// SPDX-License-Identifier: GPL-2.0
/*
 * Step 6, fork and copy-on-write: after fork() parent and child share a
 * MAP_SHARED mapping for real, while each gets its own copy of a
 * MAP_PRIVATE page as soon as one of them writes to it.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo.h"

/* What the child reports back, in the shared page after the text. */
struct report {
	unsigned long long shared_pfn, private_pfn;
};

int main(void)
{
	int fd = demo_init(FAULT_AROUND_OFF);
	unsigned long long shared_pfn, private_pfn;
	struct stats before, d;
	char *shared, *private;
	struct report *child;
	int status;
	pid_t pid;

	device_fresh(fd, page);
	shared = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	private = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (shared == MAP_FAILED || private == MAP_FAILED)
		die("mmap");
	child = (struct report *)(shared + 64);
	strcpy(shared, "parent");
	strcpy(private, "parent");
	shared_pfn = pfn(shared);
	private_pfn = pfn(private);
	printf("  The parent mapped device page 0 twice, MAP_SHARED and MAP_PRIVATE,\n"
	       "  and wrote \"parent\" through both: the shared mapping is page frame\n"
	       "  %#llx, the private copy %#llx.  Then it forked, and the child\n"
	       "  wrote \"child\" through both.\n\n", shared_pfn, private_pfn);

	stats_read(&before);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		strcpy(shared, "child");
		strcpy(private, "child");
		child->shared_pfn = pfn(shared);
		child->private_pfn = pfn(private);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	d = stats_since(&before);
	printf("  child:  shared page frame %#llx, private page frame %#llx\n",
	       child->shared_pfn, child->private_pfn);
	printf("  parent: shared page frame %#llx, private page frame %#llx\n",
	       pfn(shared), pfn(private));
	printf("  parent reads: shared \"%s\", private \"%s\"\n\n", shared, private);

	check(!strcmp(shared, "child") && child->shared_pfn == shared_pfn,
	      "MAP_SHARED: one page for both, so the parent sees the child's write");
	check(!strcmp(private, "parent") && pfn(private) == private_pfn &&
	      child->private_pfn != private_pfn,
	      "MAP_PRIVATE: the child's write went to a new copy of its own;\n"
	      "the parent's copy and its contents are unchanged");
	check_count("vma_opens", d.vma_opens, 2,
		    "fork() copied both mappings into the child");
	check_count("faults_write_shared", d.faults_write_shared, 1,
		    "the child's write to the shared page\n"
		    "faulted: fork() copies no page table entry\n"
		    "of a shared mapping; the child mapped the\n"
		    "page again from the page cache");
	check_count("faults_cow", d.faults_cow, 0,
		    "the child's private write did not reach\n"
		    "the driver: it copied the parent's private\n"
		    "copy, not the device's page");
	return demo_done();
}
