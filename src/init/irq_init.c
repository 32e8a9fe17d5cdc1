/*
 * Where Linux 6.1 maps the interrupts of the DT's platform and AMBA devices
 * on QEMU's virt board, in boot order. The GIC and ITS domains are
 * hierarchical, so every mapping takes the lowest free irq number
 * (drivers/irq.c): the order below is the whole rule.
 */
#include "init/irq_init.h"
#include <libfdt.h>
#include "drivers/irq.h"
#include "fw/of.h"
#include "kconfig/kconfig.h"

/* gic_smp_init() of irq-gic.c and irq-gic-v3.c: SGIs 0-7, one block */
#define GIC_NR_IPIS 8
/* enum arch_timer_ppi_nr: secure phys, phys, virt, hyp phys, hyp virt */
#define ARCH_TIMER_MAX_TIMER_PPI 5
/* AMBA_NR_IRQS: of_amba_device_decode_irq() tries this many indices */
#define AMBA_NR_IRQS 9

static const char *const gic_compats[] = {
	"arm,gic-v3", "arm,cortex-a15-gic", "arm,gic-400", "arm,cortex-a9-gic", "arm,cortex-a7-gic",
};

static const char *const arch_timer_compats[] = { "arm,armv8-timer", "arm,armv7-timer" };

/* armv8_pmu_of_device_ids: the generic PMUv3 and the cores' own */
static const char *const armv8_pmu_compats[] = {
	"arm,armv8-pmuv3", "arm,cortex-a53-pmu", "arm,cortex-a57-pmu", "arm,cortex-a72-pmu",
	"arm,cortex-a76-pmu", "arm,neoverse-n1-pmu",
};

static const char *const arch_timer_ppi_names[ARCH_TIMER_MAX_TIMER_PPI] = {
	"sec-phys", "phys", "virt", "hyp-phys", "hyp-virt",
};

/* every node, in DT order (the order of_platform_populate() adds their devices) */
#define for_each_dt_node(fdt, node) \
	for ((node) = fdt_next_node((fdt), -1, NULL); (node) >= 0; (node) = fdt_next_node((fdt), (node), NULL))

static bool node_matches(const void *fdt, int node, const char *const *compats, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (of_device_is_compatible(fdt, node, compats[i]))
			return true;
	return false;
}

/* the first available node whose compatible is one of compats, in DT order, or -1 */
static int first_node(const void *fdt, const char *const *compats, size_t n)
{
	int node;
	for_each_dt_node(fdt, node)
		if (node_matches(fdt, node, compats, n) && of_device_is_available(fdt, node))
			return node;
	return -1;
}

/* gic_of_init() -> gic_init_bases() -> gic_smp_init(): set_smp_ipi_range()'s block */
static void gic_of_init(struct kernel *k)
{
	if (first_node(k->fdt, gic_compats, ARRAY_SIZE(gic_compats)) < 0)
		return;
	irq_create_ipis(k, GIC_NR_IPIS);
	/*
	 * gic_of_setup_kvm_info() maps the maintenance interrupt only when the
	 * kernel runs at EL2 (virtualization=on, not modelled): nothing here.
	 */
}

/* arch_timer_of_init(): every PPI the node lists, by name when it names them */
static void arch_timer_of_init(struct kernel *k)
{
	const void *fdt = k->fdt;
	int node = first_node(fdt, arch_timer_compats, ARRAY_SIZE(arch_timer_compats));
	if (node < 0)
		return;
	bool has_names = fdt_getprop(fdt, node, "interrupt-names", NULL) != NULL;
	for (int i = 0; i < ARCH_TIMER_MAX_TIMER_PPI; i++) {
		if (has_names)
			of_irq_get_byname(k, node, arch_timer_ppi_names[i]);
		else
			of_irq_get(k, node, i);
	}
}

/* amba_probe() -> of_amba_device_decode_irq(): each index up to AMBA_NR_IRQS, for every matching device */
static void amba_probe_irqs(struct kernel *k, const char *compat)
{
	const void *fdt = k->fdt;
	int node;
	for_each_dt_node(fdt, node) {
		if (!of_device_is_compatible(fdt, node, compat) ||
		    !of_device_is_compatible(fdt, node, "arm,primecell") || !of_device_is_available(fdt, node))
			continue;
		for (int i = 0; i < AMBA_NR_IRQS; i++)
			of_irq_get(k, node, i);
	}
}

/* armv8_pmu_device_probe() -> pmu_parse_irqs(): platform_irq_count() maps every entry */
static void armv8_pmu_probe_irqs(struct kernel *k)
{
	const void *fdt = k->fdt;
	int node;
	for_each_dt_node(fdt, node) {
		if (!node_matches(fdt, node, armv8_pmu_compats, ARRAY_SIZE(armv8_pmu_compats)) ||
		    !of_device_is_available(fdt, node))
			continue;
		for (int i = 0; of_irq_get(k, node, i) > 0; i++)
			;
	}
}

static bool builtin(struct kernel *k, const char *module)
{
	return kconfig_module_builtin(kernel_config(k), module);
}

void irq_init_start_kernel(struct kernel *k)
{
	if (!k->fdt)
		return;
	gic_of_init(k);
	arch_timer_of_init(k);
}

void irq_init_populated(struct kernel *k)
{
	if (k->fdt && builtin(k, "amba_pl011"))
		amba_probe_irqs(k, "arm,pl011");
}

void irq_init_device_initcall_early(struct kernel *k)
{
	if (!k->fdt)
		return;
	/* arch/arm64/kernel/perf_event.c, linked before drivers/ (ARM_PMU is not a module) */
	armv8_pmu_probe_irqs(k);
	if (builtin(k, "gpio_pl061"))
		amba_probe_irqs(k, "arm,pl061");
}

void irq_init_device_initcall_late(struct kernel *k)
{
	if (k->fdt && builtin(k, "rtc_pl031"))
		amba_probe_irqs(k, "arm,pl031");
}
