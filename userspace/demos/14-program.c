// SPDX-License-Identifier: GPL-2.0
/*
 * Step 14, how Linux itself uses mmap(): execve() builds a process out of
 * mappings.  The program's code and initialised data are private mappings
 * of the program file, its heap and stack anonymous memory.  A second
 * process running the same program maps the same frames: the code's, and
 * the data's until one of the two writes.  fork() copies mappings,
 * execve() throws them away.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "demo.h"

#define DATA_TEXT	"initialised data, from the program file"

/* Initialised data alone on its page: nothing else writes that page. */
static char data_page[4096] __attribute__((aligned(4096))) = DATA_TEXT;

/* What the other process (this program, run by execve()) reports. */
struct report {
	unsigned long long code_pfn, data_pfn;
	int code_file, data_file;
	int has_device;		/* a mapping of the device in its maps */
	char data0;		/* the first byte of its data_page */
};

static const void *code_page(void)
{
	return (const void *)(uintptr_t)&code_page;
}

/* Does /proc/self/maps list a mapping of the device? */
static int maps_device(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int found = 0;

	if (!f)
		die("cannot open /proc/self/maps");
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, VMDEMO_DEVICE_PATH) != NULL;
	fclose(f);
	return found;
}

static void report_now(struct report *r)
{
	r->code_pfn = pfn(code_page());
	r->code_file = page_is_file(code_page());
	r->data0 = *(volatile char *)data_page;
	r->data_pfn = pfn(data_page);
	r->data_file = page_is_file(data_page);
	r->has_device = maps_device();
}

static void xwrite(int fd, const void *buf, size_t len)
{
	if (write(fd, buf, len) != (ssize_t)len)
		die("write to the pipe");
}

static void xread(int fd, void *buf, size_t len)
{
	if (read(fd, buf, len) != (ssize_t)len)
		die("read from the pipe");
}

/* The other process: report, wait, report again, wait, exit. */
static int peer(int in, int out)
{
	struct report r;
	char c;

	page = sysconf(_SC_PAGESIZE);
	report_now(&r);
	xwrite(out, &r, sizeof(r));
	xread(in, &c, 1);
	report_now(&r);
	xwrite(out, &r, sizeof(r));
	xread(in, &c, 1);
	return 0;
}

/* What a line of /proc/self/maps is, for a reader of this step. */
static const char *what(const char *perms, const char *path, int is_exe)
{
	if (is_exe && perms[2] == 'x')
		return "code: private mapping of the program file";
	if (is_exe && perms[1] == 'w')
		return "initialised data: private mapping of the program file";
	if (is_exe)
		return "read-only data: private mapping of the program file";
	if (!strcmp(path, "[heap]"))
		return "heap (brk): anonymous";
	if (!strcmp(path, "[stack]"))
		return "stack: anonymous";
	if (!strcmp(path, VMDEMO_DEVICE_PATH))
		return "the device, mapped by this program";
	if (!*path)
		return "anonymous (zeroed data, malloc)";
	return "set up by the kernel (vDSO)";
}

struct seen {
	int code, data, data_has_page, heap_has_block, stack_has_local;
};

static int inside(const void *p, unsigned long lo, unsigned long hi)
{
	return (uintptr_t)p >= lo && (uintptr_t)p < hi;
}

/* Print our maps, labelled, and note where our objects are. */
static void show_maps(const char *exe, const void *block, const void *local,
		      struct seen *s)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512], perms[8], path[PATH_MAX];
	unsigned long lo, hi;

	if (!f)
		die("cannot open /proc/self/maps");
	memset(s, 0, sizeof(*s));
	while (fgets(line, sizeof(line), f)) {
		int is_exe;

		path[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %4095s",
			   &lo, &hi, perms, path) < 3)
			continue;
		is_exe = !strcmp(path, exe);
		printf("  %012lx-%012lx %s  %s\n", lo, hi, perms,
		       what(perms, path, is_exe));
		s->code |= is_exe && perms[2] == 'x' && perms[3] == 'p' &&
			   inside(code_page(), lo, hi);
		s->data |= is_exe && perms[1] == 'w' && perms[3] == 'p';
		s->data_has_page |= is_exe && inside(data_page, lo, hi);
		s->heap_has_block |= (!path[0] || !strcmp(path, "[heap]")) &&
				     inside(block, lo, hi);
		s->stack_has_local |= !strcmp(path, "[stack]") &&
				      inside(local, lo, hi);
	}
	fclose(f);
	printf("  (the program file is %s)\n\n", exe);
}

int main(int argc, char **argv)
{
	int to_peer[2], from_peer[2], fd, status;
	unsigned long long data_before;
	char exe[PATH_MAX], in[16], out[16], c = 'g';
	volatile char local = 1;
	struct stats start, d;
	struct report r, r2;
	ssize_t n;
	struct seen s;
	char *block;
	void *dev;
	pid_t pid;

	if (argc == 4 && !strcmp(argv[1], "--peer"))
		return peer(atoi(argv[2]), atoi(argv[3]));

	fd = demo_init(FAULT_AROUND_OFF);
	if (page != sizeof(data_page)) {
		printf("This step assumes pages of %zu bytes; they are %zu here.\n",
		       sizeof(data_page), page);
		return DEMO_SKIP;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		die("readlink /proc/self/exe");
	exe[n] = '\0';
	device_fresh(fd, page);
	stats_read(&start);
	dev = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	if (dev == MAP_FAILED)
		die("mmap of the device");
	(void)*(volatile char *)dev;
	/* Read the initialised data, so that its page is mapped. */
	if (*(volatile char *)data_page != DATA_TEXT[0])
		die("initialised data is not what the program file holds");
	block = malloc(64);
	if (!block)
		die("malloc");
	memset(block, 1, 64);

	printf("  /proc/%d/maps, with what each mapping is:\n", getpid());
	show_maps(exe, block, (const void *)&local, &s);
	check(s.code, "the code running now is in a private, executable\n"
	      "mapping of the program file");
	check(s.data && s.data_has_page,
	      "initialised data is in a private, writable mapping of it");
	check(s.heap_has_block && page_is_file(block) == 0,
	      "a malloc() block is in anonymous memory");
	check(s.stack_has_local && page_is_file((const void *)&local) == 0,
	      "a local variable is on the stack, anonymous memory");
	check(page_is_file(code_page()) == 1 && page_is_file(data_page) == 1,
	      "the code's and the data's pages are the file's pages");

	/* A child by fork(), which then runs this program again by execve(). */
	if (pipe(to_peer) || pipe(from_peer))
		die("pipe");
	snprintf(in, sizeof(in), "%d", to_peer[0]);
	snprintf(out, sizeof(out), "%d", from_peer[1]);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		c = maps_device() ? 'y' : 'n';
		xwrite(from_peer[1], &c, 1);
		execl("/proc/self/exe", argv[0], "--peer", in, out, (char *)NULL);
		_exit(127);
	}
	xread(from_peer[0], &c, 1);
	xread(from_peer[0], &r, sizeof(r));
	printf("  pid %d: code frame %#llx, data frame %#llx\n",
	       getpid(), pfn(code_page()), pfn(data_page));
	printf("  pid %d (after execve): code frame %#llx, data frame %#llx\n\n",
	       pid, r.code_pfn, r.data_pfn);
	check(c == 'y', "after fork() the child had the device's mapping");
	check(!r.has_device, "after execve() it had none: the new program\n"
	      "starts with the mappings execve() made");
	check(r.code_pfn && r.code_pfn == pfn(code_page()) && r.code_file == 1,
	      "both processes run the code from one frame of the file");
	check(r.data_pfn && r.data_pfn == pfn(data_page) && r.data_file == 1,
	      "both map the same frame of initialised data");

	data_before = pfn(data_page);
	data_page[0] = 'I';
	c = 'g';
	xwrite(to_peer[1], &c, 1);
	xread(from_peer[0], &r2, sizeof(r2));
	printf("  pid %d wrote to its data: data frame %#llx\n",
	       getpid(), pfn(data_page));
	printf("  pid %d: data frame %#llx\n\n", pid, r2.data_pfn);
	check(pfn(data_page) != data_before && page_is_file(data_page) == 0,
	      "our write gave us an anonymous copy of the data page");
	check(r2.data_pfn == data_before && r2.data_file == 1 &&
	      r2.data0 == DATA_TEXT[0],
	      "the other process still maps the file's page,\n"
	      "with the file's bytes");
	xwrite(to_peer[1], &c, 1);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	check(WIFEXITED(status) && !WEXITSTATUS(status),
	      "the other process exited normally");

	d = stats_since(&start);
	check_count("mmaps", d.mmaps, 1, "only our mmap() of the device");
	check_count("vma_opens", d.vma_opens, 1,
		    "fork() copied the device's mapping into the child");
	check_count("faults", d.faults, 1,
		    "our one read of the device; the program's own pages\n"
		    "are the kernel's business, not the driver's");
	munmap(dev, page);
	free(block);
	return demo_done();
}
