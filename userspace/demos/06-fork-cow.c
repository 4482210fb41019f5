// SPDX-License-Identifier: GPL-2.0
/*
 * Step 6, fork and copy-on-write: after fork() parent and child share
 * every page of a MAP_PRIVATE mapping, write-protected.  Not every write
 * copies: the first writer gets a new page, and the one left alone then
 * writes to its page as it is -- unless that page is still the device's
 * own, which a private write always copies.  MAP_SHARED stays shared.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo.h"

/* What the child reports back, in the shared page. */
struct report {
	unsigned long long pfn0, pfn1;	/* its frames before it wrote */
	unsigned long long new0, new1;	/* and after */
	unsigned long long shared;	/* its frame of the shared page */
	long faults0, faults1;		/* minor faults of its two writes */
	char read1[16];			/* page 1, after its pwrite() */
};

/* Store @c at @addr; return the minor faults that cost.  Not inlined. */
static __attribute__((noinline)) long store_faults(volatile char *addr, char c)
{
	long before = minflt();

	*addr = c;
	return minflt() - before;
}

/* Write @text at @addr; return the minor faults its first byte cost. */
static long write_faults(char *addr, const char *text)
{
	char scratch[16];
	long n;

	/*
	 * Once on the stack first: then the count holds no fault on the code
	 * (a child maps it again as it runs it) or the stack, only @addr's.
	 */
	store_faults(scratch, text[0]);
	n = store_faults(addr, text[0]);
	strcpy(addr, text);
	return n;
}

int main(void)
{
	int fd = demo_init(FAULT_AROUND_OFF);
	unsigned long long pfn0, pfn1;
	long first, again, faults0, faults1;
	struct stats before, d;
	struct report *r;
	char *p0, *p1, buf[16] = "";
	cpu_set_t one;
	int status;
	pid_t pid;

	/*
	 * A new page waits in a per-CPU batch before it joins the LRU lists,
	 * and the batch holds a reference to it; do_wp_page() empties only
	 * its own CPU's batch before it counts references.  Parent and child
	 * stay on this CPU, so that no other CPU's batch holds page 0.
	 */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		die("sched_setaffinity");
	device_fresh(fd, 3 * page);
	p0 = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	r = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * page);
	if (p0 == MAP_FAILED || r == MAP_FAILED)
		die("mmap");
	p1 = p0 + page;

	stats_read(&before);
	first = write_faults(p0, "parent");
	again = write_faults(p0, "parent");
	(void)*(volatile char *)p1;
	memset(r, 0, sizeof(*r));
	d = stats_since(&before);
	pfn0 = pfn(p0);
	pfn1 = pfn(p1);
	printf("  The parent mapped device pages 0-1 MAP_PRIVATE and page 2 MAP_SHARED\n"
	       "  (for the child's report), wrote \"parent\" to page 0, read page 1,\n"
	       "  and forked.  The child wrote \"device v2\" to device page 1 with\n"
	       "  pwrite(), then \"child\" to both pages; then the parent wrote to both.\n\n");
	check(d.faults_cow == 1 && d.faults_read == 1 &&
	      d.faults_write_shared == 1 && first == 1 && again == 0,
	      "set-up: page 0 copied (faults_cow), page 1 mapped (faults_read),\n"
	      "page 2 (faults_write_shared); a second write to page 0 cost\n"
	      "no fault: it was writable");
	check_strip(strip("pages 0-1, parent, before fork():", p0, 2), "pc",
		    "a private copy, then the device's page");

	stats_read(&before);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		r->pfn0 = pfn(p0);
		r->pfn1 = pfn(p1);
		if (pwrite(fd, "device v2", 10, page) != 10)
			die("pwrite");
		strcpy(r->read1, p1);
		strip("pages 0-1, child, before writing:", p0, 2);
		r->faults0 = write_faults(p0, "child");
		r->faults1 = write_faults(p1, "child");
		r->new0 = pfn(p0);
		r->new1 = pfn(p1);
		r->shared = pfn(r);
		strip("pages 0-1, child, after writing:", p0, 2);
		raise(SIGSTOP);	/* alive, its copies mapped, till the end */
		_exit(0);
	}
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status))
		die("waitpid");
	printf("  page frames:            page 0    page 1\n"
	       "  parent, before fork:    %#-8llx  %#llx\n"
	       "  child, before writing:  %#-8llx  %#llx\n"
	       "  child, after writing:   %#-8llx  %#llx\n",
	       pfn0, pfn1, r->pfn0, r->pfn1, r->new0, r->new1);
	check(r->shared == pfn(r), "MAP_SHARED: the report page is one frame in both");
	check(r->pfn0 == pfn0 && r->pfn1 == pfn1,
	      "before writing, the child mapped the parent's frames");
	check(!strcmp(r->read1, "device v2") && !strcmp(p1, "device v2") &&
	      pfn(p1) == pfn1,
	      "page 1, never written, is the device's page in both: after\n"
	      "the child's pwrite() \"device v2\", both read \"%s\"", p1);
	check(r->faults0 == 1 && r->faults1 == 1 &&
	      r->new0 != pfn0 && r->new1 != pfn1,
	      "each of the child's writes faulted (the pages were mapped,\n"
	      "but read-only) and gave the child a new frame");
	check(!strcmp(p0, "parent") && pfn(p0) == pfn0,
	      "the parent's page 0 kept its frame and its data");

	faults0 = write_faults(p0, "parent v2");
	faults1 = write_faults(p1, "parent");
	printf("  parent, after writing:  %#-8llx  %#llx\n",
	       pfn(p0), pfn(p1));
	check_strip(strip("pages 0-1, parent, after writing:", p0, 2), "pp",
		    "both pages are the parent's own now");
	check(faults0 == 1 && pfn(p0) == pfn0,
	      "page 0: the parent's write faulted (fork() had write-protected\n"
	      "it), yet did not copy: the child had let go of the frame");
	if (pread(fd, buf, sizeof(buf) - 1, page) < 0)
		die("pread");
	check(faults1 == 1 && pfn(p1) != pfn1 && pfn(p1) != r->new1 &&
	      !strcmp(buf, "device v2"),
	      "page 1: copied, though no other process maps it privately;\n"
	      "the device still says \"%s\"", buf);
	d = stats_since(&before);
	check_count("vma_opens", d.vma_opens, 2,
		    "fork() copied both mappings into the child");
	check_count("faults_write_shared", d.faults_write_shared, 1,
		    "the child's first write to the shared page:\n"
		    "fork() copies no page table entry of a\n"
		    "shared mapping...");
	check_count("page_mkwrite", d.page_mkwrite, 1, "...and .page_mkwrite");
	check_count("faults", d.faults, 1,
		    "nothing else: the four private writes after\n"
		    "fork() never reached the driver");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return demo_done();
}
