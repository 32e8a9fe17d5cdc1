/*
 * The CPUs of a virt machine: -smp as the machine's QEMU reads it in
 * machine_parse_smp_config() (virt prefers cores over sockets, has clusters
 * but no dies; QEMU 9.0 adds drawers, books and modules and refuses a 0),
 * the -cpu models virt accepts, and virt's limit on CPUs per interrupt
 * controller. The kernel learns the CPUs only from the DT's /cpus nodes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine/virt_internal.h"

#define VIRT_MAX_CPUS 512	/* mc->max_cpus of virt, 7.2 and 10.0 alike */
#define GIC_NCPU 8		/* GICv2's CPU interface limit */

static int smp_number(const struct qemu_optlist *smp, const char *key, unsigned *out, char *err,
		      size_t errlen)
{
	const char *v = qemu_opt_get(smp, key);
	char *end;
	*out = 0;
	if (!v)
		return 0;
	errno = 0;
	unsigned long n = strtoul(v, &end, 0);
	if (!*v || *end || errno || n > 0xffffffffUL || v[0] == '-') {
		qemu_set_err(err, errlen, "Parameter 'smp.%s' expects integer", key);
		return -EINVAL;
	}
	*out = (unsigned)n;
	return 0;
}

int virt_parse_smp(const struct qemu_cmdline *cmd, const struct qemu_version *qemu, const char *type,
		   struct virt_cpu_topology *t, char *err, size_t errlen)
{
	/* the keys of SMPConfiguration: 7.2's, then those 9.0 adds */
	static const char *const keys[] = { "cpus", "sockets", "dies", "clusters", "cores",
					     "threads", "maxcpus", "drawers", "books", "modules" };
	size_t nkeys = qemu->smp_modern_rules ? 10 : 7;
	unsigned v[10] = { 0 };
	bool given[10] = { false };
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < cmd->smp.nopts; i++) {
		bool known = false;
		for (size_t k = 0; k < nkeys; k++)
			known |= !strcmp(cmd->smp.opts[i].key, keys[k]);
		if (!known) {
			qemu_set_err(err, errlen, "Parameter 'smp.%s' is unexpected", cmd->smp.opts[i].key);
			return -EINVAL;
		}
	}
	for (size_t k = 0; k < nkeys; k++) {
		if (smp_number(&cmd->smp, keys[k], &v[k], err, errlen))
			return -EINVAL;
		given[k] = qemu_opt_get(&cmd->smp, keys[k]) != NULL;
	}
	unsigned cpus = v[0], sockets = v[1], dies = v[2], clusters = v[3], cores = v[4],
		 threads = v[5], maxcpus = v[6];
	if (qemu->smp_modern_rules) {
		/* an explicit 0 is refused; what virt has not, above 1 */
		for (size_t k = 0; k < nkeys; k++) {
			if (given[k] && !v[k]) {
				qemu_set_err(err, errlen, "Invalid CPU topology: CPU topology parameters must be "
					     "greater than zero");
				return -EINVAL;
			}
		}
		static const size_t unsupported[] = { 9, 2, 8, 7 };	/* modules, dies, books, drawers */
		for (size_t u = 0; u < 4; u++) {
			if (v[unsupported[u]] > 1) {
				qemu_set_err(err, errlen, "%s > 1 not supported by this machine's CPU topology",
					     keys[unsupported[u]]);
				return -EINVAL;
			}
		}
	} else if (dies > 1) {
		qemu_set_err(err, errlen, "dies not supported by this machine's CPU topology");
		return -EINVAL;
	}
	/* 7.2: an explicit 0 is deprecated and counts as not given */
	dies = 1;
	clusters = clusters ? clusters : 1;
	if (!cpus && !maxcpus) {
		sockets = sockets ? sockets : 1;
		cores = cores ? cores : 1;
		threads = threads ? threads : 1;
	} else {
		maxcpus = maxcpus ? maxcpus : cpus;
		/* machines since 6.2 prefer cores over sockets */
		if (!cores) {
			sockets = sockets ? sockets : 1;
			threads = threads ? threads : 1;
			cores = maxcpus / (sockets * dies * clusters * threads);
		} else if (!sockets) {
			threads = threads ? threads : 1;
			sockets = maxcpus / (dies * clusters * cores * threads);
		}
		if (!threads)
			threads = maxcpus / (sockets * dies * clusters * cores);
	}
	maxcpus = maxcpus ? maxcpus : sockets * dies * clusters * cores * threads;
	cpus = cpus ? cpus : maxcpus;
	char topo[160];
	snprintf(topo, sizeof(topo), "sockets (%u) * clusters (%u) * cores (%u) * threads (%u)", sockets,
		 clusters, cores, threads);
	if ((unsigned long long)sockets * dies * clusters * cores * threads != maxcpus) {
		qemu_set_err(err, errlen,
			     "Invalid CPU topology: product of the hierarchy must match maxcpus: %s != maxcpus (%u)",
			     topo, maxcpus);
		return -EINVAL;
	}
	if (maxcpus < cpus) {
		qemu_set_err(err, errlen,
			     "Invalid CPU topology: maxcpus must be equal to or greater than smp: %s == maxcpus (%u) < smp_cpus (%u)",
			     topo, maxcpus, cpus);
		return -EINVAL;
	}
	if (maxcpus > VIRT_MAX_CPUS) {
		qemu_set_err(err, errlen, "Invalid SMP CPUs %u. The max CPUs supported by machine '%s' is %d",
			     maxcpus, type, VIRT_MAX_CPUS);
		return -EINVAL;
	}
	*t = (struct virt_cpu_topology){ .cpus = cpus, .max_cpus = maxcpus, .sockets = sockets,
					 .clusters = clusters, .cores = cores, .threads = threads };
	return 0;
}

int virt_check_max_cpus(const struct virt_cpu_topology *t, int gic_version, char *err, size_t errlen)
{
	/* GICv3's two redistributor regions hold more than virt's 512 */
	unsigned max = gic_version == 2 ? GIC_NCPU : VIRT_MAX_CPUS;

	if (t->max_cpus > max) {
		qemu_set_err(err, errlen,
			     "Number of SMP CPUs requested (%u) exceeds max CPUs supported by machine 'mach-virt' (%u)",
			     t->max_cpus, max);
		return -EINVAL;
	}
	return 0;
}

/* Arm CPUs QEMU knows that virt refuses (those of -cpu help not in virt's list). */
static bool other_arm_cpu(const struct qemu_version *qemu, const char *name)
{
	size_t n = strlen(name);

	for (const char *const *c = qemu->cpu_help; *c; c++)
		if (!strncmp(*c, name, n) && ((*c)[n] == '\0' || (*c)[n] == ' '))
			return true;
	return false;
}

/*
 * -cpu NAME,PROP=VALUE: each becomes a global property of NAME-arm-cpu,
 * applied in order. Only max's "lpa2" (FEAT_LPA2, a bool) is modelled.
 */
static int cpu_properties(const struct qemu_cmdline *cmd, const struct qemu_cpu_model *c, bool *lpa2_off,
			  char *err, size_t errlen)
{
	for (size_t i = 0; i < cmd->cpu.nopts; i++) {
		const char *key = cmd->cpu.opts[i].key, *val = cmd->cpu.opts[i].val;
		int on;
		if (strcmp(key, "lpa2")) {
			/* feature switches (pmu=, sve=...) change nothing iommusim answers, but unmodelled */
			qemu_set_err(err, errlen, "-cpu %s: CPU property '%s' is not modelled by iommusim", c->name, key);
			return -EINVAL;
		}
		if (!c->lpa2_property) {
			qemu_set_err(err, errlen, "can't apply global %s-arm-cpu.%s=%s: Property '%s-arm-cpu.%s' not found",
				     c->name, key, val ? val : "", c->name, key);
			return -EINVAL;
		}
		if (qemu_parse_bool(val, &on)) {
			qemu_set_err(err, errlen, "can't apply global %s-arm-cpu.%s=%s: Parameter '%s' expects 'on' or 'off'",
				     c->name, key, val ? val : "", key);
			return -EINVAL;
		}
		*lpa2_off = !on;
	}
	return 0;
}

int virt_parse_cpu(const struct qemu_cmdline *cmd, const struct qemu_version *qemu,
		   const struct qemu_cpu_model **model, bool *lpa2_off, char *err, size_t errlen)
{
	const char *name = cmd->cpu.driver ? cmd->cpu.driver : "cortex-a15";	/* virt's default */
	*model = NULL;
	*lpa2_off = false;
	if (!strcmp(name, "host")) {
		qemu_set_err(err, errlen, "The 'host' CPU type can only be used with KVM or HVF");
		return -EINVAL;
	}
	for (const struct qemu_cpu_model *c = qemu->virt_cpus; c->name; c++) {
		if (strcmp(name, c->name))
			continue;
		bool off = false;
		if (cpu_properties(cmd, c, &off, err, errlen))
			return -EINVAL;
		*model = c;
		*lpa2_off = off;
		return 0;
	}
	if (other_arm_cpu(qemu, name)) {
		if (!qemu->invalid_cpu_lists_valid) {
			qemu_set_err(err, errlen, "mach-virt: CPU type %s-arm-cpu not supported", name);
			return -EINVAL;
		}
		/* machine_class_valid_cpu_type(): the valid models, comma-separated */
		if (!err || !errlen)
			return -EINVAL;
		size_t n = (size_t)snprintf(err, errlen, "Invalid CPU model: %s\nThe valid models are: ", name);
		for (const struct qemu_cpu_model *c = qemu->virt_cpus; c->name && n < errlen; c++)
			n += (size_t)snprintf(err + n, errlen - n, "%s%s", c == qemu->virt_cpus ? "" : ", ", c->name);
		return -EINVAL;
	}
	qemu_set_err(err, errlen, "unable to find CPU model '%s'", name);
	return -EINVAL;
}
