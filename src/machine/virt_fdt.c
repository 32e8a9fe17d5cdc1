/*
 * The device tree QEMU's virt machine hands the kernel (7.2's; 10.0 adds a
 * root dma-coherent and /aliases: virt_fdt_cfg says which), written with
 * libfdt's sequential-write API. QEMU builds it with fdt_add_subnode, which
 * puts each new node first, so its final order is the reverse of creation
 * order; we write the nodes in that final order directly.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>

#include "machine/virt_internal.h"

/* include/hw/arm/fdt.h, target/arm timer/PMU PPIs */
#define GIC_FDT_IRQ_TYPE_SPI 0
#define GIC_FDT_IRQ_TYPE_PPI 1
#define GIC_FDT_IRQ_FLAGS_EDGE_LO_HI 1
#define GIC_FDT_IRQ_FLAGS_LEVEL_HI 4
#define GIC_FDT_IRQ_PPI_CPU_START 8
#define ARCH_TIMER_VIRT_IRQ 11
#define ARCH_TIMER_S_EL1_IRQ 13
#define ARCH_TIMER_NS_EL1_IRQ 14
#define ARCH_TIMER_NS_EL2_IRQ 10
#define VIRTUAL_PMU_IRQ 7
/* FDT_PCI_RANGE_* (phys.hi space codes) */
#define FDT_PCI_RANGE_IOPORT 0x01000000
#define FDT_PCI_RANGE_MMIO 0x02000000
#define FDT_PCI_RANGE_MMIO_64BIT 0x03000000
/* PSCI 0.2 function ids used by QEMU's node (64-bit variants) */
#define PSCI_FN64_CPU_SUSPEND 0xc4000001
#define PSCI_FN_CPU_OFF 0x84000002
#define PSCI_FN64_CPU_ON 0xc4000003
#define PSCI_FN64_MIGRATE 0xc4000005

/* libfdt sequential write; every call's error is folded into w->err */
struct fdtw {
	void *fdt;
	int err;
};

static void chk(struct fdtw *w, int r)
{
	if (r < 0 && !w->err)
		w->err = r;
}

static void begin(struct fdtw *w, const char *fmt, ...)
{
	char name[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	chk(w, fdt_begin_node(w->fdt, name));
}

static void end(struct fdtw *w)
{
	chk(w, fdt_end_node(w->fdt));
}

static void pstr(struct fdtw *w, const char *name, const char *s)
{
	chk(w, fdt_property_string(w->fdt, name, s));
}

/* a string list: NUL-separated, sizeof() of a literal with embedded NULs */
static void pstrs(struct fdtw *w, const char *name, const char *s, size_t len)
{
	chk(w, fdt_property(w->fdt, name, s, (int)len));
}

static void pempty(struct fdtw *w, const char *name)
{
	chk(w, fdt_property(w->fdt, name, NULL, 0));
}

static void pcell(struct fdtw *w, const char *name, u32 v)
{
	chk(w, fdt_property_u32(w->fdt, name, v));
}

static void pcells_arr(struct fdtw *w, const char *name, const u32 *v, int n)
{
	fdt32_t be[4 * 4 * 10];

	if (n > (int)ARRAY_SIZE(be)) {
		chk(w, -FDT_ERR_INTERNAL);
		return;
	}
	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(v[i]);
	chk(w, fdt_property(w->fdt, name, be, n * (int)sizeof(fdt32_t)));
}

#define pcells(w, name, ...)                                              \
	do {                                                              \
		const u32 _c[] = { __VA_ARGS__ };                         \
		pcells_arr(w, name, _c, (int)ARRAY_SIZE(_c));             \
	} while (0)

#define HI(x) ((u32)((u64)(x) >> 32))
#define LO(x) ((u32)(x))

/* reg = <addr size> with 2 address and 2 size cells */
static void preg(struct fdtw *w, u64 base, u64 size)
{
	pcells(w, "reg", HI(base), LO(base), HI(size), LO(size));
}

/* The legacy PCI INTx swizzle map: 4 slots x 4 pins (create_pcie_irq_map). */
static void pcie_irq_map(struct fdtw *w, u32 gic_phandle)
{
	u32 map[4 * 4 * 10];
	u32 *m = map;

	for (int devfn = 0; devfn <= 0x18; devfn += 0x8) {
		for (int pin = 0; pin < 4; pin++) {
			const u32 e[10] = {
				(u32)devfn << 8, 0, 0, (u32)pin + 1, gic_phandle, 0, 0,
				GIC_FDT_IRQ_TYPE_SPI,
				VIRT_IRQ_PCIE + (u32)((pin + PCI_SLOT(devfn)) % 4),
				GIC_FDT_IRQ_FLAGS_LEVEL_HI,
			};

			memcpy(m, e, sizeof(e));
			m += 10;
		}
	}
	pcells_arr(w, "interrupt-map", map, (int)ARRAY_SIZE(map));
	/* PCI_DEVFN(3, 0) byte-swapped to 16 bits, as QEMU writes it */
	pcells(w, "interrupt-map-mask", 0x1800, 0, 0, 7);
}

/* /cpus/cpu-map: socketS/clusterC/coreN[/threadT] nodes pointing at each CPU. */
static void virt_fdt_cpu_map(struct fdtw *w, const struct virt_cpu_topology *t, unsigned ncpus,
			     u32 cpu_ph0)
{
	struct virt_cpu_topology one = { .cpus = 1, .sockets = 1, .clusters = 1, .cores = 1, .threads = 1 };
	if (!t)
		t = &one;
	unsigned depth = t->threads > 1 ? 4 : 3, open = 0, cur[4] = { 0 };
	static const char *const level[4] = { "socket", "cluster", "core", "thread" };
	for (unsigned i = 0; i < ncpus; i++) {
		unsigned idx[4] = {
			i / (t->clusters * t->cores * t->threads),
			i / (t->cores * t->threads) % t->clusters,
			i / t->threads % t->cores,
			i % t->threads,
		};
		/* close the levels that change, then open the new path below them */
		unsigned same = 0;
		while (same < open && idx[same] == cur[same])
			same++;
		for (; open > same; open--)
			end(w);
		for (; open < depth; open++) {
			char name[24];
			snprintf(name, sizeof(name), "%s%u", level[open], idx[open]);
			begin(w, name);
			cur[open] = idx[open];
		}
		pcell(w, "cpu", cpu_ph0 - i);
		/* the leaf holds one CPU: the next one opens its own */
		end(w);
		open--;
	}
	for (; open > 0; open--)
		end(w);
}

int virt_fdt_build(const struct virt_fdt_cfg *cfg, void **out, size_t *size)
{
	/* phandles as qemu_fdt_alloc_phandle hands them out, from 0x8000 (phandle-start) */
	u32 ph = cfg->phandle_start ? cfg->phandle_start : 0x8000;
	const u32 clk_ph = ph++;
	/* one phandle per CPU, handed out from the last CPU down (none without cpu-map) */
	const unsigned ncpus = cfg->cpus ? cfg->cpus->cpus : 1;
	const u32 cpu_ph0 = ph + ncpus - 1;	/* cpu@i has cpu_ph0 - i */
	if (!cfg->no_cpu_map)
		ph += ncpus;
	const u32 gic_ph = ph++;
	const bool has_msi = cfg->gic_version == 2 || cfg->its;
	const u32 msi_ph = has_msi ? ph++ : 0;
	const u32 smmu_ph = cfg->smmu ? ph++ : 0;
	const u32 gpio_ph = ph++;
	/* PPIs on GICv2 carry a CPU mask (one CPU here) */
	const u32 ppi_flags = GIC_FDT_IRQ_FLAGS_LEVEL_HI |
		(cfg->gic_version == 2 ? (((1u << ncpus) - 1) & 0xff) << GIC_FDT_IRQ_PPI_CPU_START : 0);
	const size_t cap = 64 * 1024 + (size_t)ncpus * 512;
	struct fdtw w = { .fdt = calloc(1, cap) };

	if (!w.fdt)
		return -ENOMEM;
	chk(&w, fdt_create(w.fdt, (int)cap));
	chk(&w, fdt_finish_reservemap(w.fdt));

	begin(&w, "");
	pcell(&w, "interrupt-parent", gic_ph);
	/* QEMU 9.2 on: all of virt's DMA is coherent, said once at the root */
	if (cfg->root_dma_coherent)
		pempty(&w, "dma-coherent");
	pstr(&w, "model", "linux,dummy-virt");
	pcell(&w, "#size-cells", 2);
	pcell(&w, "#address-cells", 2);
	pstr(&w, "compatible", cfg->dt_compatible ? cfg->dt_compatible : "linux,dummy-virt");

	begin(&w, "psci");
	pcell(&w, "migrate", PSCI_FN64_MIGRATE);
	pcell(&w, "cpu_on", PSCI_FN64_CPU_ON);
	pcell(&w, "cpu_off", PSCI_FN_CPU_OFF);
	pcell(&w, "cpu_suspend", PSCI_FN64_CPU_SUSPEND);
	pstr(&w, "method", "hvc");
	{
		static const char c[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
		pstrs(&w, "compatible", c, sizeof(c));
	}
	end(&w);

	begin(&w, "memory@%llx", (unsigned long long)VIRT_RAM_BASE);
	preg(&w, VIRT_RAM_BASE, cfg->ram_size);
	pstr(&w, "device_type", "memory");
	end(&w);

	begin(&w, "platform-bus@%llx", (unsigned long long)VIRT_PLATFORM_BUS_BASE);
	pcell(&w, "interrupt-parent", gic_ph);
	pcells(&w, "ranges", 0, 0, LO(VIRT_PLATFORM_BUS_BASE), LO(VIRT_PLATFORM_BUS_SIZE));
	pcell(&w, "#address-cells", 1);
	pcell(&w, "#size-cells", 1);
	{
		static const char c[] = "qemu,platform\0simple-bus";
		pstrs(&w, "compatible", c, sizeof(c));
	}
	end(&w);

	begin(&w, "fw-cfg@%llx", (unsigned long long)VIRT_FW_CFG_BASE);
	pempty(&w, "dma-coherent");
	preg(&w, VIRT_FW_CFG_BASE, 0x18);
	pstr(&w, "compatible", "qemu,fw-cfg-mmio");
	end(&w);

	for (int i = 0; i < VIRT_MMIO_TRANSPORTS; i++) {
		u64 base = VIRT_MMIO_BASE + (u64)i * VIRT_MMIO_STRIDE;

		begin(&w, "virtio_mmio@%llx", (unsigned long long)base);
		pempty(&w, "dma-coherent");
		pcells(&w, "interrupts", GIC_FDT_IRQ_TYPE_SPI, VIRT_IRQ_MMIO + (u32)i,
		       GIC_FDT_IRQ_FLAGS_EDGE_LO_HI);
		preg(&w, base, VIRT_MMIO_STRIDE);
		pstr(&w, "compatible", "virtio,mmio");
		end(&w);
	}

	begin(&w, "gpio-keys");
	pstr(&w, "compatible", "gpio-keys");
	begin(&w, "poweroff");
	pcells(&w, "gpios", gpio_ph, 3, 0);
	pcell(&w, "linux,code", 116);	/* KEY_POWER */
	pstr(&w, "label", "GPIO Key Poweroff");
	end(&w);
	end(&w);

	begin(&w, "pl061@%llx", (unsigned long long)VIRT_GPIO_BASE);
	pcell(&w, "phandle", gpio_ph);
	pstr(&w, "clock-names", "apb_pclk");
	pcell(&w, "clocks", clk_ph);
	pcells(&w, "interrupts", GIC_FDT_IRQ_TYPE_SPI, VIRT_IRQ_GPIO, GIC_FDT_IRQ_FLAGS_LEVEL_HI);
	pempty(&w, "gpio-controller");
	pcell(&w, "#gpio-cells", 2);
	{
		static const char c[] = "arm,pl061\0arm,primecell";
		pstrs(&w, "compatible", c, sizeof(c));
	}
	preg(&w, VIRT_GPIO_BASE, 0x1000);
	end(&w);

	if (cfg->smmu) {
		static const char names[] = "eventq\0priq\0cmdq-sync\0gerror";

		begin(&w, "smmuv3@%llx", (unsigned long long)VIRT_SMMU_BASE);
		pcell(&w, "phandle", smmu_ph);
		pcell(&w, "#iommu-cells", 1);
		pempty(&w, "dma-coherent");
		pstrs(&w, "interrupt-names", names, sizeof(names));
		pcells(&w, "interrupts",
		       GIC_FDT_IRQ_TYPE_SPI, VIRT_IRQ_SMMU + 0, GIC_FDT_IRQ_FLAGS_EDGE_LO_HI,
		       GIC_FDT_IRQ_TYPE_SPI, VIRT_IRQ_SMMU + 1, GIC_FDT_IRQ_FLAGS_EDGE_LO_HI,
		       GIC_FDT_IRQ_TYPE_SPI, VIRT_IRQ_SMMU + 2, GIC_FDT_IRQ_FLAGS_EDGE_LO_HI,
		       GIC_FDT_IRQ_TYPE_SPI, VIRT_IRQ_SMMU + 3, GIC_FDT_IRQ_FLAGS_EDGE_LO_HI);
		preg(&w, VIRT_SMMU_BASE, VIRT_SMMU_SIZE);
		pstr(&w, "compatible", "arm,smmu-v3");
		end(&w);
	}

	begin(&w, "pcie@%llx", (unsigned long long)VIRT_PCIE_MMIO_BASE);
	/* the SMMU translates every RID of the host bridge 1:1 into StreamIDs */
	if (cfg->smmu)
		pcells(&w, "iommu-map", 0, smmu_ph, 0, 0x10000);
	pcell(&w, "#interrupt-cells", 1);
	pcie_irq_map(&w, gic_ph);
	pcells(&w, "ranges",
	       FDT_PCI_RANGE_IOPORT, 0, 0,
	       HI(VIRT_PCIE_PIO_BASE), LO(VIRT_PCIE_PIO_BASE),
	       HI(VIRT_PCIE_PIO_SIZE), LO(VIRT_PCIE_PIO_SIZE),
	       FDT_PCI_RANGE_MMIO, HI(VIRT_PCIE_MMIO_BASE), LO(VIRT_PCIE_MMIO_BASE),
	       HI(VIRT_PCIE_MMIO_BASE), LO(VIRT_PCIE_MMIO_BASE),
	       HI(VIRT_PCIE_MMIO_SIZE), LO(VIRT_PCIE_MMIO_SIZE),
	       FDT_PCI_RANGE_MMIO_64BIT,
	       HI(VIRT_HIGH_PCIE_MMIO_BASE), LO(VIRT_HIGH_PCIE_MMIO_BASE),
	       HI(VIRT_HIGH_PCIE_MMIO_BASE), LO(VIRT_HIGH_PCIE_MMIO_BASE),
	       HI(VIRT_HIGH_PCIE_MMIO_SIZE), LO(VIRT_HIGH_PCIE_MMIO_SIZE));
	preg(&w, VIRT_HIGH_PCIE_ECAM_BASE, VIRT_HIGH_PCIE_ECAM_SIZE);
	/* QEMU 7.2: msi-map (identity RID -> DeviceID), for ITS and v2m alike */
	if (has_msi)
		pcells(&w, "msi-map", 0, msi_ph, 0, 0x10000);
	pempty(&w, "dma-coherent");
	/* one bus per MiB of ECAM */
	pcells(&w, "bus-range", 0, (u32)(VIRT_HIGH_PCIE_ECAM_SIZE >> 20) - 1);
	pcell(&w, "linux,pci-domain", 0);
	pcell(&w, "#size-cells", 2);
	pcell(&w, "#address-cells", 3);
	pstr(&w, "device_type", "pci");
	pstr(&w, "compatible", "pci-host-ecam-generic");
	end(&w);

	begin(&w, "pl031@%llx", (unsigned long long)VIRT_RTC_BASE);
	pstr(&w, "clock-names", "apb_pclk");
	pcell(&w, "clocks", clk_ph);
	pcells(&w, "interrupts", GIC_FDT_IRQ_TYPE_SPI, VIRT_IRQ_RTC, GIC_FDT_IRQ_FLAGS_LEVEL_HI);
	preg(&w, VIRT_RTC_BASE, 0x1000);
	{
		static const char c[] = "arm,pl031\0arm,primecell";
		pstrs(&w, "compatible", c, sizeof(c));
	}
	end(&w);

	begin(&w, "pl011@%llx", (unsigned long long)VIRT_UART_BASE);
	{
		static const char cn[] = "uartclk\0apb_pclk";
		static const char c[] = "arm,pl011\0arm,primecell";

		pstrs(&w, "clock-names", cn, sizeof(cn));
		pcells(&w, "clocks", clk_ph, clk_ph);
		pcells(&w, "interrupts", GIC_FDT_IRQ_TYPE_SPI, VIRT_IRQ_UART,
		       GIC_FDT_IRQ_FLAGS_LEVEL_HI);
		preg(&w, VIRT_UART_BASE, 0x1000);
		pstrs(&w, "compatible", c, sizeof(c));
	}
	end(&w);

	begin(&w, "pmu");
	pcells(&w, "interrupts", GIC_FDT_IRQ_TYPE_PPI, VIRTUAL_PMU_IRQ, ppi_flags);
	pstr(&w, "compatible", "arm,armv8-pmuv3");
	end(&w);

	begin(&w, "intc@%llx", (unsigned long long)VIRT_GIC_DIST_BASE);
	pcell(&w, "phandle", gic_ph);
	if (cfg->gic_version == 2) {
		pcells(&w, "reg",
		       HI(VIRT_GIC_DIST_BASE), LO(VIRT_GIC_DIST_BASE),
		       HI(VIRT_GIC_DIST_SIZE), LO(VIRT_GIC_DIST_SIZE),
		       HI(VIRT_GIC_CPU_BASE), LO(VIRT_GIC_CPU_BASE),
		       HI(VIRT_GIC_CPU_SIZE), LO(VIRT_GIC_CPU_SIZE));
		/* 'cortex-a15-gic' means GICv2 */
		pstr(&w, "compatible", "arm,cortex-a15-gic");
	} else {
		pcells(&w, "reg",
		       HI(VIRT_GIC_DIST_BASE), LO(VIRT_GIC_DIST_BASE),
		       HI(VIRT_GIC_DIST_SIZE), LO(VIRT_GIC_DIST_SIZE),
		       HI(VIRT_GIC_REDIST_BASE), LO(VIRT_GIC_REDIST_BASE),
		       HI(VIRT_GIC_REDIST_SIZE), LO(VIRT_GIC_REDIST_SIZE));
		pcell(&w, "#redistributor-regions", 1);
		pstr(&w, "compatible", "arm,gic-v3");
	}
	pempty(&w, "ranges");
	pcell(&w, "#size-cells", 2);
	pcell(&w, "#address-cells", 2);
	pempty(&w, "interrupt-controller");
	pcell(&w, "#interrupt-cells", 3);
	if (cfg->gic_version == 2) {
		begin(&w, "v2m@%llx", (unsigned long long)VIRT_GIC_V2M_BASE);
		pcell(&w, "phandle", msi_ph);
		preg(&w, VIRT_GIC_V2M_BASE, VIRT_GIC_V2M_SIZE);
		pempty(&w, "msi-controller");
		pstr(&w, "compatible", "arm,gic-v2m-frame");
		end(&w);
	} else if (cfg->its) {
		begin(&w, "its@%llx", (unsigned long long)VIRT_GIC_ITS_BASE);
		pcell(&w, "phandle", msi_ph);
		preg(&w, VIRT_GIC_ITS_BASE, VIRT_GIC_ITS_SIZE);
		pcell(&w, "#msi-cells", 1);
		pempty(&w, "msi-controller");
		pstr(&w, "compatible", "arm,gic-v3-its");
		end(&w);
	}
	end(&w);

	begin(&w, "flash@0");
	pcell(&w, "bank-width", 4);
	pcells(&w, "reg", 0, 0, 0, 0x04000000, 0, 0x04000000, 0, 0x04000000);
	pstr(&w, "compatible", "cfi-flash");
	end(&w);

	begin(&w, "cpus");
	pcell(&w, "#size-cells", 0);
	pcell(&w, "#address-cells", 1);
	/* virt-6.1 and older (no_cpu_topology): no cpu-map, and no phandles for the CPUs */
	if (!cfg->no_cpu_map) {
		begin(&w, "cpu-map");
		virt_fdt_cpu_map(&w, cfg->cpus, ncpus, cpu_ph0);
		end(&w);
	}
	for (unsigned i = 0; i < ncpus; i++) {
		char name[32];
		/* virt_cpu_mp_affinity(): Aff0 clusters of 8 CPUs on GICv2, 16 on GICv3 */
		unsigned clustersz = cfg->gic_version == 2 ? 8 : 16;
		snprintf(name, sizeof(name), "cpu@%u", i);
		begin(&w, name);
		if (!cfg->no_cpu_map)
			pcell(&w, "phandle", cpu_ph0 - i);
		pcell(&w, "reg", (i / clustersz) << 8 | i % clustersz);
		if (ncpus > 1)
			pstr(&w, "enable-method", "psci");
		pstr(&w, "compatible", cfg->cpu_compatible ? cfg->cpu_compatible : "arm,cortex-a15");
		pstr(&w, "device_type", "cpu");
		end(&w);
	}
	end(&w);

	begin(&w, "timer");
	pcells(&w, "interrupts",
	       GIC_FDT_IRQ_TYPE_PPI, ARCH_TIMER_S_EL1_IRQ, ppi_flags,
	       GIC_FDT_IRQ_TYPE_PPI, ARCH_TIMER_NS_EL1_IRQ, ppi_flags,
	       GIC_FDT_IRQ_TYPE_PPI, ARCH_TIMER_VIRT_IRQ, ppi_flags,
	       GIC_FDT_IRQ_TYPE_PPI, ARCH_TIMER_NS_EL2_IRQ, ppi_flags);
	pempty(&w, "always-on");
	{
		static const char c[] = "arm,armv8-timer\0arm,armv7-timer";
		pstrs(&w, "compatible", c, sizeof(c));
	}
	end(&w);

	begin(&w, "apb-pclk");
	pcell(&w, "phandle", clk_ph);
	pstr(&w, "clock-output-names", "clk24mhz");
	pcell(&w, "clock-frequency", 24000000);
	pcell(&w, "#clock-cells", 0);
	pstr(&w, "compatible", "fixed-clock");
	end(&w);

	/* QEMU 9.2 on: the console UART is serial0 */
	if (cfg->serial_alias) {
		char path[32];

		snprintf(path, sizeof(path), "/pl011@%llx", (unsigned long long)VIRT_UART_BASE);
		begin(&w, "aliases");
		pstr(&w, "serial0", path);
		end(&w);
	}

	begin(&w, "chosen");
	{
		char path[32];

		snprintf(path, sizeof(path), "/pl011@%llx", (unsigned long long)VIRT_UART_BASE);
		pstr(&w, "stdout-path", path);
	}
	/* arm_load_dtb sets bootargs only for a non-empty -append */
	if (cfg->append && *cfg->append)
		pstr(&w, "bootargs", cfg->append);
	end(&w);

	end(&w);	/* root */
	chk(&w, fdt_finish(w.fdt));
	if (w.err) {
		free(w.fdt);
		return w.err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL;
	}
	*size = fdt_totalsize(w.fdt);
	{
		void *shrunk = realloc(w.fdt, *size);

		*out = shrunk ? shrunk : w.fdt;
	}
	return 0;
}
