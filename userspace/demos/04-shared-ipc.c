// SPDX-License-Identifier: GPL-2.0
/*
 * Step 4, a shared mapping as IPC: two unrelated processes map the same
 * device and talk through it.  The second one is started with exec(), so
 * it inherits no mapping: it opens and maps the device by itself.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "demo.h"

/* The shared page: a turn flag and a message buffer. */
struct mailbox {
	int turn;		/* 1: the peer's turn to read, 2: ours */
	unsigned long long peer_pfn;
	char text[256];
};

static void wait_turn(struct mailbox *box, int turn)
{
	while (__atomic_load_n(&box->turn, __ATOMIC_ACQUIRE) != turn)
		usleep(1000);
}

/* The second process: map the device, answer the message. */
static int peer(void)
{
	int fd = open(VMDEMO_DEVICE_PATH, O_RDWR);
	struct mailbox *box;
	char text[256];

	page = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (fd < 0)
		die("peer: open " VMDEMO_DEVICE_PATH);
	box = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (box == MAP_FAILED)
		die("peer: mmap");
	wait_turn(box, 1);
	printf("  peer (pid %d): mapped the device at %p, page frame %#llx,\n"
	       "                 read \"%s\"\n",
	       getpid(), (void *)box, pfn(box), box->text);
	snprintf(text, sizeof(text), "hello back from pid %d", getpid());
	strcpy(box->text, text);
	box->peer_pfn = pfn(box);
	__atomic_store_n(&box->turn, 2, __ATOMIC_RELEASE);
	return 0;
}

int main(int argc, char **argv)
{
	char *args[] = { argv[0], "--peer", NULL };
	char expected[256];
	struct mailbox *box;
	struct stats start, d;
	pid_t pid;
	int fd, status;

	if (argc > 1 && !strcmp(argv[1], "--peer"))
		return peer();

	fd = demo_init(FAULT_AROUND_OFF);
	device_fresh(fd, page);
	stats_read(&start);
	box = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (box == MAP_FAILED)
		die("mmap");
	snprintf(box->text, sizeof(box->text), "hello from pid %d", getpid());
	printf("  pid %d: mapped the device at %p, page frame %#llx,\n"
	       "           wrote \"%s\"\n",
	       getpid(), (void *)box, pfn(box), box->text);

	/* Start the peer: a new program, with none of our mappings. */
	if (posix_spawn(&pid, "/proc/self/exe", NULL, NULL, args, NULL))
		die("posix_spawn");
	__atomic_store_n(&box->turn, 1, __ATOMIC_RELEASE);
	wait_turn(box, 2);
	printf("  pid %d: read the answer \"%s\"\n\n", getpid(), box->text);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");

	snprintf(expected, sizeof(expected), "hello back from pid %d", pid);
	check(!strcmp(box->text, expected),
	      "the peer's answer arrived through the shared page");
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the peer exited normally");
	check(box->peer_pfn == pfn(box),
	      "both processes mapped the same physical page, frame %#llx",
	      box->peer_pfn);
	d = stats_since(&start);
	check_count("mmaps", d.mmaps, 2, "two processes, each its own mmap()");
	check_count("pages_allocated", d.pages_allocated, 1,
		    "one page in the device, for both of them");
	check_count("faults_write_shared", d.faults_write_shared, 1,
		    "our first write brought the page in");
	check_count("faults_read", d.faults_read, 1,
		    "the peer's first access, a read, mapped\n"
		    "the same page");
	check_count("page_mkwrite", d.page_mkwrite, 2,
		    "each process's first write to the page");
	return demo_done();
}
