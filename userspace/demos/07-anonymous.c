// SPDX-License-Identifier: GPL-2.0
/*
 * Step 7, anonymous mappings: memory with no file behind it.  The kernel
 * itself supplies zeroed pages; the device's counters do not move.  Read
 * 16 pages of three mappings and compare who served the faults.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo.h"

#define NPAGES	16

struct result {
	long faults;		/* this process's minor faults */
	int zero;		/* every byte read was 0 */
	int frames;		/* distinct physical pages seen */
	int new_frame;		/* a write to page 0 changed its frame */
	char name[64];		/* the mapping's name in /proc/self/maps */
	char read[NPAGES + 1];	/* vmdemo map's picture after the reads */
	char wrote[NPAGES + 1];	/* and after the write to page 0 */
	struct stats dev;	/* what the device's counters did */
};

/* The file name /proc/self/maps shows for the mapping at @addr. */
static void maps_name(void *addr, char *name, size_t len)
{
	char line[512], start[32];
	FILE *f = fopen("/proc/self/maps", "r");

	snprintf(start, sizeof(start), "%lx-", (unsigned long)addr);
	strcpy(name, "(none)");
	while (f && fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/');

		if (strncmp(line, start, strlen(start)))
			continue;
		if (path) {
			path[strcspn(path, "\n")] = '\0';
			snprintf(name, len, "%s", path);
		}
	}
	if (f)
		fclose(f);
}

/* Read every byte of NPAGES pages of a new mapping, then write one. */
static struct result read_mapping(int flags, int fd)
{
	unsigned long long frame[NPAGES];
	struct stats before;
	struct result r = { .zero = 1 };
	unsigned char *map;
	long f0;
	size_t i;
	int j;

	stats_read(&before);
	map = mmap(NULL, NPAGES * page, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	f0 = minflt();
	for (i = 0; i < NPAGES * page; i++)
		r.zero &= map[i] == 0;
	r.faults = minflt() - f0;
	r.dev = stats_since(&before);
	for (i = 0; i < NPAGES; i++) {
		frame[i] = pfn(map + i * page);
		for (j = 0; j < (int)i && frame[j] != frame[i]; j++)
			;
		r.frames += j == (int)i;
	}
	maps_name(map, r.name, sizeof(r.name));
	snprintf(r.read, sizeof(r.read), "%s", map_row(map, NPAGES));
	map[0] = 1;
	r.new_frame = pfn(map) != frame[0];
	snprintf(r.wrote, sizeof(r.wrote), "%s", map_row(map, NPAGES));
	munmap(map, NPAGES * page);
	return r;
}

/*
 * Two private anonymous mappings and one shared, each a page; a child
 * made by fork() writes to all three.  Which writes does the parent see?
 */
static void fork_shares(void)
{
	char *a = mmap(NULL, page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *b = mmap(NULL, page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *sh = mmap(NULL, page, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	if (a == MAP_FAILED || b == MAP_FAILED || sh == MAP_FAILED)
		die("mmap");
	printf("\n  Two private anonymous pages (a, b) and a shared one; a written \"a\".\n"
	       "  A child made by fork() writes \"child\" to all three:\n");
	strcpy(a, "a");
	check(a != b && !strcmp(a, "a") && b[0] == 0,
	      "each mmap() gave new memory: writing to a left b zero");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		strcpy(a, "child");
		strcpy(b, "child");
		strcpy(sh, "child");
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		die("waitpid");
	check(!strcmp(a, "a") && b[0] == 0,
	      "the parent still reads \"a\" and zeroes: a private anonymous page\n"
	      "is copied on the child's write, as a private file page is");
	check(!strcmp(sh, "child"),
	      "the shared page says \"%s\": shared anonymous memory is shared\n"
	      "with the children fork() makes, and only with them (nothing else\n"
	      "can name it)", sh);
	munmap(a, page);
	munmap(b, page);
	munmap(sh, page);
}

/* vmdemo map's pictures of the three mappings, and what each should be. */
static void pictures(const struct result *anon, const struct result *shanon,
		     const struct result *dev)
{
	const struct {
		const char *name, *got[2], *want[2], *what[2];
	} rows[] = {
		{ "MAP_PRIVATE|MAP_ANONYMOUS", { anon->read, anon->wrote },
		  { "zzzzzzzzzzzzzzzz", "azzzzzzzzzzzzzzz" },
		  { "private anonymous, read: the zero page everywhere",
		    "written: page 0 is anonymous memory of its own" } },
		{ "MAP_SHARED|MAP_ANONYMOUS", { shanon->read, shanon->wrote },
		  { "cccccccccccccccc", "cccccccccccccccc" },
		  { "shared anonymous: pages of a hidden tmpfs file",
		    "written: the same page, shared ones are not copied" } },
		{ "MAP_PRIVATE of the device", { dev->read, dev->wrote },
		  { "cccccccccccccccc", "pccccccccccccccc" },
		  { "private of the device, read: the device's pages",
		    "written: page 0 is a private copy" } },
	};
	size_t i;

	printf("\n  %-26s %-18s %s\n", "", "after the reads", "after a write to page 0");
	for (i = 0; i < ARRAY_SIZE(rows); i++)
		printf("  %-26s %-18s %s\n", rows[i].name, rows[i].got[0], rows[i].got[1]);
	legend();
	printf("\n");
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		check_strip(rows[i].got[0], rows[i].want[0], rows[i].what[0]);
		check_strip(rows[i].got[1], rows[i].want[1], rows[i].what[1]);
	}
}

static void show(const char *what, const struct result *r)
{
	printf("  %-26s %-20s %6ld %5s %8d %7lld\n", what, r->name, r->faults,
	       r->zero ? "yes" : "NO", r->frames, r->dev.faults);
}

int main(void)
{
	int fd = demo_init(FAULT_AROUND_OFF);
	struct result anon, shanon, dev;
	struct stats before, d;
	char name[64];
	char *m;
	int zero;

	device_fresh(fd, NPAGES * page);
	anon = read_mapping(MAP_PRIVATE | MAP_ANONYMOUS, -1);
	shanon = read_mapping(MAP_SHARED | MAP_ANONYMOUS, -1);
	dev = read_mapping(MAP_PRIVATE, fd);

	printf("  Read every byte of %d pages of each mapping:\n\n", NPAGES);
	printf("  %-26s %-20s %6s %5s %8s %7s\n", "", "name in", "minor", "all",
	       "physical", "device");
	printf("  %-26s %-20s %6s %5s %8s %7s\n", "mapping", "/proc/self/maps",
	       "faults", "zero?", "pages", "faults");
	show("MAP_PRIVATE|MAP_ANONYMOUS", &anon);
	show("MAP_SHARED|MAP_ANONYMOUS", &shanon);
	show("MAP_PRIVATE of the device", &dev);
	pictures(&anon, &shanon, &dev);

	check(anon.faults == NPAGES && shanon.faults == NPAGES && dev.faults == NPAGES,
	      "each mapping took one minor fault per page");
	check(anon.zero && shanon.zero && dev.zero, "all three read as zeroes");
	check(anon.dev.faults == 0 && shanon.dev.faults == 0 &&
	      anon.dev.mmaps == 0 && shanon.dev.mmaps == 0,
	      "the anonymous mappings did not move the device's counters:\n"
	      "the kernel served their faults itself");
	check(anon.frames == 1 && anon.new_frame,
	      "private anonymous: reading mapped ONE physical page (the kernel's\n"
	      "zero page) at all %d addresses; a write then got a page of its own",
	      NPAGES);
	check(shanon.frames == NPAGES && strstr(shanon.name, "/dev/zero"),
	      "shared anonymous: %d pages, zeroed by the kernel; /proc/self/maps\n"
	      "shows the hidden tmpfs (shmem) file that holds them, so that fork()\n"
	      "can share them: \"%s\"", shanon.frames, shanon.name);
	check(dev.frames == NPAGES && dev.dev.faults == NPAGES &&
	      dev.dev.pages_allocated == NPAGES,
	      "the device: each fault went to the driver, which allocated and\n"
	      "zeroed a page of its cache (as tmpfs does)");

	fork_shares();

	printf("\n  What makes a mapping anonymous: the flag, not the descriptor.\n");
	stats_read(&before);
	m = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, fd, 0);
	if (m == MAP_FAILED)
		die("mmap");
	zero = m[0] == 0;
	d = stats_since(&before);
	maps_name(m, name, sizeof(name));
	munmap(m, page);
	check(d.mmaps == 0 && d.faults == 0 && zero && !strcmp(name, "(none)"),
	      "MAP_ANONYMOUS with the device's descriptor (%d): an anonymous\n"
	      "mapping (no name in /proc/self/maps, reads 0); the driver saw\n"
	      "no mmap(): the descriptor was ignored", fd);
	if (dup2(fd, 0) != 0)
		die("dup2");
	stats_read(&before);
	m = mmap(NULL, page, PROT_READ, MAP_SHARED, 0, 0);
	if (m == MAP_FAILED)
		die("mmap of descriptor 0");
	d = stats_since(&before);
	maps_name(m, name, sizeof(name));
	munmap(m, page);
	check(d.mmaps == 1 && !strcmp(name, "/dev/vmdemo"),
	      "descriptor 0, made a copy of the device's with dup2(): mmap()\n"
	      "without the flag mapped %s (mmaps +1)", name);
	return demo_done();
}
