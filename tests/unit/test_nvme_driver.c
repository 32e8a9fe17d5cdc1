/*
 * Linux 6.1's nvme driver on QEMU 7.2's controller, booted from command
 * lines: probe order and groups, the queues from the CPUs and the
 * controller, the disk's limits, I/O through the SMMU, INTx without an MSI
 * controller, unbind and rebind, the properties QEMU checks, and an admin
 * queue whose DMA faults in another device's domain timing out.
 */
#include <stdio.h>
#include <unistd.h>
#include "boot_util.h"
#include "drivers/nvme.h"
#include "hw/nvme_dev.h"
#include "hw/system.h"

#define NVME_RP "-M virt,iommu=smmuv3 -smp 2 -device pcie-root-port,id=rp1,chassis=1 " \
		"-drive if=none,id=nv,file=null-co://,format=raw -device nvme,drive=nv,serial=x,bus=rp1"

static bool logged(struct iommusim *sim, const char *text)
{
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		if (strstr(klog_line(&sim->k->log, i), text))
			return true;
	return false;
}

/* the index of the first log line containing text, or -1 */
static long log_index(struct iommusim *sim, const char *text)
{
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		if (strstr(klog_line(&sim->k->log, i), text))
			return (long)i;
	return -1;
}

static char *cat(struct iommusim *sim, const char *path)
{
	char line[256];
	snprintf(line, sizeof(line), "cat %s\n", path);
	return run(sim, line);
}

static void assert_file(struct iommusim *sim, const char *path, const char *want)
{
	char *o = cat(sim, path);
	cr_assert_str_eq(o, want, "%s", path);
	free(o);
}

Test(nvme_driver, behind_a_root_port_it_probes_before_its_port)
{
	struct iommusim *sim = boot_ok(NVME_RP);
	struct pci_dev *p = pdev_of(sim, "0000:01:00.0");
	cr_assert_not_null(p->dev.driver);
	cr_assert_str_eq(p->dev.driver->name, "nvme");
	/* built in, registered after the SMMU: its group first; pcieport's at late_initcall */
	cr_assert_eq(group_of(sim, "0000:01:00.0"), 0);
	cr_assert_eq(group_of(sim, "0000:00:02.0"), 1);
	cr_assert_eq(*p->dev.dma_mask, DMA_BIT_MASK(64));
	cr_assert_eq(p->dev.coherent_dma_mask, DMA_BIT_MASK(64));
	long fn = log_index(sim, "nvme nvme0: pci function 0000:01:00.0");
	long rp = log_index(sim, "pci 0000:00:02.0: enabling device (0000 -> 0003)");
	long en = log_index(sim, "nvme 0000:01:00.0: enabling device (0000 -> 0002)");
	long q = log_index(sim, "nvme nvme0: 2/0/0 default/read/poll queues");
	long nid = log_index(sim, "nvme nvme0: Ignoring bogus Namespace Identifiers");
	long port = log_index(sim, "pcieport 0000:00:02.0: Adding to iommu group 1");
	cr_assert(fn >= 0 && fn < rp && rp < en && en < q && q < nid && nid < port);
	/* the disk and its limits */
	assert_file(sim, "/sys/block/nvme0n1/size", "2097152\n");
	assert_file(sim, "/sys/block/nvme0n1/queue/max_hw_sectors_kb", "512\n");
	assert_file(sim, "/sys/block/nvme0n1/queue/max_sectors_kb", "512\n");
	assert_file(sim, "/sys/block/nvme0n1/queue/max_segments", "127\n");
	assert_file(sim, "/sys/block/nvme0n1/queue/max_segment_size", "4294967295\n");
	assert_file(sim, "/sys/block/nvme0n1/queue/nr_requests", "1023\n");
	assert_file(sim, "/sys/block/nvme0n1/mq/1/cpu_list", "1\n");
	assert_file(sim, "/sys/block/nvme0n1/dev", "259:0\n");
	char *o = run(sim, "readlink /sys/block/nvme0n1\nreadlink /sys/block/nvme0n1/device\nls /sys/bus/pci/devices/0000:01:00.0/nvme\n");
	cr_assert_str_eq(o, "../devices/platform/4010000000.pcie/pci0000:00/0000:00:02.0/0000:01:00.0/nvme/nvme0/nvme0n1\n"
			    "../../nvme0\nnvme0\n");
	free(o);
	/* built in, its module has parameters: the driver's directory links /sys/module/nvme (pcieport's does not) */
	o = run(sim, "ls /sys/bus/pci/drivers/nvme\nreadlink /sys/bus/pci/drivers/nvme/module\nls /sys/bus/pci/drivers/pcieport\n");
	cr_assert_str_eq(o, "0000:01:00.0\nbind\nmodule\nnew_id\nremove_id\nuevent\nunbind\n../../../../module/nvme\n"
			    "0000:00:02.0\nbind\nnew_id\nremove_id\nuevent\nunbind\n");
	free(o);
	/* the controller has the queues the driver created: admin + 2, on vectors 0..2 */
	struct hw_system *hw = sim->k->hw;
	struct nvme_ctrl_hw *n = hw_nvme_device(hw, p->hw);
	cr_assert_not_null(n);
	cr_assert(n->sq[0].valid && n->sq[1].valid && n->sq[2].valid && !n->sq[3].valid);
	cr_assert_eq(n->cq[2].vector, 2);
	cr_assert_eq(n->stats.dma_faults, 0u);
	cr_assert_eq(n->outstanding_aers, 1u);
	iommusim_free(sim);
}

Test(nvme_driver, queues_follow_the_cpus_and_the_controller)
{
	/* one CPU: one I/O queue, mq-deadline's request count */
	struct iommusim *sim = boot_ok(NVME_RP " -smp 1");
	cr_assert(logged(sim, "nvme nvme0: 1/0/0 default/read/poll queues"));
	assert_file(sim, "/sys/block/nvme0n1/queue/nr_requests", "256\n");
	iommusim_free(sim);
	/* four CPUs, but the controller grants two pairs */
	sim = boot_ok(NVME_RP ",max_ioqpairs=2 -smp 4");
	cr_assert(logged(sim, "nvme nvme0: 2/0/0 default/read/poll queues"));
	assert_file(sim, "/sys/block/nvme0n1/mq/0/cpu_list", "0, 1\n");
	iommusim_free(sim);
	/* num_queues (deprecated) counts the admin queue */
	sim = boot_ok(NVME_RP ",num_queues=4 -smp 8");
	cr_assert(logged(sim, "nvme nvme0: 3/0/0 default/read/poll queues"));
	iommusim_free(sim);
	/* three vectors: the admin queue's and two I/O queues' */
	sim = boot_ok(NVME_RP ",msix_qsize=3 -smp 4");
	cr_assert(logged(sim, "nvme nvme0: 2/0/0 default/read/poll queues"));
	iommusim_free(sim);
	/* a bigger MDTS, a 4K namespace */
	sim = boot_ok(NVME_RP ",mdts=9,logical_block_size=4096,physical_block_size=4096");
	assert_file(sim, "/sys/block/nvme0n1/queue/max_hw_sectors_kb", "2048\n");
	assert_file(sim, "/sys/block/nvme0n1/queue/max_sectors_kb", "1280\n");
	assert_file(sim, "/sys/block/nvme0n1/queue/logical_block_size", "4096\n");
	assert_file(sim, "/sys/block/nvme0n1/queue/optimal_io_size", "4096\n");
	assert_file(sim, "/sys/block/nvme0n1/size", "2097152\n");
	iommusim_free(sim);
}

Test(nvme_driver, io_through_the_smmu_with_prp_lists)
{
	char path[] = "/tmp/iommusim-nvme-drv-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(ftruncate(fd, 4 << 20), 0);
	close(fd);
	char args[512];
	snprintf(args, sizeof(args), "-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1,chassis=1 "
		 "-drive if=none,id=nv,file=%s,format=raw -device nvme,drive=nv,serial=x,bus=rp1", path);
	struct iommusim *sim = boot_ok(args);
	/* 1 MiB: two requests at max_sectors, each with a PRP list */
	char *o = run(sim, "blk write nvme0n1 8 2048 0x5a\nblk read -q nvme0n1 8 2048\nblk read 01:00.0 7 2\n");
	cr_assert(strstr(o, "blk: nvme0n1: read 2048 sectors at sector 8 in 2 requests, 2 segments\n"), "%s", o);
	/* sector 7 is untouched (zeros), sector 8 starts the pattern */
	cr_assert(strstr(o, "0000000e00: 0000 0000"), "%s", o);
	cr_assert(strstr(o, "0000001000: 5a5a 5a5a"), "%s", o);
	free(o);
	FILE *f = fopen(path, "rb");
	u8 b[2];
	fseek(f, 8 * 512 + 1024 * 1024 - 1, SEEK_SET);
	cr_assert_eq(fread(b, 1, 2, f), 2u);
	fclose(f);
	cr_assert_eq(b[0], 0x5a);
	cr_assert_eq(b[1], 0);
	/* beyond the end, a raw read, a device without a disk */
	o = run(sim, "blk read nvme0n1 8191 2\nblk raw-read nvme0n1 0 1\nblk read 00:00.0 0 1\n");
	cr_assert(strstr(o, "blk: nvme0n1: sectors 8191..8192 are beyond the end of the disk (8192 sectors)\n"), "%s", o);
	cr_assert(strstr(o, "raw-read is virtio_blk's"), "%s", o);
	cr_assert(strstr(o, "no disk on this device"), "%s", o);
	free(o);
	/* every transfer went through the SMMU: the controller never faulted */
	struct nvme_ctrl_hw *n = hw_nvme_device(sim->k->hw, pdev_of(sim, "0000:01:00.0")->hw);
	cr_assert_eq(n->stats.dma_faults, 0u);
	cr_assert_eq(n->stats.writes, 2u);
	iommusim_free(sim);
	unlink(path);
}

Test(nvme_driver, intx_without_an_msi_controller)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3,gic-version=3,its=off -nic none "
				       "-drive if=none,id=nv,file=null-co://,format=raw -device nvme,drive=nv,serial=x");
	struct pci_dev *p = pdev_of(sim, "0000:00:01.0");
	cr_assert_null(p->hw->msix);
	/* one vector (the pin) shared by the admin queue and one I/O queue */
	cr_assert(logged(sim, "nvme nvme0: 1/0/0 default/read/poll queues"));
	char *o = run(sim, "blk read nvme0n1 0 1\n");
	cr_assert(strstr(o, "0000000000: 0000 0000"), "%s", o);
	free(o);
	iommusim_free(sim);
}

Test(nvme_driver, unbind_shuts_the_controller_down_and_bind_brings_it_back)
{
	struct iommusim *sim = boot_ok(NVME_RP);
	struct pci_dev *p = pdev_of(sim, "0000:01:00.0");
	struct nvme_ctrl_hw *n = hw_nvme_device(sim->k->hw, p->hw);
	char *o = run(sim, "echo 0000:01:00.0 > /sys/bus/pci/drivers/nvme/unbind\nls /sys/block\n");
	cr_assert_str_eq(o, "");
	free(o);
	cr_assert_null(p->dev.driver);
	/* the I/O queues deleted, then the shutdown notification */
	cr_assert(!n->sq[1].valid && !n->cq[1].valid);
	cr_assert(n->csts & NVME_CSTS_SHST_CMPLT);
	o = run(sim, "echo 0000:01:00.0 > /sys/bus/pci/drivers/nvme/bind\ncat /sys/block/nvme0n1/size\n");
	cr_assert_str_eq(o, "2097152\n");
	free(o);
	cr_assert_str_eq(p->dev.driver->name, "nvme");
	cr_assert(n->sq[2].valid);
	iommusim_free(sim);
}

Test(nvme_driver, properties_checked_as_qemu_does)
{
	char err[256] = "";
	cr_assert_null(boot_str("-M virt,iommu=smmuv3 -device nvme", err, sizeof(err)));
	cr_assert_str_eq(err, "-device nvme: serial property not set");
	cr_assert_null(boot_str("-M virt,iommu=smmuv3 -device nvme,serial=x,max_ioqpairs=0", err, sizeof(err)));
	cr_assert_str_eq(err, "-device nvme,serial=x,max_ioqpairs=0: max_ioqpairs must be between 1 and 65535");
	cr_assert_null(boot_str("-M virt,iommu=smmuv3 -device nvme,serial=x,drive=nothere", err, sizeof(err)));
	cr_assert(strstr(err, "Property 'nvme.drive' can't find value 'nothere'"), "%s", err);
	cr_assert_null(boot_str("-M virt,iommu=smmuv3 -device nvme,serial=x,cmb_size_mb=1", err, sizeof(err)));
	cr_assert_null(boot_str("-M virt,iommu=smmuv3 -device nvme,serial=x,logical_block_size=4096", err, sizeof(err)));
	cr_assert_str_eq(err, "-device nvme,serial=x,logical_block_size=4096: logical_block_size > physical_block_size not supported");
	/* no drive: a controller without a namespace, no disk */
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -smp 2 -nic none -device nvme,serial=x");
	cr_assert(logged(sim, "nvme nvme0: 2/0/0 default/read/poll queues"));
	cr_assert_not(logged(sim, "Ignoring bogus"));
	char *o = run(sim, "ls /sys/block\n");
	cr_assert_str_eq(o, "");
	free(o);
	iommusim_free(sim);
}

Test(nvme_driver, admin_queue_dma_in_another_groups_domain_times_out)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -smp 2 -nic none -device pci-bridge,id=br1,chassis_nr=1 "
				       "-drive if=none,id=nv0,file=null-co://,format=raw "
				       "-drive if=none,id=nv1,file=null-co://,format=raw "
				       "-device nvme,drive=nv0,serial=a,bus=br1,addr=1 "
				       "-device nvme,drive=nv1,serial=b,bus=br1,addr=2");
	/* the second function's stream is the bridge's RID, which the first one's group has */
	cr_assert(logged(sim, "nvme 0000:01:02.0: stream 8 already in tree from dev 0000:01:01.0"));
	struct pci_dev *p1 = pdev_of(sim, "0000:01:02.0");
	cr_assert_null(p1->dev.iommu_group);
	/* its admin SQ entry fetch faulted at the SMMU: the controller is dead (CFS) */
	struct nvme_ctrl_hw *n1 = hw_nvme_device(sim->k->hw, p1->hw);
	cr_assert(n1->stats.dma_faults >= 1);
	cr_assert(logged(sim, "arm-smmu-v3 9050000.smmuv3: event 0x10 received:"));
	/* 60 s later, before init: the timeout, the failure, the driver lets go */
	long t = log_index(sim, "nvme nvme1: I/O 0 QID 0 timeout, disable controller");
	cr_assert(t >= 0);
	cr_assert_eq(log_index(sim, "nvme nvme1: Identify Controller failed (-4)"), t + 1);
	cr_assert_eq(log_index(sim, "nvme nvme1: Removing after probe failure status: -5"), t + 2);
	cr_assert(sim->k->log.lines[t].ts_ns >= NVME_ADMIN_TIMEOUT_NS);
	cr_assert_null(p1->dev.driver);
	/* the first controller works, its queues up before the second one's fault was reported */
	cr_assert(log_index(sim, "nvme nvme0: 2/0/0 default/read/poll queues") >
		  log_index(sim, "arm-smmu-v3 9050000.smmuv3: event 0x10 received:"));
	char *o = run(sim, "ls /sys/block\nblk read nvme0n1 0 1\n");
	cr_assert(strstr(o, "nvme0n1\n0000000000: 0000"), "%s", o);
	free(o);
	iommusim_free(sim);
}

/* the I/O queue count over CPUs, queue pairs and vectors: min(cpus, pairs, vectors - 1), at least 1 */
Test(nvme_driver, queue_count_over_cpus_pairs_and_vectors)
{
	static const unsigned cpus[] = { 1, 2, 3, 8 }, pairs[] = { 1, 2, 5, 64 }, vecs[] = { 1, 2, 3, 65 };
	for (size_t c = 0; c < ARRAY_SIZE(cpus); c++)
		for (size_t p = 0; p < ARRAY_SIZE(pairs); p++)
			for (size_t v = 0; v < ARRAY_SIZE(vecs); v++) {
				char args[320], want[64];
				snprintf(args, sizeof(args),
					 "-M virt,iommu=smmuv3 -nic none -smp %u -drive if=none,id=nv,file=null-co://,format=raw "
					 "-device nvme,drive=nv,serial=x,max_ioqpairs=%u,msix_qsize=%u",
					 cpus[c], pairs[p], vecs[v]);
				struct iommusim *sim = boot_ok(args);
				unsigned n = MIN(cpus[c], pairs[p]);
				n = MIN(n, vecs[v] > 1 ? vecs[v] - 1 : 1);
				snprintf(want, sizeof(want), "nvme nvme0: %u/0/0 default/read/poll queues", n);
				cr_assert(logged(sim, want), "%s: no '%s'", args, want);
				/* every CPU maps to one of them, and a read completes */
				struct nvme_ns *ns = nvme_ns_find(sim->k, "nvme0n1");
				cr_assert_not_null(ns);
				cr_assert_eq(ns->nr_hw_queues, n);
				for (unsigned cpu = 0; cpu < cpus[c]; cpu++)
					cr_assert_lt(ns->mq_map[cpu], n);
				char *o = run(sim, "blk read -q nvme0n1 0 8\n");
				cr_assert(strstr(o, "in 1 request"), "%s: %s", args, o);
				free(o);
				iommusim_free(sim);
			}
}
