/* modprobe, rmmod and lsmod as busybox 1.35's modutils run them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/drivers.h"
#include "script/shell.h"

/*
 * modprobe [-alrqvsDb] MODULE [SYMBOL=VALUE]...: with -a or -r every operand
 * is a module, else the first is and the rest are its parameters (which the
 * model ignores: none of the modelled modules has one that matters).
 */
int sh_modprobe(struct sh_ctx *c)
{
	enum { OPT_a = 1, OPT_l = 2, OPT_r = 4, OPT_q = 8, OPT_v = 16, OPT_s = 32, OPT_D = 64, OPT_b = 128 };
	unsigned int flags;
	char **mods = calloc((size_t)c->argc, sizeof(*mods));
	if (!mods)
		return -ENOMEM;
	int n = bb_getopt(c->err, c->argc, c->argv, "alrqvsDb", &flags, mods);
	int ret = n < 0 ? n : 0;
	if (n >= 0 && (flags & (OPT_l | OPT_v | OPT_D))) {
		fprintf(c->err, "modprobe: -l, -v and -D are not modelled\n");
		ret = -EOPNOTSUPP;
		n = -1;
	}
	if (n == 0 && (flags & OPT_r)) {
		/* delete_module(NULL): 6.1 cannot copy the name */
		fprintf(c->err, "modprobe: (null): %s\n", strerror(EFAULT));
		ret = -EFAULT;
	}
	if (n > 1 && !(flags & (OPT_a | OPT_r)))
		n = 1;
	/* -q keeps it quiet; -s sends its messages to syslog, not the console */
	bool quiet = flags & (OPT_q | OPT_s);
	for (int i = 0; i < n; i++) {
		int r = (flags & OPT_r) ? modprobe_remove(c->sim->k, mods[i]) : modprobe(c->sim->k, mods[i]);
		if (r == -ENOENT && !quiet)
			fprintf(c->err, "modprobe: module %s not found in modules.dep\n", mods[i]);
		else if (r == -EEXIST && (flags & OPT_r) && !quiet)
			fprintf(c->err, "modprobe: module %s is builtin\n", mods[i]);
		else if (r && !quiet)
			fprintf(c->err, (flags & OPT_r) ? "modprobe: can't unload module '%s': %s\n"
							: "modprobe: failed to load module %s: %s\n",
				mods[i], strerror(-r));
		if (r)
			ret = r;
	}
	free(mods);
	return ret;
}

/* busybox's filename2modname(): the file's base name without ".ko", '-' read as '_' */
static void modname(const char *arg, char *out, size_t len)
{
	const char *base = strrchr(arg, '/');
	base = base ? base + 1 : arg;
	size_t n = strlen(base);
	if (n > 3 && !strcmp(base + n - 3, ".ko"))
		n -= 3;
	if (n >= len)
		n = len - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = base[i] == '-' ? '_' : base[i];
	out[n] = '\0';
}

/* rmmod [-wfa] MODULE...: stops at the first module it cannot unload */
int sh_rmmod(struct sh_ctx *c)
{
	enum { OPT_w = 1, OPT_f = 2, OPT_a = 4 };
	unsigned int flags;
	char **mods = calloc((size_t)c->argc, sizeof(*mods));
	if (!mods)
		return -ENOMEM;
	int n = bb_getopt(c->err, c->argc, c->argv, "wfas", &flags, mods);
	int ret = n < 0 ? n : 0;
	/* -a is delete_module(NULL), whose EFAULT rmmod takes for done; -f needs MODULE_FORCE_UNLOAD, -w changes nothing */
	if (n == 0 && !(flags & OPT_a))
		ret = bb_show_usage(c->err, "rmmod");
	for (int i = 0; n > 0 && !(flags & OPT_a) && i < n; i++) {
		char name[64];
		modname(mods[i], name, sizeof(name));
		int r = rmmod(c->sim->k, name);
		if (r) {
			fprintf(c->err, "rmmod: can't unload module '%s': %s\n", name, strerror(-r));
			ret = r;
			break;
		}
	}
	free(mods);
	return ret;
}

/* lsmod: /proc/modules as a table */
int sh_lsmod(struct sh_ctx *c)
{
	struct module_info m[32];
	size_t n = module_list(c->sim->k, m, sizeof(m) / sizeof(m[0]));
	fprintf(c->so, "%-24sSize  Used by    Not tainted\n", "Module");
	for (size_t i = 0; i < n; i++) {
		char size[16], refs[16], users[256] = "";
		size_t off = 0;
		for (int h = 0; h < m[i].nholders && off < sizeof(users); h++)
			off += (size_t)snprintf(users + off, sizeof(users) - off, "%s%s", h ? "," : "", m[i].holders[h]);
		snprintf(size, sizeof(size), "%u", m[i].size);
		snprintf(refs, sizeof(refs), "%u", m[i].refcnt);
		fprintf(c->so, "%-19s %8s %2s %s\n", m[i].name, size, refs, users);
	}
	return 0;
}
