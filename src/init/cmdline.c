/*
 * The kernel command line as Linux 6.1 reads it (init/main.c, kernel/params.c):
 *  - next_arg() splits it: param[=value], quotes around a whole word or a
 *    value, "--" ends what the kernel reads (the rest goes to init);
 *  - parse_early_param(): each early_param whose name matches exactly runs
 *    (a refusal logs "Malformed early option 'x'");
 *  - parse_args("Booting kernel"): a built-in kernel_param takes its value
 *    (a bad one logs "Booting kernel: `v' invalid for parameter `p'");
 *    anything else goes to unknown_bootoption(): sysctl aliases and
 *    bootloader identifiers are dropped, __setup() handlers take prefixes,
 *    early params are skipped, a name with a dot is an unused module
 *    parameter, and the rest goes to init, in argv (no '=') or envp, which
 *    print_unknown_bootoptions() reports.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "init/cmdline.h"
#include "init/cmdline_params.h"
#include "base/device.h"
#include "dma/contiguous.h"
#include "dma/swiotlb.h"

#define MAX_INIT_ARGS 32		/* CONFIG_INIT_ENV_ARG_LIMIT */
#define MAX_INIT_ENVS 32

/*
 * Parameters Linux knows that would change what iommusim answers and that it
 * does not model: refused rather than silently ignored.
 */
static const struct {
	const char *name;
	const char *what;
} unmodelled[] = {
	{ "mem", "limits the RAM Linux uses" },
	{ "maxcpus", "limits the CPUs brought up" },
	{ "nr_cpus", "limits the possible CPUs" },
	{ "nosmp", "brings up one CPU" },
	{ "irqchip.gicv3_nolpi", "disables the ITS's LPIs (no MSIs)" },
	{ "pci", "changes PCI enumeration" },
	{ "pcie_ports", "changes what pcieport binds" },
	{ "fw_devlink", "changes probe ordering" },
	{ "fw_devlink.strict", "changes probe deferral" },
	{ "initcall_blacklist", "skips initcalls" },
	{ "module_blacklist", "keeps modules from loading" },
	{ "driver_async_probe", "probes drivers asynchronously" },
	{ "initcall_debug", "logs every initcall and PCI quirk" },
};

/* parameq(): '-' and '_' are the same in parameter names */
static bool parameqn(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return false;
	}
	return true;
}

static bool parameq(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && parameqn(a, b, n);
}

/* kstrtobool() of 6.1: the first character decides (and "on"/"off") */
static int kstrtobool(const char *s, int *out)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		*out = 1;
		return 0;
	case 'n': case 'N': case 'f': case 'F': case '0':
		*out = 0;
		return 0;
	case 'o': case 'O':
		if (s[1] == 'n' || s[1] == 'N') {
			*out = 1;
			return 0;
		}
		if (s[1] == 'f' || s[1] == 'F') {
			*out = 0;
			return 0;
		}
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

/* kstrtoll/kstrtoull with base 0 (or 10): the whole string, a trailing newline allowed */
static bool kstrto_num(const char *s, int base, bool is_signed, long long lo, unsigned long long hi)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	if (is_signed) {
		long long v = strtoll(s, &end, base);

		if (errno || end == s || (*end && strcmp(end, "\n")) || v < lo || (v > 0 && (unsigned long long)v > hi))
			return false;
	} else {
		unsigned long long v;

		if (s[0] == '-' || s[0] == '+')
			s += s[0] == '+';
		if (s[0] == '-')
			return false;
		v = strtoull(s, &end, base);
		if (errno || end == s || (*end && strcmp(end, "\n")) || v > hi)
			return false;
	}
	return true;
}

static int append_line(char **log, const char *fmt, const char *a, const char *b)
{
	size_t old = *log ? strlen(*log) : 0;
	char line[512];
	int n = snprintf(line, sizeof(line), fmt, a, b);
	char *p = realloc(*log, old + (size_t)n + 2);

	if (!p)
		return -ENOMEM;
	if (old)
		p[old++] = '\n';
	memcpy(p + old, line, (size_t)n + 1);
	*log = p;
	return 0;
}

/*
 * next_arg(): one parameter from args, NUL-terminated in place; quotes
 * around the word or the value are dropped. Returns the rest.
 */
static char *next_arg(char *args, char **param, char **val)
{
	size_t i, equals = 0;
	bool in_quote = false, quoted = false;

	if (*args == '"') {
		args++;
		in_quote = quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (isspace((unsigned char)args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	if (!equals) {
		*val = NULL;
	} else {
		args[equals] = '\0';
		*val = args + equals + 1;
		/* no quotes in the value */
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		args += i + 1;
	} else {
		args += i;
	}
	while (isspace((unsigned char)*args))
		args++;
	return args;
}

struct state {
	struct kernel_cmdline c;
	const char *argv[MAX_INIT_ARGS + 2];	/* argv_init[1..] */
	char *envp[MAX_INIT_ENVS + 2];		/* envp_init[2..] (after HOME=/ and TERM=linux) */
	size_t nargv, nenvp;
	bool panic;
	const struct kparam_table *known;	/* the kernel image's parameters */
	char *err;
	size_t errlen;
};

static int refuse(struct state *s, const char *param, const char *val, const char *what)
{
	if (s->err && s->errlen)
		snprintf(s->err, s->errlen, "-append: the kernel parameter '%s%s%s' is not modelled (it %s)",
			 param, val ? "=" : "", val ? val : "", what);
	return -EINVAL;
}

/* parse_early_param(): the early parameters iommusim models, and their refusals */
static int early_param(struct state *s, const char *param, const char *val)
{
	int b;

	if (parameq(param, "iommu.passthrough") || parameq(param, "iommu.strict") ||
	    parameq(param, "iommu.forcedac")) {
		if (kstrtobool(val, &b))
			return append_line(&s->c.early_log, "Malformed early option '%s'%s", param, "");
		if (parameq(param, "iommu.passthrough"))
			s->c.iommu_passthrough = b;
		else if (parameq(param, "iommu.strict"))
			s->c.iommu_strict = b;
		else
			s->c.iommu_forcedac = b;
		return 0;
	}
	if (parameq(param, "loglevel")) {
		/* get_option(): a number, else -EINVAL */
		if (!val || !(isdigit((unsigned char)val[0]) || val[0] == '-'))
			return append_line(&s->c.early_log, "Malformed early option '%s'%s", param, "");
		return 0;
	}
	if (parameq(param, "cma")) {
		/* early_cma(): SIZE[@BASE[-LIMIT]]; no value is an error */
		if (dma_contiguous_parse_cmdline(val, &s->c.cma))
			return append_line(&s->c.early_log, "cma: Config string not provided%s%s", "", "") ? -ENOMEM :
			       append_line(&s->c.early_log, "Malformed early option '%s'%s", param, "");
		return 0;
	}
	if (parameq(param, "swiotlb") && val) {
		/* setup_io_tlb_npages(): [<slabs>][,<areas>][,force|noforce], never refused */
		struct swiotlb_params p = { 0 };

		swiotlb_parse_cmdline(val, &p);
		char lines[2][SWIOTLB_LINE_MAX];
		int n = swiotlb_cmdline_lines(&p, lines);
		for (int i = 0; i < n; i++)
			if (append_line(&s->c.early_log, "%s%s", lines[i], ""))
				return -ENOMEM;
		s->c.swiotlb_nslabs = p.nslabs;
		s->c.swiotlb_nareas = p.nareas;
		s->c.swiotlb_force = p.force;
		s->c.swiotlb_noforce = p.noforce;
		return 0;
	}
	return 0;
}

/* A built-in kernel_param: its value checked as its ops check it. */
static int kernel_param(struct state *s, const struct kparam *kp, const char *param, const char *val)
{
	bool ok = true;
	int b = 0;

	switch (kp->kind) {
	case 'b':
		ok = !val || !kstrtobool(val, &b);
		if (!val)
			b = 1;
		break;
	case 'i':
		ok = kstrto_num(val, 0, true, -2147483648LL, 2147483647ULL);
		break;
	case 'u':
		ok = kstrto_num(val, 0, false, 0, 4294967295ULL);
		break;
	case 'U':
		ok = kstrto_num(val, 0, false, 0, ~0ULL);
		break;
	case 'l':
		ok = kstrto_num(val, 0, true, -9223372036854775807LL - 1, 9223372036854775807ULL);
		break;
	case 's':
		ok = val != NULL;
		break;
	default:
		break;
	}
	if (!ok)
		return append_line(&s->c.args_log, "Booting kernel: `%s' invalid for parameter `%s'",
				   val ? val : "", param);
	if (parameq(kp->name, "arm_smmu_v3.disable_bypass"))
		s->c.disable_bypass = b;
	return 0;
}

/*
 * obsolete_checksetup(): __setup() handlers match a prefix of the whole
 * "param=value"; an early param only marks it as seen (exact name).
 */
static bool checksetup(struct state *s, char *line)
{
	bool had_early = false;

	for (size_t i = 0; i < s->known->nsetup; i++) {
		const struct kparam_setup *p = &s->known->setup[i];
		size_t n = strlen(p->str);
		const char *rest = line + n;

		if (strlen(line) < n || !parameqn(line, p->str, n))
			continue;
		if (p->early) {
			if (*rest == '\0' || *rest == '=')
				had_early = true;
			continue;
		}
		/* the handlers that decline what they are given */
		if ((!strcmp(p->str, "rw") || !strcmp(p->str, "ro") || !strcmp(p->str, "rootwait")) && *rest)
			continue;
		if (!strcmp(p->str, "init=") || !strcmp(p->str, "rdinit=")) {
			/* init_setup/rdinit_setup drop the init arguments given before */
			s->nargv = 0;
		} else if (!strcmp(p->str, "deferred_probe_timeout=")) {
			char *end;
			long t;

			errno = 0;
			t = strtol(rest, &end, 10);
			if (!errno && end != rest && (!*end || !strcmp(end, "\n")) && t >= -2147483648L &&
			    t <= 2147483647L)
				s->c.deferred_probe_timeout = (int)t;
		}
		return true;
	}
	return had_early;
}

/* 6.1's sysctl_aliases */
static const char *const sysctl_aliases[] = {
	"hardlockup_all_cpu_backtrace", "hung_task_panic", "numa_zonelist_order",
	"softlockup_all_cpu_backtrace", NULL,
};

static int unknown_bootoption(struct state *s, char *param, char *val)
{
	size_t len = strlen(param);
	static const char *const bootloader[] = { "BOOT_IMAGE=", "kexec", NULL };

	for (size_t i = 0; sysctl_aliases[i]; i++)
		if (parameq(param, sysctl_aliases[i]))
			return 0;
	/* repair_env_string(): "param=value" again, the value's quote dropped */
	if (val) {
		if (val == param + len + 1) {
			val[-1] = '=';
		} else if (val == param + len + 2) {
			val[-2] = '=';
			memmove(val - 1, val, strlen(val) + 1);
		}
	}
	for (size_t i = 0; bootloader[i]; i++)
		if (!strncmp(param, bootloader[i], strlen(bootloader[i])))
			return 0;
	if (checksetup(s, param))
		return 0;
	/* an unused module parameter */
	if (memchr(param, '.', len))
		return 0;
	if (s->panic)
		return 0;
	if (val) {
		/* envp_init[] holds HOME=/ and TERM=linux first; a variable given again keeps its place */
		size_t i;

		for (i = 0; i < s->nenvp && i + 2 < MAX_INIT_ENVS; i++)
			if (!strncmp(param, s->envp[i], len + 1))
				break;
		if (i + 2 >= MAX_INIT_ENVS) {
			s->panic = true;	/* "Too many boot env vars at `%s'" */
			return 0;
		}
		s->envp[i] = param;
		if (i == s->nenvp)
			s->nenvp++;
	} else {
		/* argv_init[0] is "init" */
		if (s->nargv + 1 > MAX_INIT_ARGS) {
			s->panic = true;	/* "Too many boot init vars at `%s'" */
			return 0;
		}
		s->argv[s->nargv++] = param;
	}
	return 0;
}

static int parse(struct state *s, char *line, bool early)
{
	char *args = line, *param, *val;
	int ret = 0;

	while (isspace((unsigned char)*args))
		args++;
	while (*args && !ret) {
		args = next_arg(args, &param, &val);
		/* "--": the rest is init's */
		if (!val && !strcmp(param, "--"))
			break;
		for (size_t i = 0; i < sizeof(unmodelled) / sizeof(unmodelled[0]); i++)
			if (parameq(param, unmodelled[i].name))
				return refuse(s, param, val, unmodelled[i].what);
		if (early) {
			/* do_early_param(): early params by exact name (console= also as earlycon) */
			for (size_t i = 0; i < s->known->nsetup; i++) {
				if (s->known->setup[i].early &&
				    parameq(param, s->known->setup[i].str)) {
					ret = early_param(s, param, val);
					break;
				}
			}
			continue;
		}
		{
			const struct kparam *kp = NULL;

			for (size_t i = 0; i < s->known->nparams && !kp; i++)
				if (parameq(param, s->known->params[i].name))
					kp = &s->known->params[i];
			if (!strncmp(param, "vfio-pci.", 9) || !strncmp(param, "vfio_pci.", 9) ||
			    !strncmp(param, "vfio_iommu_type1.", 17) || !strncmp(param, "vfio-iommu-type1.", 17) ||
			    !strncmp(param, "virtio_pci.", 11) || !strncmp(param, "virtio-pci.", 11))
				return refuse(s, param, val, "sets a parameter of a modelled module");
			ret = kp ? kernel_param(s, kp, param, val) : unknown_bootoption(s, param, val);
		}
	}
	return ret;
}

int kernel_cmdline_parse(const char *line, const struct kparam_table *known,
			 struct kernel_cmdline *out, char *err, size_t errlen)
{
	struct state s = {
		.known = known ? known : &linux_6_1_params,
		.c = { .iommu_passthrough = -1, .iommu_strict = -1, .deferred_probe_timeout = 10,
		       .disable_bypass = 1 },
		.err = err, .errlen = errlen,
	};
	char *early = strdup(line ? line : ""), *copy = strdup(line ? line : "");
	int ret = -ENOMEM;

	if (early && copy)
		ret = parse(&s, early, true);
	if (!ret)
		ret = parse(&s, copy, false);
	if (!ret && s.panic)
		ret = refuse(&s, "(more than 32 init arguments or variables)", NULL,
			     "would make Linux panic: \"Too many boot init vars\"");
	if (!ret && (s.nargv || s.nenvp)) {
		/* print_unknown_bootoptions(): argv_init[1..], then envp_init[2..] */
		size_t n = 1;
		char *p;

		for (size_t i = 0; i < s.nargv; i++)
			n += strlen(s.argv[i]) + 1;
		for (size_t i = 0; i < s.nenvp; i++)
			n += strlen(s.envp[i]) + 1;
		p = s.c.unknown = malloc(n);
		if (!p) {
			ret = -ENOMEM;
		} else {
			*p = '\0';
			for (size_t i = 0; i < s.nargv; i++)
				p += sprintf(p, "%s%s", p == s.c.unknown ? "" : " ", s.argv[i]);
			for (size_t i = 0; i < s.nenvp; i++)
				p += sprintf(p, "%s%s", p == s.c.unknown ? "" : " ", s.envp[i]);
		}
	}
	free(early);
	free(copy);
	if (ret) {
		if (ret == -ENOMEM && err && errlen)
			snprintf(err, errlen, "out of memory");
		kernel_cmdline_free(&s.c);
		return ret;
	}
	*out = s.c;
	return 0;
}

void kernel_cmdline_free(struct kernel_cmdline *c)
{
	free(c->unknown);
	free(c->early_log);
	free(c->args_log);
	c->unknown = c->early_log = c->args_log = NULL;
}

static void log_lines(struct kernel *k, const char *lines)
{
	while (lines && *lines) {
		size_t n = strcspn(lines, "\n");

		kprintf(k, "%.*s", (int)n, lines);
		lines += n + (lines[n] == '\n');
	}
}

void kernel_cmdline_log(struct kernel *k, const struct kernel_cmdline *c, const char *line, bool early)
{
	if (early) {
		log_lines(k, c->early_log);
		return;
	}
	kprintf(k, "Kernel command line: %s", line ? line : "");
	log_lines(k, c->args_log);
	if (c->unknown)
		kprintf(k, "Unknown kernel command line parameters \"%s\", will be passed to user space.",
			c->unknown);
}
