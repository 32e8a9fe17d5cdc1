/*
 * The boot sequence. What matters for the answers is the order: the IOMMU
 * core's subsys_initcall, the DT's platform devices, the built-in drivers at
 * device_initcall in link order (on 6.1: PCI before the IOMMU: pcieport, then
 * the host bridge which enumerates and defers the bridges on the missing
 * SMMU, then arm-smmu-v3), late_initcall's deferred probe, and then init
 * loading modules one by one. Which drivers are built in is the kernel
 * configuration's (src/kconfig).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "init/boot.h"
#include "init/irq_init.h"
#include "init/cmdline.h"
#include "init/early_memory.h"
#include "kconfig/kconfig.h"
#include "kversion/linux_version.h"
#include "kversion/answered_by.h"
#include "base/page_alloc.h"
#include "base/platform.h"
#include "drivers/drivers.h"
#include "drivers/hw_random.h"
#include "drivers/irq.h"
#include "drivers/nvme.h"
#include "drivers/virtio.h"
#include "dma/mapping.h"
#include "hw/system.h"
#include "hw/gic.h"
#include "hw/pci_irq.h"
#include "hw/smmuv3/smmu_hw.h"
#include "iommu/iommu.h"
#include "fw/of.h"
#include "pci/pci_dynid.h"
#include "sysfs/sysfs.h"
#include "fw/of_index.h"
#include <libfdt.h>
#include "smmuv3/arm_smmu_v3.h"
#include "smmuv3/smmu_tables.h"
#include "smmuv3/event_log.h"

const char *const default_init_modules[] = {
	"virtio_pci", "virtio_blk", "virtio_net", "virtio_mmio", "virtio_rng", "vfio_pci",
	"vfio_iommu_type1", NULL,
};

#define NSEC_PER_SEC 1000000000ULL
/* virtual times of the boot phases (the log stamps are modelled, not measured) */
#define LATE_INITCALL_NS (NSEC_PER_SEC / 2)
#define INIT_START_NS (2 * NSEC_PER_SEC)

struct kernel *kernel_boot(const struct machine *m, const struct boot_options *opts,
			   char *err, size_t errlen)
{
	struct kernel_cmdline *cmdline = calloc(1, sizeof(*cmdline));
	struct kernel *k = calloc(1, sizeof(*k));
	struct page_alloc *pages = calloc(1, sizeof(*pages));
	if (!cmdline || !k || !pages) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	k->version = opts && opts->version ? opts->version : linux_version_default();
	k->config = opts && opts->config ? opts->config : k->version->config;
	if (kconfig_check(k->config, err, errlen))
		goto fail;
	if (kernel_cmdline_parse(m->append, k->version->params, cmdline, err, errlen))
		goto fail;
	klog_init(&k->log);
	k->machine = m;
	k->fdt = m->fdt;
	if (m->fdt)
		of_index_attach(m->fdt);
	k->nr_cpu_ids = of_count_cpus(m->fdt);
	k->cmdline = cmdline;
	k->deferred_probe_timeout = cmdline->deferred_probe_timeout;
	/* the board realizes every device before the kernel runs (QEMU fails at startup) */
	k->hw = hw_system_realize(m, err, errlen);
	if (!k->hw)
		goto fail;
	/* setup_arch(): parse_early_param()'s complaints, then the early memory layout */
	kernel_cmdline_log(k, cmdline, m->append, true);
	/* setup_arch(): the early memory layout, up to the CMA area */
	struct memblock mb;
	struct early_mm mm;
	if (early_memory_setup_arch(k, &mb, &mm)) {
		memblock_destroy(&mb);
		snprintf(err, errlen, "out of memory");
		goto fail;
	}

	/*
	 * setup_arch()'s lines (the CMA area) are stamped 0.000000, as on
	 * Linux before sched_clock runs; the clock starts at the command line.
	 */
	k->log.clock_ns = 0;
	kernel_cmdline_log(k, cmdline, m->append, false);
	/* start_kernel() up to mm_init(), whose mem_init() makes the swiotlb pool */
	early_memory_start_kernel(k, &mb, &mm);
	dma_subsys_init(k, &mb);
	/*
	 * memblock_free_all(): the kernel's own allocations come from what is
	 * left, above the lowest quarter of RAM (kept for the scripts' buffers)
	 */
	struct guest_mem *mem = k->hw->mem;
	int freed = early_memory_free_all(&mb, &mm, pages, guest_mem_base(mem) + guest_mem_size(mem) / 4);
	memblock_destroy(&mb);
	k->pages = pages;
	if (freed) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (k->hw->smmu)
		smmu_stats_register_debugfs();
	msi_debugfs_init();
	answered_by_register_debugfs();
	iommufd_register_debugfs();
	/* start_kernel(): init_IRQ() and time_init() map the IPIs and the timer's PPIs */
	struct irq_init_nodes irq_nodes;
	irq_init_scan(k, &irq_nodes);
	irq_init_start_kernel(k, &irq_nodes);
	/* subsys_initcall */
	iommu_subsys_init(k, cmdline->iommu_passthrough, cmdline->iommu_strict);
	/* arch_initcall_sync: of_platform_default_populate_init */
	if (m->fdt)
		of_platform_populate(k);
	irq_init_populated(k, &irq_nodes);
	/* device_initcall: the built-in drivers, in link order */
	irq_init_device_initcall_early(k, &irq_nodes);
	driver_initcalls(k);
	irq_init_device_initcall_late(k, &irq_nodes);
	/* the work the built-in drivers' probes left going (nvme's reset works) */
	nvme_flush_work(k);
	/* late_initcall */
	if (k->log.clock_ns < LATE_INITCALL_NS)
		k->log.clock_ns = LATE_INITCALL_NS;
	deferred_probe_initcall(k);

	/*
	 * kernel_init(): async_synchronize_full() waits for the async probes
	 * (nvme's waits for its reset work, and so for a command's timeout)
	 */
	nvme_async_synchronize(k);
	/* init */
	if (k->log.clock_ns < INIT_START_NS)
		k->log.clock_ns = INIT_START_NS;
	const char *const *mods = opts && opts->init_modules ? opts->init_modules : default_init_modules;
	for (; *mods; mods++)
		modprobe(k, *mods);
	return k;
fail:
	if (k) {
		dma_subsys_exit(k);
		hw_system_free(k->hw);
	}
	if (pages)
		page_alloc_destroy(pages);
	if (cmdline)
		kernel_cmdline_free(cmdline);
	free(cmdline);
	free(pages);
	free(k);
	return NULL;
}

void kernel_sleep(struct kernel *k, u64 ns)
{
	u64 target = k->log.clock_ns + ns;
	/* delayed work runs at its own time, not at the end of the sleep */
	if (k->deferred_timeout_at_ns && k->deferred_timeout_at_ns <= target &&
	    k->deferred_timeout_at_ns > k->log.clock_ns)
		k->log.clock_ns = k->deferred_timeout_at_ns;
	driver_core_tick(k);
	if (k->log.clock_ns < target)
		k->log.clock_ns = target;
	/* dma-iommu's flush-queue timers (10 ms) that expired meanwhile */
	iommu_dma_run_fq_timers(k);
	/* command timeouts of the nvme controllers */
	nvme_tick(k);
	/* the hwrng fill thread's reseed sleeps that ended */
	hwrng_tick(k);
}

void kernel_free(struct kernel *k)
{
	if (!k)
		return;
	dma_subsys_exit(k);
	for (size_t i = k->ndevices; i-- > 0;)
		iommu_release_device(k->devices[i]);
	nvme_devices_free(k);
	virtio_devices_free(k);
	hwrng_core_free(k);
	irq_core_free(k);
	iommu_core_free(k);
	pci_host_free(k->pci);
	pci_free_dynids(k, NULL);
	platform_devices_free(k);
	modules_free(k);
	if (k->smmu) {
		struct arm_smmu_device *smmu = k->smmu;
		arm_smmu_free_structures(smmu);
		arm_smmu_event_log_free(smmu);
		free(smmu->streams);
		free(smmu);
	}
	hw_system_free(k->hw);
	if (k->pages) {
		page_alloc_destroy(k->pages);
		free(k->pages);
	}
	if (k->cmdline) {
		kernel_cmdline_free(k->cmdline);
		free(k->cmdline);
	}
	free(k->devices);
	free(k->drivers);
	free(k->deferred);
	klog_free(&k->log);
	if (k->fdt)
		of_index_detach(k->fdt);
	free(k);
}
