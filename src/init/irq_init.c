/*
 * Where Linux maps the interrupts of the DT's platform and AMBA devices on
 * QEMU's virt board, in boot order. The GIC and ITS domains are
 * hierarchical, so every mapping takes the lowest free irq number
 * (drivers/irq.c): the order below is the whole rule, and where a kernel
 * runs a driver elsewhere its irq_init_version says so.
 */
#include "init/irq_init.h"
#include <libfdt.h>
#include <string.h>
#include <strings.h>
#include "drivers/irq.h"
#include "fw/of.h"
#include "init/irq_init_version.h"
#include "kconfig/kconfig.h"
#include "kversion/linux_version.h"

/* gic_smp_init() of irq-gic.c and irq-gic-v3.c: SGIs 0-7, one block */
#define GIC_NR_IPIS 8
/* enum arch_timer_ppi_nr: secure phys, phys, virt, hyp phys, hyp virt */
#define ARCH_TIMER_MAX_TIMER_PPI 5
/* AMBA_NR_IRQS: of_amba_device_decode_irq() tries this many indices */
#define AMBA_NR_IRQS 9

static const char *const gic_compats[] = {
	"arm,gic-v3", "arm,cortex-a15-gic", "arm,gic-400", "arm,cortex-a9-gic", "arm,cortex-a7-gic", NULL,
};

static const char *const arch_timer_compats[] = { "arm,armv8-timer", "arm,armv7-timer", NULL };

/* armv8_pmu_of_device_ids: the generic PMUv3 and the cores' own */
static const char *const armv8_pmu_compats[] = {
	"arm,armv8-pmuv3", "arm,cortex-a53-pmu", "arm,cortex-a57-pmu", "arm,cortex-a72-pmu",
	"arm,cortex-a76-pmu", "arm,neoverse-n1-pmu", NULL,
};

static const char *const arch_timer_ppi_names[ARCH_TIMER_MAX_TIMER_PPI] = {
	"sec-phys", "phys", "virt", "hyp-phys", "hyp-virt",
};

/* of_device_is_compatible() against one of compats, on a compatible list read once */
static bool list_has(const char *list, int len, const char *const *compats)
{
	for (const char *p = list, *end = list + len; p < end; p += strnlen(p, (size_t)(end - p)) + 1)
		for (const char *const *c = compats; *c; c++)
			if (!strcasecmp(p, *c))
				return true;
	return false;
}

static void add_node(int *nodes, unsigned *n, int node)
{
	if (*n < IRQ_INIT_MAX_NODES)
		nodes[(*n)++] = node;
}

void irq_init_scan(struct kernel *k, struct irq_init_nodes *n)
{
	static const char *const pl011[] = { "arm,pl011", NULL }, *const pl061[] = { "arm,pl061", NULL },
				 *const pl031[] = { "arm,pl031", NULL }, *const primecell[] = { "arm,primecell", NULL };
	memset(n, 0, sizeof(*n));
	n->gic = n->timer = -1;
	const void *fdt = k->fdt;
	if (!fdt)
		return;
	for (int node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
		int len;
		const char *list = fdt_getprop(fdt, node, "compatible", &len);
		if (!list || len <= 0 || list[len - 1] || !of_device_is_available(fdt, node))
			continue;
		if (n->gic < 0 && list_has(list, len, gic_compats))
			n->gic = node;
		else if (n->timer < 0 && list_has(list, len, arch_timer_compats))
			n->timer = node;
		else if (list_has(list, len, armv8_pmu_compats))
			add_node(n->pmu, &n->npmu, node);
		else if (!list_has(list, len, primecell))
			continue;	/* amba_match() wants an AMBA device */
		else if (list_has(list, len, pl011))
			add_node(n->pl011, &n->npl011, node);
		else if (list_has(list, len, pl061))
			add_node(n->pl061, &n->npl061, node);
		else if (list_has(list, len, pl031))
			add_node(n->pl031, &n->npl031, node);
	}
}

/* gic_of_init() -> gic_init_bases() -> gic_smp_init(): set_smp_ipi_range()'s block */
static void gic_of_init(struct kernel *k, const struct irq_init_nodes *n)
{
	if (n->gic < 0)
		return;
	irq_create_ipis(k, GIC_NR_IPIS);
	/*
	 * gic_of_setup_kvm_info() maps the maintenance interrupt only when the
	 * kernel runs at EL2 (virtualization=on, not modelled): nothing here.
	 */
}

/* arch_timer_of_init(): every PPI the node lists, by name when it names them */
static void arch_timer_of_init(struct kernel *k, const struct irq_init_nodes *n)
{
	if (n->timer < 0)
		return;
	bool has_names = fdt_getprop(k->fdt, n->timer, "interrupt-names", NULL) != NULL;
	for (int i = 0; i < ARCH_TIMER_MAX_TIMER_PPI; i++) {
		if (has_names)
			of_irq_get_byname(k, n->timer, arch_timer_ppi_names[i]);
		else
			of_irq_get(k, n->timer, i);
	}
}

/* amba_probe() -> of_amba_device_decode_irq(): each index up to AMBA_NR_IRQS, device by device */
static void amba_probe_irqs(struct kernel *k, const int *nodes, unsigned count)
{
	for (unsigned d = 0; d < count; d++)
		for (int i = 0; i < AMBA_NR_IRQS; i++)
			of_irq_get(k, nodes[d], i);
}

/* armv8_pmu_device_probe() -> pmu_parse_irqs(): platform_irq_count() maps every entry */
static void armv8_pmu_probe_irqs(struct kernel *k, const struct irq_init_nodes *n)
{
	for (unsigned d = 0; d < n->npmu; d++)
		for (int i = 0; of_irq_get(k, n->pmu[d], i) > 0; i++)
			;
}

static bool builtin(struct kernel *k, const char *module)
{
	return kconfig_module_builtin(kernel_config(k), module);
}

void irq_init_start_kernel(struct kernel *k, const struct irq_init_nodes *n)
{
	gic_of_init(k, n);
	arch_timer_of_init(k, n);
}

void irq_init_populated(struct kernel *k, const struct irq_init_nodes *n)
{
	if (builtin(k, "amba_pl011"))
		amba_probe_irqs(k, n->pl011, n->npl011);
}

static bool pmu_after_drivers(const struct kernel *k)
{
	return kernel_version(k)->irq_init->armv8_pmu_after_drivers;
}

void irq_init_device_initcall_early(struct kernel *k, const struct irq_init_nodes *n)
{
	/* 6.1's arch/arm64/kernel/perf_event.c, linked before drivers/ (ARM_PMU is not a module) */
	if (!pmu_after_drivers(k))
		armv8_pmu_probe_irqs(k, n);
	if (builtin(k, "gpio_pl061"))
		amba_probe_irqs(k, n->pl061, n->npl061);
}

void irq_init_device_initcall_late(struct kernel *k, const struct irq_init_nodes *n)
{
	if (builtin(k, "rtc_pl031"))
		amba_probe_irqs(k, n->pl031, n->npl031);
	/* 7.3's drivers/perf/arm_pmuv3.c, linked after drivers/rtc */
	if (pmu_after_drivers(k))
		armv8_pmu_probe_irqs(k, n);
}
