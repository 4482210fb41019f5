// SPDX-License-Identifier: GPL-2.0
/*
 * vmdemo map: draw a process's mapping page by page, one cell per page
 * (not present, a page of the mapped file's page cache, a private copy,
 * anonymous memory, the shared zero page, swapped out), with the frame
 * numbers of short ranges and, with --with, which frames another process
 * maps too.  A reader of /proc (pagemap.c); it changes nothing.
 *
 * This file parses the options, chooses what to draw, reads the pages
 * and runs a program to draw at its stops; map_draw.c draws.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vmdemo.h>

#include "vmdemo.h"
#include "map.h"

#define LIST_PAGES	16	/* list each page, with its frame, up to this */
#define MAX_PAGES	(1UL << 20)

static const char map_help[] =
"Usage: vmdemo map [OPTIONS] PID [ADDR[-END]]\n"
"       vmdemo map [OPTIONS] [ADDR[-END]] -- PROGRAM [ARGS...]\n"
"\n"
"Draw the mappings of process PID page by page, one cell per page, from\n"
"/proc/PID/maps, /proc/PID/pagemap and /proc/kpageflags.  By default every\n"
"mapping of " VMDEMO_DEVICE_PATH "; ADDR (hexadecimal) draws the mapping that contains\n"
"it, ADDR-END the pages from ADDR up to END, across mappings.  Ranges of up\n"
"to 16 pages are listed page by page too, with their frame numbers.\n"
"\n"
"With -- PROGRAM, vmdemo runs PROGRAM and draws its mappings each time it\n"
"stops itself (raise(SIGSTOP) in C, kill -STOP $$ in sh), then lets it go\n"
"on; it fails if PROGRAM fails or exits without ever stopping.\n"
"\n"
"  --vma N      mapping N: the Nth line of /proc/PID/maps\n"
"  --dev        every mapping of " VMDEMO_DEVICE_PATH " (the default)\n"
"  --with PID2  mark the cells whose frame PID2 maps too, at any address\n"
"  --json       JSON: one object with every cell (one per stop with PROGRAM)\n"
"  --row        only the cells' letters, on one line (for scripts)\n"
"  -h, --help   this help\n"
"\n"
"Cells (upper case: dirty, as /proc/kpageflags says):\n"
"  c  a page of the mapped file's page cache; in a mapping of " VMDEMO_DEVICE_PATH ",\n"
"     the device's own page\n"
"  p  a private copy: an anonymous page in a file mapping (copy-on-write)\n"
"  a  an anonymous page          z  the shared zero page\n"
"  s  swapped out                x  another frame (a driver's or the kernel's)\n"
"  .  not present\n"
"\n"
"Frame numbers, the zero page, dirty and --with need root: to others the\n"
"kernel shows frame 0.  Colour on a terminal unless NO_COLOR is set.\n";

static int parse_pid(const char *s, pid_t *pid, const char *what)
{
	char path[64], *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || *end || end == s || n <= 0 || n > INT_MAX)
		return usage_error("map", "%s: '%s' is not a process id", what, s);
	*pid = n;
	snprintf(path, sizeof(path), "/proc/%ld", n);
	if (access(path, F_OK))
		return usage_error("map", "%s: no process %ld (no %s)", what, n, path);
	return 0;
}

static int parse_range(const char *s, struct map_opts *o)
{
	unsigned long ps = page_size();
	const char *dash = strchr(s, '-');
	char *end;

	errno = 0;
	o->from = strtoul(s, &end, 16);
	if (errno || end == s || (dash ? end != dash : *end != '\0') ||
	    !isxdigit((unsigned char)*s))
		goto bad;
	o->single = !dash;
	o->to = o->from + 1;
	if (dash) {
		o->to = strtoul(dash + 1, &end, 16);
		if (errno || *end || !isxdigit((unsigned char)dash[1]))
			goto bad;
		if (o->to <= o->from)
			return usage_error("map", "range '%s': END must be above ADDR", s);
	}
	o->range = 1;
	o->from &= ~(ps - 1);
	if (o->to > ~0UL - ps)
		o->to = ~0UL & ~(ps - 1);
	else
		o->to = (o->to + ps - 1) & ~(ps - 1);
	return 0;
bad:
	return usage_error("map", "'%s' is not an address or range: give ADDR or ADDR-END in hexadecimal, like 7f0000001000-7f0000005000",
			   s);
}

/* Which parts of which mappings to draw; a usage error if none. */
static int choose(pid_t pid, struct vma_info *vmas, int nv,
		  const struct map_opts *o, struct section *s, int *ns)
{
	size_t ps = page_size(), pages = 0;
	int i;

	*ns = 0;
	if (o->vma) {
		if (o->vma > nv)
			return usage_error("map", "--vma %d: process %d has %d mappings (see /proc/%d/maps)",
					   o->vma, pid, nv, pid);
		s[(*ns)++] = (struct section){ &vmas[o->vma - 1], vmas[o->vma - 1].start,
					       vmas[o->vma - 1].end, NULL };
	}
	for (i = 0; i < nv && !o->vma; i++) {
		struct vma_info *v = &vmas[i];

		if (o->range && (v->end <= o->from || v->start >= o->to))
			continue;
		if (!o->range && !vma_is_device(v))
			continue;
		s[*ns] = (struct section){ v, v->start, v->end, NULL };
		if (o->range && !o->single) {
			s[*ns].from = v->start > o->from ? v->start : o->from;
			s[*ns].to = v->end < o->to ? v->end : o->to;
		}
		(*ns)++;
	}
	if (!*ns && o->range)
		return usage_error("map", "nothing is mapped at %lx%s%.0lx in process %d (see /proc/%d/maps)",
				   o->from, o->single ? "" : "-", o->single ? 0 : o->to, pid, pid);
	if (!*ns) {
		error("process %d maps no %s: give an address range or --vma N (see /proc/%d/maps)",
		      pid, VMDEMO_DEVICE_PATH, pid);
		return EXIT_FAIL;
	}
	for (i = 0; i < *ns; i++)
		pages += (s[i].to - s[i].from) / ps;
	if (pages > MAX_PAGES)
		return usage_error("map", "%zu pages are too many to draw (at most %lu): give a narrower ADDR-END",
				   pages, MAX_PAGES);
	return 0;
}

static int draw(pid_t pid, const struct map_opts *o)
{
	struct vma_info *vmas = NULL;
	struct section *s = NULL;
	struct pagemap pm = { .fd = -1, .kpf = -1 };
	struct frames fr = { NULL, 0 };
	char comm[64] = "?", path[64];
	int nv, ns = 0, i, ret = EXIT_FAIL, device = 0;
	size_t k, n, pages = 0;

	if (maps_read(pid, &vmas, &nv))
		return EXIT_FAIL;
	s = calloc(nv + 1, sizeof(*s));
	if (!s)
		goto out;
	ret = choose(pid, vmas, nv, o, s, &ns);
	if (ret)
		goto out;
	ret = EXIT_FAIL;
	if (pagemap_open(pid, &pm))
		goto out;
	for (i = 0; i < ns; i++) {
		s[i].cells = calloc((s[i].to - s[i].from) / page_size(), sizeof(struct cell));
		if (!s[i].cells || pagemap_cells(&pm, s[i].v, s[i].from, s[i].to, s[i].cells))
			goto out;
		device |= vma_is_device(s[i].v);
		pages += (s[i].to - s[i].from) / page_size();
	}
	if (o->with) {
		int err = pm.pfns_hidden ? -2 : frames_read(o->with, &fr);

		if (err == -2)
			error("--with compares frame numbers, which only root can see: run vmdemo map as root");
		if (err)
			goto out;
		for (i = 0; i < ns; i++) {
			n = (s[i].to - s[i].from) / page_size();
			for (k = 0; k < n; k++)
				s[i].cells[k].shared = s[i].cells[k].pfn &&
					frames_has(&fr, s[i].cells[k].pfn);
		}
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	read_text(path, comm, sizeof(comm));
	ret = EXIT_OK;
	if (o->json) {
		map_print_json(pid, comm, s, ns, &pm, o);
		goto out;
	}
	if (o->row) {
		for (i = 0; i < ns; i++)
			for (k = 0; k < (s[i].to - s[i].from) / page_size(); k++)
				putchar(map_cell_letter(&s[i].cells[k]));
		putchar('\n');
		goto out;
	}
	printf("%sProcess %d (%s)%s", map_sgr(o, "1"), pid, comm, map_sgr(o, "0"));
	if (o->with)
		printf(", compared with process %d", o->with);
	putchar('\n');
	for (i = 0; i < ns; i++)
		map_print_section(pid, &s[i], pages <= LIST_PAGES, o);
	map_print_legend(o, device);
	if (pm.pfns_hidden)
		printf("\nNote: frame numbers are hidden: only root sees them in /proc/%d/pagemap.\n"
		       "Without them the zero page shows as anonymous (a), and dirty and --with\n"
		       "are not known.  Run vmdemo map as root to see them.\n", pid);
	else if (pm.kpf < 0)
		printf("\nNote: cannot read /proc/kpageflags (%s): the zero page shows as\n"
		       "anonymous (a), and dirty is not known.\n", strerror(pm.kpf_errno));
out:
	for (i = 0; s && i < ns; i++)
		free(s[i].cells);
	pagemap_close(&pm);
	free(fr.pfn);
	free(s);
	free(vmas);
	return ret;
}

/* Run @argv; draw its mappings each time it stops itself. */
static int run_program(char **argv, const struct map_opts *o)
{
	int pipefd[2], status, err = 0, stops = 0, ret = EXIT_OK, r;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC)) {
		error("pipe: %s", strerror(errno));
		return EXIT_FAIL;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		error("fork: %s", strerror(errno));
		return EXIT_FAIL;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		err = errno;
		if (write(pipefd[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(pipefd[0]);
	if (err) {
		waitpid(pid, &status, 0);
		error("cannot run %s: %s", argv[0], strerror(err));
		return EXIT_FAIL;
	}
	while (waitpid(pid, &status, WUNTRACED) == pid) {
		if (!WIFSTOPPED(status))
			break;
		stops++;
		r = draw(pid, o);
		if (r > ret)
			ret = r;
		fflush(stdout);
		kill(pid, SIGCONT);
	}
	if (!stops) {
		error("%s exited without stopping itself: make it raise(SIGSTOP) (in sh: kill -STOP $$) where its mappings are to be drawn",
		      argv[0]);
		ret = EXIT_FAIL;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status)) {
		error("%s exited with status %d", argv[0], WEXITSTATUS(status));
		ret = ret > EXIT_FAIL ? ret : EXIT_FAIL;
	} else if (WIFSIGNALED(status)) {
		error("%s was killed by signal %d (%s)", argv[0], WTERMSIG(status),
		      strsignal(WTERMSIG(status)));
		ret = ret > EXIT_FAIL ? ret : EXIT_FAIL;
	}
	return ret;
}

int cmd_map(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vma", required_argument, NULL, 'v' },
		{ "dev", no_argument, NULL, 'd' },
		{ "with", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "row", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct map_opts o = { 0 };
	char **program = NULL, *end, *nocolour;
	pid_t pid = 0;
	int opt, nargs, i, ret;
	long n;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			program = argv + i + 1;
			argc = i;
			break;
		}
	}
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'v':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || n <= 0 || n > INT_MAX)
				return usage_error("map", "--vma wants a line number of /proc/PID/maps (1, 2, ...), not '%s'",
						   optarg);
			o.vma = n;
			break;
		case 'd':
			o.dev = 1;
			break;
		case 'w':
			ret = parse_pid(optarg, &o.with, "--with");
			if (ret)
				return ret;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'r':
			o.row = 1;
			break;
		case 'h':
			fputs(map_help, stdout);
			return EXIT_OK;
		case ':':
			return usage_error("map", "option '%s' needs a value",
					   argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("map", "unknown option '-%c'", optopt);
			return usage_error("map", "unknown option '%s'", argv[optind - 1]);
		}
	}
	nargs = argc - optind;
	if (program && !program[0])
		return usage_error("map", "no PROGRAM after '--'");
	if (!program && nargs < 1)
		return usage_error("map", "which process? Give its PID, or -- PROGRAM to run one");
	if (nargs > (program ? 1 : 2))
		return usage_error("map", "unexpected argument '%s'",
				   argv[optind + (program ? 1 : 2)]);
	if (!program) {
		ret = parse_pid(argv[optind++], &pid, "PID");
		if (ret)
			return ret;
	}
	if (optind < argc) {
		ret = parse_range(argv[optind], &o);
		if (ret)
			return ret;
	}
	if ((o.vma != 0) + o.dev + o.range > 1)
		return usage_error("map", "give one of ADDR[-END], --vma N and --dev");
	if (o.json && o.row)
		return usage_error("map", "give --json or --row, not both");
	nocolour = getenv("NO_COLOR");
	o.colour = !o.json && isatty(STDOUT_FILENO) && !(nocolour && *nocolour);
	return program ? run_program(program, &o) : draw(pid, &o);
}
