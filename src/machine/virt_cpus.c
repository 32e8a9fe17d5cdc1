/*
 * The CPUs of a virt machine: -smp as QEMU 7.2's machine_parse_smp_config()
 * reads it (virt prefers cores over sockets, has clusters but no dies), the
 * -cpu models virt accepts, and virt's limit on CPUs per interrupt
 * controller. The kernel learns the CPUs only from the DT's /cpus nodes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine/virt_internal.h"

#define VIRT_MAX_CPUS 512	/* mc->max_cpus of virt-7.2 */
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

int virt_parse_smp(const struct qemu_cmdline *cmd, struct virt_cpu_topology *t, char *err,
		   size_t errlen)
{
	static const char *const keys[] = { "cpus", "sockets", "dies", "clusters", "cores",
					     "threads", "maxcpus" };
	unsigned v[7] = { 0 };
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < cmd->smp.nopts; i++) {
		bool known = false;
		for (size_t k = 0; k < 7; k++)
			known |= !strcmp(cmd->smp.opts[i].key, keys[k]);
		if (!known) {
			qemu_set_err(err, errlen, "Parameter 'smp.%s' is unexpected", cmd->smp.opts[i].key);
			return -EINVAL;
		}
	}
	for (size_t k = 0; k < 7; k++)
		if (smp_number(&cmd->smp, keys[k], &v[k], err, errlen))
			return -EINVAL;
	unsigned cpus = v[0], sockets = v[1], dies = v[2], clusters = v[3], cores = v[4],
		 threads = v[5], maxcpus = v[6];
	if (dies > 1) {
		qemu_set_err(err, errlen, "dies not supported by this machine's CPU topology");
		return -EINVAL;
	}
	/* an explicit 0 is deprecated and counts as not given */
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
		qemu_set_err(err, errlen, "Invalid SMP CPUs %u. The max CPUs supported by machine 'virt-7.2' is %d",
			     maxcpus, VIRT_MAX_CPUS);
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

/* The CPU models QEMU 7.2's virt takes, and the compatible its DT gives each. */
static const struct {
	const char *name, *compatible;
} virt_cpus[] = {
	{ "cortex-a7", "arm,cortex-a7" },   { "cortex-a15", "arm,cortex-a15" },
	{ "cortex-a35", "arm,cortex-a35" }, { "cortex-a53", "arm,cortex-a53" },
	{ "cortex-a57", "arm,cortex-a57" }, { "cortex-a72", "arm,cortex-a72" },
	{ "cortex-a76", "arm,cortex-a76" }, { "a64fx", "arm,a64fx" },
	{ "neoverse-n1", "arm,neoverse-n1" }, { "max", "arm,cortex-a57" },
};

/* Arm CPUs QEMU knows that virt refuses. */
static const char *const other_arm_cpus[] = {
	"arm1026", "arm1136", "arm1136-r2", "arm1176", "arm11mpcore", "arm926", "arm946",
	"cortex-a8", "cortex-a9", "cortex-m0", "cortex-m3", "cortex-m33", "cortex-m4",
	"cortex-m55", "cortex-m7", "cortex-r5", "cortex-r5f", "pxa250", "pxa255", "pxa260",
	"pxa261", "pxa262", "pxa270", "pxa270-a0", "pxa270-a1", "pxa270-b0", "pxa270-b1",
	"pxa270-c0", "pxa270-c5", "sa1100", "sa1110", "ti925t",
};

int virt_parse_cpu(const struct qemu_cmdline *cmd, const char **compatible, char *err, size_t errlen)
{
	const char *name = cmd->cpu.driver ? cmd->cpu.driver : "cortex-a15";	/* virt's default */
	*compatible = NULL;
	if (!strcmp(name, "host")) {
		qemu_set_err(err, errlen, "The 'host' CPU type can only be used with KVM or HVF");
		return -EINVAL;
	}
	for (size_t i = 0; i < sizeof(virt_cpus) / sizeof(virt_cpus[0]); i++) {
		if (strcmp(name, virt_cpus[i].name))
			continue;
		/* feature switches (pmu=, sve=...) change nothing iommusim answers, but unmodelled */
		if (cmd->cpu.nopts) {
			qemu_set_err(err, errlen, "-cpu %s: CPU property '%s' is not modelled by iommusim",
				     name, cmd->cpu.opts[0].key);
			return -EINVAL;
		}
		*compatible = virt_cpus[i].compatible;
		return 0;
	}
	for (size_t i = 0; i < sizeof(other_arm_cpus) / sizeof(other_arm_cpus[0]); i++) {
		if (!strcmp(name, other_arm_cpus[i])) {
			qemu_set_err(err, errlen, "mach-virt: CPU type %s-arm-cpu not supported", name);
			return -EINVAL;
		}
	}
	qemu_set_err(err, errlen, "unable to find CPU model '%s'", name);
	return -EINVAL;
}
