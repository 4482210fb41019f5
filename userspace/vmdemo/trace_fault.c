// SPDX-License-Identifier: GPL-2.0
/*
 * vmdemo trace-fault: watch the fault path.  Records one page fault on
 * /dev/vmdemo with the kernel's function-graph tracer (tracefs: tracer
 * function_graph, set_graph_function=handle_mm_fault, set_ftrace_pid=us)
 * and prints the call tree of handle_mm_fault: the functions that lead to
 * the driver's own (vmdemo_fault, vmdemo_page_mkwrite), each with what else
 * it called, folded.  Fault-around is off meanwhile, so that a read fault
 * reaches .fault.  Every setting changed is put back, on errors too.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "vmdemo.h"

#define TRACEFS		"/sys/kernel/tracing"
#define MAX_NODES	4096

static const char trace_fault_help[] =
"Usage: vmdemo trace-fault [--full] [read|cow|shared|all]\n"
"\n"
"Record one page fault on /dev/vmdemo with the kernel's function-graph\n"
"tracer and print the call tree of handle_mm_fault():\n"
"  read    a read of a page of a MAP_SHARED mapping: do_read_fault, .fault\n"
"  cow     a write to a page of a MAP_PRIVATE mapping: do_cow_fault, .fault,\n"
"          then the copy\n"
"  shared  a write to a page of a MAP_SHARED mapping: do_shared_fault,\n"
"          .fault, then .page_mkwrite\n"
"  all     the three, in that order (the default)\n"
"The tree shows the functions on the way to the driver's (vmdemo_fault,\n"
"vmdemo_page_mkwrite) and what else each of them called, folded to\n"
"'name() { ... }'; --full prints every call.  Functions the compiler\n"
"inlined cannot be traced and are missing from the tree; the command names\n"
"them.  exc_page_fault and do_user_addr_fault are never traced (noinstr).\n"
"\n"
"Needs root, tracefs (" TRACEFS ", mounted if it is not) and a kernel\n"
"with CONFIG_FUNCTION_GRAPH_TRACER.  Fault-around is turned off\n"
"(fault_around_bytes 4096) while it runs.  The trace buffer is cleared;\n"
"current_tracer, set_ftrace_filter, set_graph_function, set_ftrace_pid,\n"
"funcgraph-irqs, tracing_on and fault_around_bytes are put back as they\n"
"were.  Only functions whose names speak of faults, pages, folios, page\n"
"tables, VMAs or rmap, and the module's, are traced (set_ftrace_filter):\n"
"tracing every function is too slow under emulation.  It refuses to run\n"
"while another tracer than nop is in use.\n";

/* A tracefs (or debugfs) file changed, and what it held before. */
struct setting {
	const char *path;
	char old[8192];
	int changed;
};

static char tracefs[64];

/* Put back in reverse order: the tracer first. */
enum {
	S_TRACING_ON, S_AROUND, S_GRAPH_FUNC, S_PID, S_IRQS, S_FILTER,
	S_TRACER, NR_S
};

static struct setting settings[NR_S] = {
	[S_TRACING_ON]	= { "tracing_on" },
	[S_TRACER]	= { "current_tracer" },
	[S_GRAPH_FUNC]	= { "set_graph_function" },
	[S_PID]		= { "set_ftrace_pid" },
	[S_IRQS]	= { "options/funcgraph-irqs" },
	[S_FILTER]	= { "set_ftrace_filter" },
	[S_AROUND]	= { FAULT_AROUND_PATH },
};

static const char *setting_path(struct setting *s, char *buf, size_t len)
{
	if (s->path[0] == '/')
		snprintf(buf, len, "%s", s->path);
	else
		snprintf(buf, len, "%s/%s", tracefs, s->path);
	return buf;
}

/* Write @path: truncate it, then write @text (nothing, for ""). */
static int put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n = 0;

	if (fd < 0)
		return -1;
	if (*text)
		n = write(fd, text, strlen(text));
	if (close(fd) || n < 0)
		return -1;
	return 0;
}

/* Save @s's value and write @value; "" empties a list file. */
static int set(struct setting *s, const char *value)
{
	char path[256], *p;

	setting_path(s, path, sizeof(path));
	if (!s->changed) {
		if (read_text(path, s->old, sizeof(s->old))) {
			error("cannot read %s: %s", path, strerror(errno));
			return -1;
		}
		/* List files say so when they are empty. */
		if (s->old[0] == '#' || !strcmp(s->old, "no pid"))
			s->old[0] = '\0';
		/* current_tracer may list "nop" with options. */
		p = strchr(s->old, ' ');
		if (s == &settings[S_TRACER] && p)
			*p = '\0';
	}
	if (put(path, value)) {
		error("cannot write '%s' to %s: %s", value, path, strerror(errno));
		return -1;
	}
	s->changed = 1;
	return 0;
}

/*
 * The functions the tracer hooks.  Hooking every function of the kernel
 * makes each call slow enough, under emulation, for the timer interrupt
 * to starve the rest (RCU stalls); these are the fault path's and what it
 * calls about pages, and the module's.  One pattern per write: one that
 * matches nothing fails alone.
 */
static const char *const filter[] = {
	"*fault*", "*page*", "*folio*", "*pte*", "*pmd*", "*mkwrite*",
	"*rmap*", "*vma*", "*:mod:vmdemo",
};

static int listed(const char *name, const char *word);

static int set_filter(void)
{
	struct setting *s = &settings[S_FILTER];
	char path[256];
	int fd, i, n = 0;

	if (set(s, ""))
		return -1;
	setting_path(s, path, sizeof(path));
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		error("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	/* Each ends in a newline: the parser joins unterminated writes. */
	for (i = 0; i < (int)ARRAY_SIZE(filter); i++) {
		char pat[64];
		int len = snprintf(pat, sizeof(pat), "%s\n", filter[i]);

		n += write(fd, pat, len) == len;
	}
	close(fd);
	if (!listed("set_ftrace_filter", "handle_mm_fault")) {
		error("cannot trace handle_mm_fault: not in %s after writing it (%d patterns taken)",
		      path, n);
		return -1;
	}
	return 0;
}

/* Put back every setting changed, the tracer first stopped. */
static int restore(void)
{
	char path[256];
	int i, ret = 0;

	if (settings[S_TRACING_ON].changed)
		put(setting_path(&settings[S_TRACING_ON], path, sizeof(path)), "0");
	for (i = NR_S - 1; i >= 0; i--) {
		struct setting *s = &settings[i];

		if (!s->changed)
			continue;
		setting_path(s, path, sizeof(path));
		if (put(path, s->old)) {
			error("cannot put back %s ('%s'): %s", path, s->old,
			      strerror(errno));
			ret = -1;
		}
		s->changed = 0;
	}
	return ret;
}

/* Find tracefs, mounting it if need be; say what to do if that fails. */
static int find_tracefs(void)
{
	if (access(TRACEFS "/trace", F_OK) &&
	    mount("nodev", TRACEFS, "tracefs", 0, NULL) &&
	    access("/sys/kernel/debug/tracing/trace", F_OK)) {
		error("tracefs is not mounted on %s and mounting it failed (%s); try: mount -t tracefs nodev %s (a kernel with CONFIG_FTRACE)",
		      TRACEFS, strerror(errno), TRACEFS);
		return -1;
	}
	snprintf(tracefs, sizeof(tracefs), "%s",
		 access(TRACEFS "/trace", F_OK) ? "/sys/kernel/debug/tracing" :
		 TRACEFS);
	return 0;
}

/* Does the whitespace-separated list in file @name of tracefs hold @word? */
static int listed(const char *name, const char *word)
{
	char path[256], line[512], *w;
	size_t len = strlen(word);
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "%s/%s", tracefs, name);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		for (w = strstr(line, word); w && !found; w = strstr(w + 1, word))
			found = (w == line || w[-1] == ' ') &&
				(w[len] == ' ' || w[len] == '\n' || !w[len]);
	fclose(f);
	return found;
}

struct node {
	int depth, parent, spine, leaf;
	char name[80];
};

static struct node nodes[MAX_NODES];

/*
 * Parse the trace: after the "|" of each line, "name() {" opens a call,
 * "name();" is a call without traced callees, "}" closes one.  Returns the
 * number of calls.
 */
static int parse_trace(FILE *f)
{
	char line[512], *p, *paren;
	int n = 0, stack[256], sp = 0;

	while (fgets(line, sizeof(line), f) && n < MAX_NODES) {
		p = strchr(line, '|');
		if (line[0] == '#' || !p || strstr(line, "=>"))
			continue;
		p++;
		while (*p == ' ')
			p++;
		if (*p == '}') {
			if (sp)
				sp--;
			continue;
		}
		paren = strstr(p, "()");
		if (!paren || sp == (int)ARRAY_SIZE(stack))
			continue;
		snprintf(nodes[n].name, sizeof(nodes[n].name), "%.*s",
			 (int)(paren - p), p);
		nodes[n].depth = sp;
		nodes[n].parent = sp ? stack[sp - 1] : -1;
		nodes[n].leaf = paren[2] == ';';
		nodes[n].spine = !strncmp(p, "vmdemo_", 7);
		if (!nodes[n].leaf)
			stack[sp++] = n;
		n++;
	}
	return n;
}

/* Interrupts that came during the fault: not part of it. */
static int is_irq(const char *name)
{
	static const char *const irq[] = {
		"irq_", "handle_softirqs", "__do_softirq", "idle_cpu",
		"sysvec_", "__sysvec_", "smp_",
	};
	int i;

	for (i = 0; i < (int)ARRAY_SIZE(irq); i++)
		if (!strncmp(name, irq[i], strlen(irq[i])))
			return 1;
	return 0;
}

static const char *driver_note(const char *name)
{
	if (!strncmp(name, "vmdemo_fault", 12))
		return "<- the driver's .fault";
	if (!strncmp(name, "vmdemo_page_mkwrite", 19))
		return "<- the driver's .page_mkwrite";
	if (!strncmp(name, "vmdemo_map_pages", 16))
		return "<- the driver's .map_pages";
	return NULL;
}

/*
 * Print the tree.  Unless @full, only the calls that lead to the driver's
 * functions (the spine) are opened; what else they called is shown folded.
 */
static void print_tree(int n, int full)
{
	int i, j, d, root, open[256], nopen = 0;

	for (i = 0; i < n; i++)
		if (nodes[i].spine)
			for (j = nodes[i].parent; j >= 0; j = nodes[j].parent)
				nodes[j].spine = 1;
	for (i = 0, root = -1; i < n; i++) {
		struct node *nd = &nodes[i];
		int shown = full || nd->spine || nd->depth == 0 ||
			    (nd->parent >= 0 && nodes[nd->parent].spine &&
			     !is_irq(nd->name));

		int opens = !nd->leaf && (full || nd->spine || nd->depth == 0);
		const char *note = driver_note(nd->name);

		while (nopen && open[nopen - 1] >= nd->depth) {
			d = open[--nopen];
			printf("  %*s}\n", 2 * d, "");
		}
		/* Only handle_mm_fault() and what it called. */
		if (nd->depth == 0)
			root = strcmp(nd->name, "handle_mm_fault") ? -1 : i;
		if (root < 0 || !shown)
			continue;
		printf("  %*s%s()%s", 2 * nd->depth, "", nd->name,
		       nd->leaf ? ";" : opens ? " {" : " { ... }");
		printf("%s%s\n", note ? "   " : "", note ? note : "");
		if (opens && nopen < (int)ARRAY_SIZE(open))
			open[nopen++] = nd->depth;
	}
	while (nopen) {
		d = open[--nopen];
		printf("  %*s}\n", 2 * d, "");
	}
}

struct kind {
	const char *name, *title;
	int prot, flags, write;
	const char *path[10];	/* the path in the source, to the driver */
};

static const struct kind kinds[] = {
	{ "read", "a read fault in a MAP_SHARED mapping",
	  PROT_READ, MAP_SHARED, 0,
	  { "handle_mm_fault", "__handle_mm_fault", "handle_pte_fault",
	    "do_pte_missing", "do_fault", "do_read_fault", "__do_fault",
	    "vmdemo_fault" } },
	{ "cow", "a write fault in a MAP_PRIVATE mapping (copy-on-write)",
	  PROT_READ | PROT_WRITE, MAP_PRIVATE, 1,
	  { "handle_mm_fault", "__handle_mm_fault", "handle_pte_fault",
	    "do_pte_missing", "do_fault", "do_cow_fault", "__do_fault",
	    "vmdemo_fault" } },
	{ "shared", "a write fault in a MAP_SHARED mapping",
	  PROT_READ | PROT_WRITE, MAP_SHARED, 1,
	  { "handle_mm_fault", "__handle_mm_fault", "handle_pte_fault",
	    "do_pte_missing", "do_fault", "do_shared_fault", "__do_fault",
	    "vmdemo_fault", "do_page_mkwrite", "vmdemo_page_mkwrite" } },
};

/* Record one fault of @k and print its tree. */
static int trace_one(const struct kind *k, int dev, int full)
{
	char path[256];
	volatile char *p;	/* the access must happen, exactly once */
	FILE *f;
	int i, n, on, inlined = 0;

	p = mmap(NULL, 4096, k->prot, k->flags, dev, 0);
	if (p == MAP_FAILED) {
		error("cannot mmap %s: %s", VMDEMO_DEVICE_PATH, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/trace", tracefs);
	if (put(path, "")) {
		error("cannot clear %s: %s", path, strerror(errno));
		munmap((void *)p, 4096);
		return -1;
	}
	setting_path(&settings[S_TRACING_ON], path, sizeof(path));
	on = open(path, O_WRONLY | O_CLOEXEC);
	if (on < 0 || write(on, "1", 1) != 1) {
		error("cannot start tracing (%s): %s", path, strerror(errno));
		if (on >= 0)
			close(on);
		munmap((void *)p, 4096);
		return -1;
	}
	/* The one fault: a store alone, a read first would fault for reading. */
	if (k->write)
		p[0] = 'w';
	else
		(void)p[0];
	if (write(on, "0", 1) != 1)
		error("cannot stop tracing: %s", strerror(errno));
	close(on);
	munmap((void *)p, 4096);

	snprintf(path, sizeof(path), "%s/trace", tracefs);
	f = fopen(path, "re");
	if (!f) {
		error("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	n = parse_trace(f);
	fclose(f);

	printf("== %s: %s\n\n", k->name, k->title);
	if (!n) {
		printf("  (nothing recorded)\n\n");
		return 0;
	}
	print_tree(n, full);
	printf("\n  The path in the source:\n   ");
	for (i = 0; i < (int)ARRAY_SIZE(k->path) && k->path[i]; i++) {
		int traced = listed("available_filter_functions", k->path[i]);

		if (i == 8)	/* the shared fault's .page_mkwrite */
			printf(",\n    then");
		else if (i % 3 == 0 && i && i < 8)
			printf("\n    ->");
		else if (i)
			printf(" ->");
		printf(traced ? " %s" : " [%s]", k->path[i]);
		inlined += !traced;
	}
	printf("\n");
	if (inlined)
		printf("  [name]: not traceable on this kernel: inlined by the compiler\n"
		       "  into its caller (and 6.1 has no do_pte_missing at all).\n");
	printf("\n");
	return 0;
}

int cmd_trace_fault(int argc, char **argv)
{
	const char *which = NULL;
	char pid[32], path[256], tracer[64];
	int i, dev, full = 0, ret = EXIT_FAIL;
	unsigned long long size = 0;
	sigset_t block, old;

	if (wants_help(argc, argv)) {
		fputs(trace_fault_help, stdout);
		return EXIT_OK;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--full")) {
			full = 1;
			continue;
		}
		if (argv[i][0] == '-')
			return usage_error("trace-fault", "unknown option '%s'", argv[i]);
		if (which)
			return usage_error("trace-fault", "unexpected argument '%s'", argv[i]);
		which = argv[i];
	}
	if (!which)
		which = "all";
	for (i = 0; i < (int)ARRAY_SIZE(kinds); i++)
		if (!strcmp(which, kinds[i].name))
			break;
	if (strcmp(which, "all") && i == (int)ARRAY_SIZE(kinds))
		return usage_error("trace-fault", "'%s': say read, cow, shared or all", which);
	if (geteuid() != 0) {
		error("trace-fault needs root: tracefs and debugfs are root's");
		return EXIT_FAIL;
	}

	dev = device_open(O_RDWR);
	if (dev < 0)
		return EXIT_FAIL;
	if (ioctl(dev, VMDEMO_IOC_GET_SIZE, &size) || size < 4096) {
		error("%s is smaller than a page: a fault would be SIGBUS; try: vmdemo resize 64K",
		      VMDEMO_DEVICE_PATH);
		goto out_close;
	}
	if (find_tracefs())
		goto out_close;
	if (!listed("available_tracers", "function_graph")) {
		error("this kernel has no function_graph tracer (%s/available_tracers): it needs CONFIG_FUNCTION_GRAPH_TRACER",
		      tracefs);
		goto out_close;
	}
	snprintf(path, sizeof(path), "%s/current_tracer", tracefs);
	if (read_text(path, tracer, sizeof(tracer)) == 0 && strcmp(tracer, "nop")) {
		error("the tracer is in use (current_tracer is %s); stop it first: echo nop > %s",
		      tracer, path);
		goto out_close;
	}
	if (!listed("available_filter_functions", "vmdemo_fault"))
		fprintf(stderr, "vmdemo: warning: vmdemo_fault cannot be traced (not in available_filter_functions)\n");

	/* No Ctrl-C between changing the settings and putting them back. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, &old);

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (set(&settings[S_TRACING_ON], "0") ||
	    set(&settings[S_AROUND], "4096") ||
	    set(&settings[S_GRAPH_FUNC], "handle_mm_fault") ||
	    set(&settings[S_PID], pid) ||
	    set(&settings[S_IRQS], "0") ||
	    set_filter() ||
	    set(&settings[S_TRACER], "function_graph"))
		goto out_restore;

	for (i = 0; i < (int)ARRAY_SIZE(kinds); i++) {
		if (strcmp(which, "all") && strcmp(which, kinds[i].name))
			continue;
		if (trace_one(&kinds[i], dev, full))
			goto out_restore;
	}
	ret = EXIT_OK;
out_restore:
	if (restore())
		ret = EXIT_FAIL;
	sigprocmask(SIG_SETMASK, &old, NULL);
out_close:
	close(dev);
	return ret;
}
