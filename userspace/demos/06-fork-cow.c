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
	unsigned long long private_pfn_before;	/* before the child wrote */
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
	stats_read(&before);
	strcpy(shared, "parent");
	strcpy(private, "parent");
	d = stats_since(&before);
	shared_pfn = pfn(shared);
	private_pfn = pfn(private);
	printf("  The parent mapped device page 0 twice, MAP_SHARED and MAP_PRIVATE,\n"
	       "  and wrote \"parent\" through both: the shared mapping is page frame\n"
	       "  %#llx, the private copy %#llx.  Then it forked, and the child\n"
	       "  wrote \"child\" through both.\n\n", shared_pfn, private_pfn);
	check(d.faults_write_shared == 1 && d.page_mkwrite == 1 &&
	      d.faults_cow == 1 && d.pages_allocated == 1,
	      "set-up: the parent's first write through each mapping faulted:\n"
	      "the shared one (faults_write_shared, .page_mkwrite, the page\n"
	      "allocated), the private one (faults_cow, a copy of that page)");

	stats_read(&before);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		unsigned long long before_write = pfn(private);

		strcpy(shared, "child");
		strcpy(private, "child");
		child->shared_pfn = pfn(shared);
		child->private_pfn = pfn(private);
		child->private_pfn_before = before_write;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	d = stats_since(&before);
	printf("  child, before writing: private page frame %#llx\n",
	       child->private_pfn_before);
	printf("  child, after writing:  shared page frame %#llx, private page frame %#llx\n",
	       child->shared_pfn, child->private_pfn);
	printf("  parent:                shared page frame %#llx, private page frame %#llx\n",
	       pfn(shared), pfn(private));
	printf("  parent reads: shared \"%s\", private \"%s\"\n\n", shared, private);

	check(!strcmp(shared, "child") && child->shared_pfn == shared_pfn,
	      "MAP_SHARED: one page for both, so the parent sees the child's write");
	check(child->private_pfn_before == private_pfn,
	      "MAP_PRIVATE: until it wrote, the child mapped the parent's\n"
	      "private copy (the same page frame)");
	check(!strcmp(private, "parent") && pfn(private) == private_pfn &&
	      child->private_pfn != private_pfn,
	      "its write went to a new copy of its own; the parent's copy\n"
	      "and its contents are unchanged");
	check_count("vma_opens", d.vma_opens, 2,
		    "fork() copied both mappings into the child");
	check_count("faults_write_shared", d.faults_write_shared, 1,
		    "the child's write to the shared page\n"
		    "faulted: fork() copies no page table entry\n"
		    "of a shared mapping; the child mapped the\n"
		    "page again from the page cache...");
	check_count("page_mkwrite", d.page_mkwrite, 1,
		    "...and .page_mkwrite followed");
	check_count("faults_cow", d.faults_cow, 0,
		    "the child's private write did not reach\n"
		    "the driver: it copied the parent's private\n"
		    "copy, not the device's page");
	return demo_done();
}
