/*
 * Config space as QEMU 7.2 lays it out (hw/pci_config, pci_caps,
 * pci_layout) and the kernel's view of it through ECAM (hw/pci_host,
 * pci/access, pci/probe): every modelled device type against real QEMU
 * 7.2's bytes, the write masks, the capability helpers' errors, config
 * cycles to nothing, and enumeration finding exactly the hardware.
 */
#include <stdio.h>
#include <linux/pci_regs.h>
#include "config_space_util.h"
#include "hw/pci_caps.h"
#include "hw/pci_config.h"
#include "hw/pci_host.h"
#include "hw/pci_layout.h"
#include "hw/pci_msix.h"
#include "hw/pci_rid.h"
#include "hw/system.h"

/*
 * The topology of tests/linux/pci_config_caps (with the oracle's -smp 2):
 * a root port with a modern virtio-net, a pci-bridge and a pcie-pci-bridge
 * with a transitional virtio-rng each, a modern virtio-rng on pcie.0, a
 * second root port with virtio-blk, the default transitional NIC.
 */
#define TOPOLOGY                                                                                   \
	"-M virt,iommu=smmuv3 -smp 2 -m 1024 -cpu cortex-a57 "                                      \
	"-device pcie-root-port,id=rp1,chassis=1,slot=3 -device virtio-net-pci,bus=rp1 "            \
	"-device pci-bridge,id=br,chassis_nr=2 -device virtio-rng-pci,bus=br,addr=1 "               \
	"-device pcie-pci-bridge,id=ppb -device virtio-rng-pci,bus=ppb,addr=2 "                     \
	"-device virtio-rng-pci,disable-legacy=on -device pcie-root-port,id=rp2,chassis=2 "         \
	"-drive if=none,id=d0,file=null-co://,format=raw -device virtio-blk-pci,drive=d0,bus=rp2"

/* What real Linux 6.1 read from /sys/bus/pci/devices/D/config on real QEMU 7.2 (od), the rest is 0. */
static const struct real_config real[] = {
	{ "0000:00:00.0", 256,
	  "361b080000000000000000060000000000000000000000000000000000000000"
	  "000000000000000000000000f41a001100000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000" },
	{ "0000:00:01.0", 256,
	  "f41a001007041000000000020000000001500000000064100000000000000000"
	  "0c0060008000000000000000f41a010000000000980000000000000019010000"
	  "0900100104000000000000000010000009401003040000000010000000100000"
	  "0950100404000000002000000010000009601402040000000030000000100000"
	  "0400000009701405000000000000000000000000000000001184038001000000"
	  "0108000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000" },
	{ "0000:00:02.0", 4096,
	  "361b0c0007041000000004060000010000106410000000000001010010100000"
	  "0010101001001100800000008000000000000000540000000000000014010200"
	  "0d000000361b000011400080000000000008000010484201008000000f000000"
	  "04063000000011207b001a00f101400000000000000000002000300000000000"
	  "1e00000004000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "010082140000000000000000302046000000000000e00000a002000000000000"
	  "0000000000000000000000000700000000000000000000000000000000000000"
	  "00000000000000000d0001005f00000000000000000000000000000000000000" },
	{ "0000:00:03.0", 256,
	  "361b01000700b00000000406000001000480600080000000000202002020a000"
	  "20102010210021008000000080000000000000004c0000000000000016010200"
	  "0c00000000000000044020020548800100000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000" },
	{ "0000:00:04.0", 4096,
	  "361b0e000700b00000000406000001000481600080000000000303003030a000"
	  "30103010310031008000000080000000000000008c0000000000000017010200"
	  "0c0000000000000010407200008000000f000000110400000000110000000000"
	  "0000000000000000000000002000300000000000000000000000000000000000"
	  "0000000001480300000000000584800100000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "010002000000000000000000302046000000000000e00000a000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000" },
	{ "0000:00:05.0", 256,
	  "f41a4410060410000100ff000000000000000000002064100000000000000000"
	  "0c4060008000000000000000f41a001100000000980000000000000019010000"
	  "0900100104000000000000000010000009401003040000000010000000100000"
	  "0950100404000000002000000010000009601402040000000030000000100000"
	  "0400000009701405000000000000000000000000000000001184018001000000"
	  "0108000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000" },
	{ "0000:00:06.0", 4096,
	  "361b0c0007041000000004060000010000306410000000000004040040400000"
	  "4010501041005100800000008000000000000000540000000000000014010200"
	  "0d000000361b000011400080000000000008000010484201008000000f000000"
	  "04063000000011207b000200f101400000000000000000002000300000000000"
	  "1e00000004000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "010082140000000000000000302046000000000000e00000a002000000000000"
	  "0000000000000000000000000700000000000000000000000000000000000000"
	  "00000000000000000d0001005f00000000000000000000000000000000000000" },
	{ "0000:01:00.0", 4096,
	  "f41a411006041000010000020000000000000000000004100000000000000000"
	  "0c0000008000000000000000f41a001100000000dc0000000000000014010000"
	  "1000020000800010000000001104000000001100000000000000000000000000"
	  "0000000000003000000000000000000000000000000000000000000001400300"
	  "00000000097c1001040000000000000000100000098410030400000000100000"
	  "001000000994100404000000002000000010000009a414020400000000300000"
	  "001000000400000009b414050000000000000000000000000000000011c80380"
	  "0100000001080000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000" },
	{ "0000:02:01.0", 256,
	  "f41a0510070410000000ff000000000001200000000020100000000000000000"
	  "0c0020008000000000000000f41a040000000000980000000000000017010000"
	  "0900100104000000000000000010000009401003040000000010000000100000"
	  "0950100404000000002000000010000009601402040000000030000000100000"
	  "0400000009701405000000000000000000000000000000001184018001000000"
	  "0108000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000" },
	{ "0000:03:02.0", 256,
	  "f41a0510070410000000ff000000000001300000000030100000000000000000"
	  "0c0030008000000000000000f41a040000000000980000000000000014010000"
	  "0900100104000000000000000010000009401003040000000010000000100000"
	  "0950100404000000002000000010000009601402040000000030000000100000"
	  "0400000009701405000000000000000000000000000000001184018001000000"
	  "0108000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000" },
	{ "0000:04:00.0", 4096,
	  "f41a421006041000010000010000000000000000000040100000000000000000"
	  "0c0040008000000000000000f41a001100000000dc0000000000000014010000"
	  "1000020000800010000000001104000000001100000000000000000000000000"
	  "0000000000003000000000000000000000000000000000000000000001400300"
	  "00000000097c1001040000000000000000100000098410030400000000100000"
	  "001000000994100404000000002000000010000009a414020400000000300000"
	  "001000000400000009b414050000000000000000000000000000000011c80280"
	  "0100000001080000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000" },
};

/*
 * What Linux assigned, which the model does not: BAR addresses and bridge
 * windows, the interrupt line.
 */
static bool linux_assigned(struct iommusim *sim, const char *dev, unsigned off)
{
	bool bridge = (cfg(sim, dev, PCI_HEADER_TYPE, 1) & 0x7f) == 1;
	if (off >= 0x10 && off < (bridge ? 0x18u : 0x28u))
		return true;
	if (bridge && off >= 0x1c && off < 0x30)
		return true;
	if (off == PCI_INTERRUPT_LINE)
		return true;
	return false;
}

Test(pci_config, every_device_type_as_real_qemu_lays_it_out)
{
	struct iommusim *sim = boot_ok(TOPOLOGY);
	unsigned bad = config_space_differences(sim, real, ARRAY_SIZE(real), linux_assigned);
	cr_assert_eq(bad, 0, "%u bytes differ", bad);
	iommusim_free(sim);
}

/* a write of all ones and of all zeros: which bits moved */
static u32 writable_bits(struct iommusim *sim, const char *dev, unsigned off, unsigned size)
{
	u32 old = cfg(sim, dev, off, size), ones = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	cr_assert_eq(iommusim_pci_config_write(sim, dev, off, size, ones), 0);
	u32 hi = cfg(sim, dev, off, size);
	cr_assert_eq(iommusim_pci_config_write(sim, dev, off, size, 0), 0);
	u32 lo = cfg(sim, dev, off, size);
	cr_assert_eq(iommusim_pci_config_write(sim, dev, off, size, old), 0);
	return hi ^ lo;
}

Test(pci_config, write_masks)
{
	struct iommusim *sim = boot_ok(TOPOLOGY);
	const char *rp = "0000:00:02.0", *ep = "0000:01:00.0", *br = "0000:00:03.0";
	/* read-only: IDs, class and header type, the capability pointer, subsystem IDs */
	cr_assert_eq(writable_bits(sim, rp, PCI_VENDOR_ID, 4), 0);
	cr_assert_eq(writable_bits(sim, ep, PCI_CLASS_REVISION, 4), 0);
	cr_assert_eq(writable_bits(sim, ep, PCI_HEADER_TYPE, 1), 0);
	cr_assert_eq(writable_bits(sim, ep, PCI_CAPABILITY_LIST, 1), 0);
	cr_assert_eq(writable_bits(sim, ep, PCI_SUBSYSTEM_VENDOR_ID, 4), 0);
	cr_assert_eq(writable_bits(sim, ep, PCI_INTERRUPT_PIN, 1), 0);
	/* the command register's IO, memory, master, SERR and INTx disable bits */
	cr_assert_eq(writable_bits(sim, ep, PCI_COMMAND, 2), 0x0507);
	cr_assert_eq(writable_bits(sim, ep, PCI_INTERRUPT_LINE, 1), 0xff);
	/* a bridge's bus numbers and secondary latency timer */
	cr_assert_eq(writable_bits(sim, br, PCI_PRIMARY_BUS, 4), 0xffffffff);
	/* 16-bit I/O window: the upper nibble only */
	cr_assert_eq(writable_bits(sim, br, PCI_IO_BASE, 1), 0xf0);
	/* a BAR: its size's address bits (the root port's 4 KiB MSI-X BAR) */
	cr_assert_eq(writable_bits(sim, rp, PCI_BASE_ADDRESS_0, 4), 0xfffff000);
	/* MSI-X: Enable and Function Mask only, the table size and BIR read-only */
	unsigned msix = find_cap(sim, ep, PCI_CAP_ID_MSIX);
	cr_assert_eq(msix, 0xdc);
	cr_assert_eq(writable_bits(sim, ep, msix + PCI_MSIX_FLAGS, 2), 0xc000);
	cr_assert_eq(writable_bits(sim, ep, msix + PCI_MSIX_TABLE, 4), 0);
	/* the ACS control register: exactly the controls the capability offers */
	cr_assert_eq(writable_bits(sim, rp, 0x148 + PCI_ACS_CAP, 2), 0);
	cr_assert_eq(writable_bits(sim, rp, 0x148 + PCI_ACS_CTRL, 2), 0x5f);
	/* the PCIe capability's flags and the extended headers are read-only */
	cr_assert_eq(writable_bits(sim, rp, 0x54 + PCI_EXP_FLAGS, 2), 0);
	cr_assert_eq(writable_bits(sim, rp, 0x100, 4), 0);
	/* the slot ID capability's chassis number is writable, as QEMU has it */
	cr_assert_eq(writable_bits(sim, br, 0x48 + PCI_SID_CHASSIS_NR, 1), 0xff);
	/* status: write-1-to-clear error bits, never set by a write */
	cr_assert_eq(writable_bits(sim, ep, PCI_STATUS, 2), 0);
	/* virtio-net's 256 KiB expansion ROM: address bits and enable; a 64-bit BAR's pair; an I/O BAR */
	cr_assert_eq(writable_bits(sim, ep, PCI_ROM_ADDRESS, 4), 0xfffc0001);
	cr_assert_eq(writable_bits(sim, ep, PCI_BASE_ADDRESS_4, 4), 0xffffc000);
	cr_assert_eq(writable_bits(sim, ep, PCI_BASE_ADDRESS_5, 4), 0xffffffff);
	cr_assert_eq(writable_bits(sim, "0000:00:01.0", PCI_BASE_ADDRESS_0, 4), 0xffffffe0);
	/* what pci_read_bases() made of them */
	struct pci_dev *p = pci_get_by_name(sim->k, "0000:00:01.0");
	cr_assert_eq(p->bar[0], PCI_BAR_IO);
	cr_assert_eq(p->bar[1], PCI_BAR_MEM);
	cr_assert_eq(p->bar[2], PCI_BAR_NONE);
	cr_assert_eq(p->bar[4], PCI_BAR_MEM);
	cr_assert_eq(p->bar[5], PCI_BAR_NONE, "the upper half of BAR 4");
	iommusim_free(sim);
}

Test(pci_config, msix_control_reaches_the_table_state)
{
	struct iommusim *sim = boot_ok(TOPOLOGY);
	struct pci_dev *pdev = pci_get_by_name(sim->k, "0000:01:00.0");
	cr_assert_not_null(pdev);
	cr_assert(pdev->msix_enabled, "virtio-net set up its vectors");
	cr_assert(hw_msix_enabled(pdev->hw->msix));
	cr_assert_eq(iommusim_pci_config_write(sim, "0000:01:00.0", 0xdc + PCI_MSIX_FLAGS, 2, 0), 0);
	cr_assert_not(hw_msix_enabled(pdev->hw->msix), "the function follows its Message Control");
	iommusim_free(sim);
}

Test(pci_config, acs_control_written_when_requested)
{
	/* a root port enumerated after pci_request_acs(): rescan not modelled, so request first */
	struct iommusim *sim = boot_ok(TOPOLOGY);
	struct pci_dev *rp = pci_get_by_name(sim->k, "0000:00:02.0");
	cr_assert_eq(rp->acs_cap, 0x148);
	cr_assert_eq(cfg(sim, "0000:00:02.0", 0x148 + PCI_ACS_CTRL, 2), 0, "boot-time functions keep ACS off");
	cr_assert_not(pci_acs_enabled(rp, REQ_ACS_FLAGS));
	/* what pci_std_enable_acs() writes makes pci_acs_enabled() true, read from the registers */
	cr_assert_eq(iommusim_pci_config_write(sim, "0000:00:02.0", 0x148 + PCI_ACS_CTRL, 2,
					       PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF), 0);
	cr_assert(pci_acs_enabled(rp, REQ_ACS_FLAGS));
	iommusim_free(sim);
}

Test(pci_config, ecam_nothing_there_reads_all_ones)
{
	struct iommusim *sim = boot_ok(TOPOLOGY);
	struct hw_system *hw = sim->k->hw;
	struct hw_pci_host *host = &hw->pci;
	/* an empty slot, a bus no bridge forwards, past the window */
	cr_assert_eq(hw_pci_host_config_read(host, (u64)0 << 20 | 0x1f << 15, 4), 0xffffffffu);
	cr_assert_eq(hw_pci_host_config_read(host, (u64)0x80 << 20, 4), 0xffffffffu);
	cr_assert_eq(hw_pci_host_config_read(host, host->ecam_size, 2), 0xffffu);
	/* a conventional function's space ends at 256 bytes */
	cr_assert_eq(hw_pci_host_config_read(host, (u64)0 << 20 | 1 << 15 | 0x100, 4), 0xffffffffu);
	/* bus 1 is the root port's secondary bus, as the kernel numbered it */
	cr_assert_eq(hw_pci_host_config_read(host, (u64)1 << 20, 4), 0x10411af4u);
	/* a write to nothing changes nothing */
	hw_pci_host_config_write(host, (u64)0x80 << 20 | 0x18, 0x12345678, 4);
	cr_assert_eq(hw_pci_host_config_read(host, (u64)0x80 << 20, 4), 0xffffffffu);
	/*
	 * pci_find_bus_nr() matches a bridge's secondary bus number before it
	 * looks at bus reset: the root port's own bus still answers
	 */
	u32 ctl = hw_pci_host_config_read(host, (u64)2 << 15 | PCI_BRIDGE_CONTROL, 2);
	hw_pci_host_config_write(host, (u64)2 << 15 | PCI_BRIDGE_CONTROL, ctl | PCI_BRIDGE_CTL_BUS_RESET, 2);
	cr_assert_eq(hw_pci_host_config_read(host, (u64)1 << 20, 4), 0x10411af4u);
	hw_pci_host_config_write(host, (u64)2 << 15 | PCI_BRIDGE_CONTROL, ctl, 2);
	/* renumbered through the window, the root port's bus answers at its new number only */
	u32 buses = hw_pci_host_config_read(host, (u64)2 << 15 | PCI_PRIMARY_BUS, 4);
	hw_pci_host_config_write(host, (u64)2 << 15 | PCI_PRIMARY_BUS, (buses & 0xff0000ffu) | 0x090900, 4);
	cr_assert_eq(hw_pci_host_config_read(host, (u64)9 << 20, 4), 0x10411af4u);
	cr_assert_eq(hw_pci_host_config_read(host, (u64)1 << 20, 4), 0xffffffffu);
	hw_pci_host_config_write(host, (u64)2 << 15 | PCI_PRIMARY_BUS, buses, 4);
	cr_assert_eq(hw_pci_host_config_read(host, (u64)1 << 20, 4), 0x10411af4u);
	iommusim_free(sim);
}

/* every hardware function below bus, counted; each must be the one the kernel found at its place */
static size_t check_tree(struct iommusim *sim, struct hw_pci_bus *bus)
{
	size_t n = 0;
	for (int i = 0; bus && i < 256; i++) {
		struct hw_pci_fn *fn = bus->fn[i];
		if (!fn)
			continue;
		/* only device 0 is scanned below a root port: the rest is not enumerated */
		n++;
		bool found = false;
		struct pci_host *host = sim->k->pci;
		for (size_t j = 0; j < host->nall; j++) {
			struct pci_dev *p = host->all[j];
			if (p->hw != fn)
				continue;
			found = true;
			cr_assert_eq(p->vendor, fn->vendor);
			cr_assert_eq(p->device, fn->device);
			cr_assert_eq(p->class, fn->class);
			cr_assert_eq(p->devfn, fn->devfn);
			cr_assert_eq(p->bus->number, hw_pci_bus_num(fn->bus), "%s", p->dev.name);
		}
		cr_assert(found, "%s at devfn %#x was not enumerated", fn->qemu_driver, fn->devfn);
		n += check_tree(sim, fn->secondary);
	}
	return n;
}

Test(pci_config, enumeration_finds_exactly_the_hardware)
{
	struct iommusim *sim = boot_ok(TOPOLOGY " -device pcie-root-port,id=rp3,chassis=3,addr=9.0,multifunction=on "
				       "-device pcie-root-port,id=rp4,chassis=4,addr=9.1 "
				       "-device pci-bridge,id=br2,chassis_nr=5,bus=br,addr=3 "
				       "-device virtio-rng-pci,bus=br2,addr=4 -device virtio-rng-pci,bus=rp4");
	struct hw_system *hw = sim->k->hw;
	size_t n = check_tree(sim, hw->pci.root);
	cr_assert_eq(n, sim->k->pci->nall, "%zu functions in the hardware, %zu enumerated", n, sim->k->pci->nall);
	iommusim_free(sim);
}

static struct hw_pci_fn *bare_fn(bool express)
{
	struct hw_pci_fn *fn = calloc(1, sizeof(*fn));
	fn->config = hw_pci_config_new(express);
	cr_assert_not_null(fn->config);
	return fn;
}

static void bare_free(struct hw_pci_fn *fn)
{
	hw_pci_config_free(fn->config);
	free(fn);
}

Test(pci_config, capability_helpers_refuse_what_qemu_refuses)
{
	struct hw_pci_fn *fn = bare_fn(true);
	struct hw_pci_config *c = fn->config;
	cr_assert_eq(hw_pci_add_capability(c, PCI_CAP_ID_PM, 0, 8), 0x40, "first free space after the header");
	cr_assert_eq(hw_pci_add_capability(c, PCI_CAP_ID_MSI, 0x44, 8), -EINVAL, "overlaps the PM capability");
	cr_assert_eq(hw_pci_add_capability(c, PCI_CAP_ID_MSI, 0x20, 8), -EINVAL, "inside the header");
	cr_assert_eq(hw_pci_add_capability(c, PCI_CAP_ID_MSI, 0x4a, 8), -EINVAL, "not dword aligned");
	cr_assert_eq(hw_pci_add_capability(c, PCI_CAP_ID_MSI, 0, 8), 0x48);
	/* the list: newest first */
	cr_assert_eq(hw_pci_get(c, PCI_CAPABILITY_LIST, 1), 0x48);
	cr_assert_eq(hw_pci_get(c, 0x49, 1), 0x40);
	cr_assert_eq(hw_pci_get(c, 0x41, 1), 0);
	cr_assert(hw_pci_get(c, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	/* fill the rest: no room then */
	while (hw_pci_add_capability(c, PCI_CAP_ID_VNDR, 0, 16) > 0)
		;
	cr_assert_eq(hw_pci_add_capability(c, PCI_CAP_ID_VNDR, 0, 16), -ENOSPC);
	/* extended: from 0x100, chained in order; not below 0x100, not twice at one place */
	cr_assert_eq(hw_pcie_add_capability(c, PCI_EXT_CAP_ID_ERR, 2, 0x100, 0x48), 0);
	cr_assert_eq(hw_pcie_add_capability(c, PCI_EXT_CAP_ID_ACS, 1, 0x100, 8), -EINVAL);
	cr_assert_eq(hw_pcie_add_capability(c, PCI_EXT_CAP_ID_ACS, 1, 0xfc, 8), -EINVAL);
	cr_assert_eq(hw_pcie_add_capability(c, PCI_EXT_CAP_ID_ACS, 1, 0x148, 8), 0);
	cr_assert_eq(hw_pci_get(c, 0x100, 4), 0x14820001u);
	cr_assert_eq(hw_pci_config_find_ext_capability(c, PCI_EXT_CAP_ID_ACS), 0x148);
	/* reads and writes past the function's space, bad sizes */
	u32 v;
	cr_assert_eq(hw_pci_config_read(fn, 4096, 1, &v), -EINVAL);
	cr_assert_eq(hw_pci_config_read(fn, 2, 4, &v), -EINVAL);
	cr_assert_eq(hw_pci_config_write(fn, 0, 3, 0), -EINVAL);
	/* beyond what is kept: reads 0; a write there is kept, as QEMU's plain RW space */
	cr_assert_eq(hw_pci_config_read(fn, 0x800, 4, &v), 0);
	cr_assert_eq(v, 0u);
	cr_assert_eq(hw_pci_config_write(fn, 0x800, 4, 0xffffffff), 0);
	cr_assert_eq(hw_pci_config_read(fn, 0x800, 4, &v), 0);
	cr_assert_eq(v, 0xffffffffu);
	cr_assert_eq(hw_pci_config_read(fn, 0x7fc, 4, &v), 0);
	cr_assert_eq(v, 0u);
	bare_free(fn);

	/* a conventional function has no extended space */
	fn = bare_fn(false);
	cr_assert_eq(hw_pcie_add_capability(fn->config, PCI_EXT_CAP_ID_ACS, 1, 0x100, 8), -EINVAL);
	cr_assert_eq(hw_pci_config_read(fn, 0x100, 4, &v), -EINVAL);
	/* MSI: a power of two up to 32 vectors */
	cr_assert_eq(hw_msi_init(fn, 0, 3, true, true), -EINVAL);
	cr_assert_eq(hw_msi_init(fn, 0, 64, true, true), -EINVAL);
	cr_assert_eq(hw_msi_init(fn, 0, 4, false, false), 0x40);
	cr_assert_eq(hw_pci_get(fn->config, 0x42, 2), 2u << 1);
	/* MSI-X: 1..2048 entries, BIR 0..5 */
	cr_assert_eq(hw_msix_cap_init(fn, 0, 0, 0, 0, 0, 0x800), -EINVAL);
	cr_assert_eq(hw_msix_cap_init(fn, 0, 4, 6, 0, 0, 0x800), -EINVAL);
	/* BARs: a power-of-two size, a 64-bit BAR needs its pair */
	cr_assert_eq(hw_pci_register_bar(fn, 5, PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_64, 4096),
		     -EINVAL);
	cr_assert_eq(hw_pci_register_bar(fn, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, 3000), -EINVAL);
	bare_free(fn);
}

Test(pci_config, layouts_by_qemu_type)
{
	cr_assert_not_null(hw_pci_layout_lookup("pcie-root-port"));
	cr_assert_not_null(hw_pci_layout_lookup("virtio-net-pci"));
	cr_assert_null(hw_pci_layout_lookup("no-such-device"));
	/* a type without a layout: the description's IDs, PCIe capability and ACS */
	struct hw_pci_fn fn = { .vendor = 0x1234, .device = 0x5678, .class = 0x020000, .pcie_type = HW_PCIE_ENDPOINT,
				.has_acs = true, .acs_cap = PCI_ACS_SV, .qemu_driver = "some-nic" };
	struct hw_pci_board board = { .msi_nonbroken = true };
	cr_assert_eq(hw_pci_layout_build(&fn, &board), 0);
	u32 v;
	cr_assert_eq(hw_pci_config_read(&fn, 0, 4, &v), 0);
	cr_assert_eq(v, 0x56781234u);
	cr_assert_eq(hw_pci_config_pcie_type(&fn), PCI_EXP_TYPE_ENDPOINT);
	cr_assert_eq(hw_pci_config_find_ext_capability(fn.config, PCI_EXT_CAP_ID_ACS), 0x100);
	/* built once: a second call keeps it */
	struct hw_pci_config *c = fn.config;
	cr_assert_eq(hw_pci_layout_build(&fn, &board), 0);
	cr_assert_eq(fn.config, c);
	hw_pci_config_free(fn.config);
}

Test(pci_config, port_link_status_follows_its_device)
{
	/* pcie_sync_bridge_lnk(): an x1 2.5 GT/s PCIe endpoint below, a conventional one, nothing */
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1,chassis=1 "
				       "-device virtio-rng-pci,bus=rp1 -device pcie-root-port,id=rp2,chassis=2 "
				       "-device virtio-rng-pci,bus=rp2,disable-legacy=off,disable-modern=on "
				       "-device pcie-root-port,id=rp3,chassis=3");
	cr_assert_eq(cfg(sim, "0000:00:01.0", 0x54 + PCI_EXP_LNKSTA, 2), 0x2011);
	cr_assert_eq(cfg(sim, "0000:00:02.0", 0x54 + PCI_EXP_LNKSTA, 2), 0x2204, "the port's own x32 16 GT/s");
	cr_assert_eq(cfg(sim, "0000:00:03.0", 0x54 + PCI_EXP_LNKSTA, 2), 0x2204);
	iommusim_free(sim);
}

/* xorshift: the same cycles every run */
static u32 next_rand(u32 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

Test(pci_config, random_config_cycles_change_only_writable_bits)
{
	struct iommusim *sim = boot_ok(TOPOLOGY);
	struct hw_system *hw = sim->k->hw;
	struct hw_pci_host *host = &hw->pci;
	/* every function's IDs and class before */
	struct pci_host *ph = sim->k->pci;
	u32 ids[64], classes[64];
	size_t n = ph->nall < 64 ? ph->nall : 64;
	for (size_t i = 0; i < n; i++) {
		ids[i] = cfg(sim, ph->all[i]->dev.name, PCI_VENDOR_ID, 4);
		classes[i] = cfg(sim, ph->all[i]->dev.name, PCI_CLASS_REVISION, 4);
	}
	u32 seed = 0x2545f491;
	for (int i = 0; i < 20000; i++) {
		u32 r = next_rand(&seed);
		unsigned size = 1u << (r & 3) % 3;
		u64 off = (u64)(next_rand(&seed) % 8) << 20 | (u64)(next_rand(&seed) & 0xff) << 12 |
			  ((next_rand(&seed) & 0xfff) & ~(size - 1));
		/* half writes (bus numbers and bridge controls too: routes move), half reads */
		if ((r >> 8) & 1)
			hw_pci_host_config_write(host, off, next_rand(&seed), size);
		else
			(void)hw_pci_host_config_read(host, off, size);
	}
	/* whatever the cycles did to routing, each function's IDs and class are as they were */
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(hw_pci_get(ph->all[i]->hw->config, PCI_VENDOR_ID, 4), ids[i], "%s", ph->all[i]->dev.name);
		cr_assert_eq(hw_pci_get(ph->all[i]->hw->config, PCI_CLASS_REVISION, 4), classes[i], "%s",
			     ph->all[i]->dev.name);
	}
	iommusim_free(sim);
}
