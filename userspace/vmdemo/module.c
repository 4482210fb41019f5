// SPDX-License-Identifier: GPL-2.0
/*
 * vmdemo load / vmdemo unload, through libkmod, with an explanation for
 * each usual failure.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libkmod.h>
#include <linux/vmdemo.h>

#include "vmdemo.h"

static const char load_help[] =
"Usage: vmdemo load [--ko PATH] [PARAM=VALUE...]\n"
"\n"
"Load the vmdemo module, which creates " VMDEMO_DEVICE_PATH ".  Parameters:\n"
"  size=SIZE       initial size of the device (default 16M)\n"
"  max_size=SIZE   the largest size 'vmdemo resize' accepts (default: half\n"
"                  of the RAM, at most 1G; with backing=, what the file's\n"
"                  file system allows)\n"
"  mode=MODE       permissions of the device node (default 0600: root only;\n"
"                  0666 lets every user map it)\n"
"  stats=Y|N       count and time the faults (default Y)\n"
"  backing=PATH    keep the device's bytes in the file PATH (created if\n"
"                  missing): the page cache then reads pages in from it\n"
"                  (major faults), writes dirty pages back and may evict\n"
"                  clean ones; see 'vmdemo info', 'vmdemo evict', 'vmdemo sync'.\n"
"                  Default: none, the pages live only in RAM\n"
"  readahead=N     with backing=, pages read ahead after a major fault\n"
"                  (default 31)\n"
"SIZE is in bytes and may end in K, M, G or T (powers of 1024).\n"
"\n"
"The module file is the first of: --ko PATH; $VMDEMO_KO; the build tree of\n"
"this command (DIR/../../module/vmdemo.ko, DIR being where vmdemo is); the\n"
"module installed for the running kernel (found as modprobe finds it).\n"
"\n"
"Needs root.  Exit status: 0 loaded, 1 failure, 2 usage error.\n";

static const char unload_help[] =
"Usage: vmdemo unload\n"
"\n"
"Unload the vmdemo module.  This frees every page of " VMDEMO_DEVICE_PATH ".  It fails\n"
"while a program has the device open or mapped: the module stays until they\n"
"are gone, and vmdemo lists them.\n"
"\n"
"Needs root.  Exit status: 0 unloaded, 1 failure (not loaded, in use), 2 usage\n"
"error.\n";

/* libkmod would print its own errors; the messages here say more. */
static void quiet_log(void *data, int priority, const char *file, int line,
		      const char *fn, const char *format, va_list args)
{
	(void)data;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	(void)format;
	(void)args;
}

static struct kmod_ctx *kmod_open(void)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);

	if (!ctx)
		error("cannot initialise libkmod");
	else if (!getenv("VMDEMO_DEBUG"))
		kmod_set_log_fn(ctx, quiet_log, NULL);
	return ctx;
}

static int file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/*
 * Find the module file, as load_help says.  Returns 0 with *modp set
 * and *where describing where it came from, or EXIT_FAIL.
 */
static int find_module(struct kmod_ctx *ctx, const char *ko,
		       struct kmod_module **modp, const char **where)
{
	static char tree[PATH_MAX + 32];
	struct kmod_list *list = NULL;
	const char *path = NULL;
	struct utsname u;
	int err;

	if (ko) {
		path = ko;
		*where = "given with --ko";
	} else if (getenv("VMDEMO_KO") && *getenv("VMDEMO_KO")) {
		path = getenv("VMDEMO_KO");
		*where = "from $VMDEMO_KO";
	} else {
		snprintf(tree, sizeof(tree), "%s/../../module/vmdemo.ko",
			 self_dir());
		if (self_dir()[0] && file_exists(tree)) {
			char *real = realpath(tree, NULL);

			if (real) {
				snprintf(tree, sizeof(tree), "%s", real);
				free(real);
			}
			path = tree;
			*where = "from the build tree";
		}
	}
	if (path) {
		if (!file_exists(path)) {
			error("cannot load %s (%s): %s", path, *where,
			      strerror(errno));
			return EXIT_FAIL;
		}
		err = kmod_module_new_from_path(ctx, path, modp);
		if (err < 0) {
			error("cannot use %s (%s) as a module: %s", path,
			      *where, strerror(-err));
			return EXIT_FAIL;
		}
		return 0;
	}

	uname(&u);
	err = kmod_module_new_from_lookup(ctx, MODULE_NAME, &list);
	if (err >= 0 && list) {
		*modp = kmod_module_get_module(list);
		kmod_module_unref_list(list);
		if (kmod_module_get_path(*modp)) {
			*where = "installed for this kernel";
			return 0;
		}
		kmod_module_unref(*modp);
	}
	error("cannot find vmdemo.ko: no --ko PATH, no $VMDEMO_KO, no build tree next to this command (%s/../../module/vmdemo.ko), and none installed for kernel %s (is depmod done?). Build it (make), or say where it is: vmdemo load --ko PATH",
	      self_dir(), u.release);
	return EXIT_FAIL;
}

/* The module's parameter names and vermagic, as modinfo shows them. */
struct modinfo {
	char params[16][32];
	int nparams;
	char vermagic[256];
};

static void read_modinfo(struct kmod_module *mod, struct modinfo *mi)
{
	struct kmod_list *list = NULL, *l;
	int i;

	memset(mi, 0, sizeof(*mi));
	if (kmod_module_get_info(mod, &list) < 0)
		return;
	kmod_list_foreach(l, list) {
		const char *key = kmod_module_info_get_key(l);
		const char *val = kmod_module_info_get_value(l);
		size_t len;

		if (!val)
			continue;
		if (!strcmp(key, "vermagic")) {
			snprintf(mi->vermagic, sizeof(mi->vermagic), "%s", val);
			continue;
		}
		if (strcmp(key, "parm") && strcmp(key, "parmtype"))
			continue;
		len = strcspn(val, ":");
		if (len >= sizeof(mi->params[0]) || mi->nparams >= 16)
			continue;
		for (i = 0; i < mi->nparams; i++)
			if (strlen(mi->params[i]) == len &&
			    !strncmp(mi->params[i], val, len))
				break;
		if (i == mi->nparams)
			memcpy(mi->params[mi->nparams++], val, len);
	}
	kmod_module_info_free_list(list);
}

/*
 * Check the PARAM=VALUE arguments and build the option string, sizes
 * converted to bytes.  Returns 0 or EXIT_USAGE.
 */
static int build_options(int argc, char **argv, const struct modinfo *mi,
			 char *opts, size_t len)
{
	size_t used = 0;
	int i, j;

	opts[0] = '\0';
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *eq = strchr(arg, '=');
		size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		char value[64], cwd[PATH_MAX], abs_arg[PATH_MAX + 16];
		int known = !mi->nparams;

		for (j = 0; j < mi->nparams; j++)
			if (strlen(mi->params[j]) == nlen &&
			    !strncmp(mi->params[j], arg, nlen))
				known = 1;
		if (!known || !nlen) {
			char names[512] = "";

			for (j = 0; j < mi->nparams; j++)
				snprintf(names + strlen(names),
					 sizeof(names) - strlen(names), "%s%s",
					 j ? ", " : "", mi->params[j]);
			return usage_error("load", "unknown parameter '%.*s'; the module takes: %s",
					   (int)nlen, arg, names);
		}
		if (eq && ((nlen == 4 && !strncmp(arg, "size", 4)) ||
			   (nlen == 8 && !strncmp(arg, "max_size", 8)))) {
			unsigned long long bytes;
			char name[16];
			int err;

			snprintf(name, sizeof(name), "%.*s", (int)nlen, arg);
			err = parse_size_arg("load", name, eq + 1, &bytes);

			if (err)
				return err;
			snprintf(value, sizeof(value), "%.*s=%llu", (int)nlen,
				 arg, bytes);
			arg = value;
		}
		/* The module opens the file; give it a path that needs no cwd. */
		if (eq && nlen == 7 && !strncmp(arg, "backing", 7) && eq[1] &&
		    eq[1] != '/') {
			if (!getcwd(cwd, sizeof(cwd)) ||
			    (size_t)snprintf(abs_arg, sizeof(abs_arg), "backing=%s/%s",
					     cwd, eq + 1) >= sizeof(abs_arg))
				return usage_error("load", "backing=%s: cannot make it an absolute path; give one starting with /",
						   eq + 1);
			arg = abs_arg;
		}
		if (used + strlen(arg) + 2 > len)
			return usage_error("load", "too many parameters");
		used += snprintf(opts + used, len - used, "%s%s",
				 used ? " " : "", arg);
	}
	return 0;
}

/* Position at the end of the kernel log, to read what loading adds. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Print the kernel log lines written since kmsg_open() (a few at most). */
static int kmsg_show(int fd)
{
	char rec[2048];
	int shown = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		char *msg, *nl;

		if (n <= 0)
			continue;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg || shown >= 10)
			continue;
		msg++;
		nl = strchr(msg, '\n');
		if (nl)
			*nl = '\0';
		if (!shown++)
			fprintf(stderr, "The kernel log says:\n");
		fprintf(stderr, "  %s\n", msg);
	}
	close(fd);
	return shown;
}

static void explain_load_error(int err, const char *path,
			       const struct modinfo *mi, int kmsg)
{
	struct utsname u;
	char buf[64];

	uname(&u);
	if ((err == ENOEXEC || err == EINVAL) && !mi->vermagic[0]) {
		error("cannot load %s: %s: it is not a kernel module (it has no vermagic)",
		      path, strerror(err));
		kmsg_show(kmsg);
		return;
	}
	switch (err) {
	case EEXIST:
		if (read_text(SYSFS_MODULE_DIR "/version", buf, sizeof(buf)))
			strcpy(buf, "unknown version");
		error("vmdemo is already loaded (%s); to load it again, with other parameters: vmdemo unload, then vmdemo load",
		      buf);
		kmsg_show(kmsg);
		return;
	case EPERM:
	case EACCES:
		if (geteuid())
			error("cannot load %s: %s: loading a module needs root (CAP_SYS_MODULE); try: sudo vmdemo load",
			      path, strerror(err));
		else
			error("cannot load %s: %s: module loading is disabled on this system (kernel.modules_disabled, or lockdown)",
			      path, strerror(err));
		break;
	case ENOEXEC:
		error("cannot load %s: %s: it was built for another kernel. This kernel is %s; the module's vermagic is '%s'. Rebuild it against this kernel's headers (make)",
		      path, strerror(err), u.release, mi->vermagic);
		break;
	case EINVAL:
		error("cannot load %s: %s: the module refused a parameter; it says why in the kernel log (dmesg)",
		      path, strerror(err));
		break;
	case ENOENT:
		error("cannot load %s: %s: the module needs a symbol this kernel (%s) does not have; it was built for another kernel: rebuild it (make)",
		      path, strerror(err), u.release);
		break;
	case ENOSYS:
		error("cannot load %s: %s: this system does not let programs load kernel modules (a container?)",
		      path, strerror(err));
		break;
	case EKEYREJECTED:
	case EBADMSG:
		error("cannot load %s: %s: this kernel accepts only signed modules (Secure Boot or module.sig_enforce); sign vmdemo.ko or allow unsigned modules",
		      path, strerror(err));
		break;
	default:
		error("cannot load %s: %s (see dmesg)", path, strerror(err));
		break;
	}
	kmsg_show(kmsg);
}

int cmd_load(int argc, char **argv)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	struct modinfo mi;
	const char *ko = NULL, *where = "", *path;
	char opts[1024], size[32], version[64];
	int first = 1, kmsg, err, ret;

	if (wants_help(argc, argv)) {
		fputs(load_help, stdout);
		return EXIT_OK;
	}
	while (first < argc && argv[first][0] == '-') {
		if (!strcmp(argv[first], "--")) {
			first++;
			break;
		}
		if (!strcmp(argv[first], "--ko") && first + 1 < argc) {
			ko = argv[first + 1];
			first += 2;
		} else if (!strncmp(argv[first], "--ko=", 5)) {
			ko = argv[first] + 5;
			first++;
		} else if (!strcmp(argv[first], "--ko")) {
			return usage_error("load", "--ko needs a PATH");
		} else {
			return usage_error("load", "unknown option '%s'",
					   argv[first]);
		}
	}

	ctx = kmod_open();
	if (!ctx)
		return EXIT_FAIL;
	ret = find_module(ctx, ko, &mod, &where);
	if (ret)
		goto out;
	path = kmod_module_get_path(mod);
	read_modinfo(mod, &mi);
	ret = build_options(argc - first, argv + first, &mi, opts, sizeof(opts));
	if (ret)
		goto out;

	kmsg = kmsg_open();
	err = kmod_module_insert_module(mod, 0, opts);
	if (err < 0) {
		explain_load_error(-err, path, &mi, kmsg);
		ret = EXIT_FAIL;
		goto out;
	}
	if (kmsg >= 0)
		close(kmsg);

	if (read_text(SYSFS_MODULE_DIR "/version", version, sizeof(version)))
		strcpy(version, "?");
	printf("vmdemo: loaded vmdemo %s (%s: %s)%s%s\n", version, where, path,
	       opts[0] ? " with " : "", opts);
	if (!read_text(SYSFS_MODULE_DIR "/parameters/size", size, sizeof(size))) {
		char human[32];

		printf("vmdemo: %s is ready, size %s\n", VMDEMO_DEVICE_PATH,
		       human_size(strtoull(size, NULL, 10), human,
				  sizeof(human)));
	}
	ret = EXIT_OK;
out:
	if (mod)
		kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}

/* How many mappings of the device a process has, and whether it has it open. */
static void scan_process(const char *pid, int *maps, int *fds)
{
	char path[300], line[1024], link[PATH_MAX];
	struct dirent *de;
	size_t plen = strlen(VMDEMO_DEVICE_PATH);
	FILE *f;
	DIR *d;
	ssize_t n;

	*maps = *fds = 0;
	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	f = fopen(path, "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			size_t len = strcspn(line, "\n");

			if (len >= plen && !strncmp(line + len - plen,
						    VMDEMO_DEVICE_PATH, plen))
				(*maps)++;
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		snprintf(path, sizeof(path), "/proc/%s/fd/%s", pid, de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			*fds += !strcmp(link, VMDEMO_DEVICE_PATH);
		}
	}
	closedir(d);
}

/* List the processes that keep the module busy. */
void explain_users(void)
{
	char path[300], comm[64];
	struct dirent *de;
	int found = 0, maps, fds;
	DIR *d = opendir("/proc");

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		scan_process(de->d_name, &maps, &fds);
		if (!maps && !fds)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		if (read_text(path, comm, sizeof(comm)))
			strcpy(comm, "?");
		if (!found++)
			fprintf(stderr, "Programs using %s:\n", VMDEMO_DEVICE_PATH);
		fprintf(stderr, "  pid %s (%s):", de->d_name, comm);
		if (maps)
			fprintf(stderr, " %d mapping%s", maps, maps > 1 ? "s" : "");
		if (fds)
			fprintf(stderr, "%s %d open file%s", maps ? "," : "",
				fds, fds > 1 ? "s" : "");
		fputc('\n', stderr);
	}
	closedir(d);
	if (!found && geteuid())
		fprintf(stderr, "(run as root to see which programs they are)\n");
}

int cmd_unload(int argc, char **argv)
{
	struct kmod_module *mod;
	struct kmod_ctx *ctx;
	char refcnt[32];
	int err, ret = EXIT_FAIL;

	if (wants_help(argc, argv)) {
		fputs(unload_help, stdout);
		return EXIT_OK;
	}
	if (argc > 1)
		return usage_error("unload", "unexpected argument '%s'", argv[1]);
	if (!module_loaded()) {
		error("vmdemo is not loaded");
		return EXIT_FAIL;
	}

	ctx = kmod_open();
	if (!ctx)
		return EXIT_FAIL;
	err = kmod_module_new_from_name(ctx, MODULE_NAME, &mod);
	if (err < 0) {
		error("cannot unload vmdemo: %s", strerror(-err));
		goto out_ctx;
	}
	err = kmod_module_remove_module(mod, KMOD_REMOVE_NOLOG);
	switch (-err) {
	case 0:
		printf("vmdemo: unloaded vmdemo\n");
		ret = EXIT_OK;
		break;
	case EPERM:
	case EACCES:
		error("cannot unload vmdemo: %s: unloading a module needs root (CAP_SYS_MODULE); try: sudo vmdemo unload",
		      strerror(-err));
		break;
	case EBUSY:
	case EAGAIN:
		if (read_text(SYSFS_MODULE_DIR "/refcnt", refcnt, sizeof(refcnt)))
			strcpy(refcnt, "some");
		error("cannot unload vmdemo: %s: it is in use (%s reference%s: open files and mappings of %s); close the programs that map %s, then try again",
		      strerror(-err), refcnt, strcmp(refcnt, "1") ? "s" : "",
		      VMDEMO_DEVICE_PATH, VMDEMO_DEVICE_PATH);
		explain_users();
		break;
	case ENOENT:
		error("vmdemo is not loaded");
		break;
	default:
		error("cannot unload vmdemo: %s (see dmesg)", strerror(-err));
		break;
	}
	kmod_module_unref(mod);
out_ctx:
	kmod_unref(ctx);
	return ret;
}
