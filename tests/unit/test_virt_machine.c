/* QEMU 7.2 virt builder: PCI hardware tree, virtio-mmio placement, errors. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libfdt.h>

#include "machine/machine.h"

static struct machine m;
static char err[512];

static void teardown(void)
{
	machine_free(&m);
}

TestSuite(virt, .fini = teardown);

/* Split a command line on spaces (tests never need quoting) and build. */
static int build(const char *line)
{
	char *copy = strdup(line), **argv = calloc(strlen(line) / 2 + 2, sizeof(char *)), *save = NULL;
	int argc = 0, ret;
	struct qemu_cmdline cmd;

	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	err[0] = '\0';
	ret = qemu_cmdline_parse(argc, argv, &cmd, err, sizeof(err));
	if (!ret) {
		ret = virt_machine_build(&cmd, &m, err, sizeof(err));
		qemu_cmdline_free(&cmd);
	}
	free(copy);
	free(argv);
	return ret;
}

#define REFERENCE                                                                         \
	"-M virt,iommu=smmuv3,gic-version=3 -nic none "                                             \
	"-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1 "                             \
	"-device virtio-blk-pci,bus=rp1,drive=d0 "                                        \
	"-drive if=none,id=d0,file=/dev/null,format=raw,readonly=on "                     \
	"-device pci-bridge,id=br1,bus=pcie.0,chassis_nr=2 "                              \
	"-device virtio-net-pci,bus=br1,addr=1,netdev=n0 "                                \
	"-netdev user,id=n0 "                                                             \
	"-device virtio-rng-pci,bus=br1,addr=2 "                                          \
	"-device virtio-rng-pci,bus=pcie.0"

static void assert_fn(const struct hw_pci_fn *fn, u16 ven, u16 dev, u32 class, int type)
{
	cr_assert_not_null(fn);
	cr_assert_eq(fn->vendor, ven, "%s vendor %04x", fn->qemu_driver, fn->vendor);
	cr_assert_eq(fn->device, dev, "%s device %04x", fn->qemu_driver, fn->device);
	cr_assert_eq(fn->class, class, "%s class %06x", fn->qemu_driver, fn->class);
	cr_assert_eq((int)fn->pcie_type, type, "%s pcie type %d", fn->qemu_driver, fn->pcie_type);
}

Test(virt, reference_case)
{
	const struct hw_pci_bus *root, *rp, *br;
	int used = 0;

	cr_assert_eq(build(REFERENCE), 0, "%s", err);
	cr_assert_eq(m.gic_version, 3);
	cr_assert(m.has_smmu);
	cr_assert_eq(m.ram_base, 0x40000000ULL);
	cr_assert_eq(m.ram_size, 128ULL << 20, "QEMU's default -m");
	cr_assert_str_eq(m.append, "");
	cr_assert_not(m.smmu_translate_all);

	root = m.pci_root;
	cr_assert(root->is_root && root->is_express);
	cr_assert_str_eq(root->qemu_id, "pcie.0");
	for (int i = 0; i < 256; i++)
		used += root->fn[i] != NULL;
	cr_assert_eq(used, 4);

	/* 00:00.0 gpex host bridge */
	assert_fn(root->fn[0x00], 0x1b36, 0x0008, 0x060000, HW_PCIE_NONE);
	cr_assert_eq(root->fn[0]->header_type, 0);
	/* 00:01.0 root port: PCIe root port type, hotplug slot, ACS */
	assert_fn(root->fn[0x08], 0x1b36, 0x000c, 0x060400, HW_PCIE_ROOT_PORT);
	cr_assert_eq(root->fn[0x08]->header_type, 1);
	cr_assert(root->fn[0x08]->hotplug_slot);
	cr_assert(root->fn[0x08]->has_acs);
	cr_assert_eq(root->fn[0x08]->acs_cap & 0x1f, 0x1f, "SV TB RR CR UF");
	cr_assert_eq(root->fn[0x08]->chassis, 1);
	cr_assert_str_eq(root->fn[0x08]->qemu_id, "rp1");
	/* 00:02.0 conventional pci-bridge with SHPC */
	assert_fn(root->fn[0x10], 0x1b36, 0x0001, 0x060400, HW_PCIE_NONE);
	cr_assert(root->fn[0x10]->shpc);
	cr_assert_not(root->fn[0x10]->has_acs);
	/* 00:03.0 virtio-rng on the root bus: transitional, no PCIe capability */
	assert_fn(root->fn[0x18], 0x1af4, 0x1005, 0x00ff00, HW_PCIE_NONE);
	cr_assert(root->fn[0x18]->virtio->legacy && root->fn[0x18]->virtio->modern);
	cr_assert_eq(root->fn[0x18]->subsystem_vendor, 0x1af4);
	cr_assert_eq(root->fn[0x18]->subsystem_device, 4, "legacy subsystem id = virtio id");
	cr_assert_eq(root->fn[0x18]->revision, 0);

	/* behind rp1: slot 0, modern-only virtio-blk with an endpoint capability */
	rp = root->fn[0x08]->secondary;
	cr_assert_not_null(rp);
	cr_assert(rp->is_express && !rp->is_root);
	cr_assert_eq(rp->bridge, root->fn[0x08]);
	cr_assert_str_eq(rp->qemu_id, "rp1");
	assert_fn(rp->fn[0], 0x1af4, 0x1042, 0x010000, HW_PCIE_ENDPOINT);
	cr_assert_not(rp->fn[0]->virtio->legacy);
	cr_assert(rp->fn[0]->virtio->modern);
	cr_assert_eq(rp->fn[0]->revision, 1);
	cr_assert_eq(rp->fn[0]->subsystem_device, 0x1100);
	cr_assert_eq(rp->fn[0]->virtio->id, HW_VIRTIO_BLK);
	cr_assert_str_eq(rp->fn[0]->virtio->drive_file, "/dev/null");
	cr_assert(rp->fn[0]->virtio->drive_readonly);
	cr_assert_eq(rp->fn[0]->virtio->num_queues, 1);
	cr_assert_eq(rp->fn[0]->virtio->queue_size, 256);
	cr_assert_eq(rp->fn[0]->virtio->seg_max, 254);

	/* behind br1 (conventional): transitional virtio-net at 01.0, rng at 02.0 */
	br = root->fn[0x10]->secondary;
	cr_assert_not(br->is_express);
	cr_assert_null(br->fn[0]);
	assert_fn(br->fn[0x08], 0x1af4, 0x1000, 0x020000, HW_PCIE_NONE);
	cr_assert_str_eq(br->fn[0x08]->virtio->netdev, "n0");
	cr_assert_eq(br->fn[0x08]->devfn, 0x08);
	assert_fn(br->fn[0x10], 0x1af4, 0x1005, 0x00ff00, HW_PCIE_NONE);

	for (int i = 0; i < VIRT_MMIO_TRANSPORTS; i++)
		cr_assert_null(m.mmio[i]);
	cr_assert_eq(fdt_check_full(m.fdt, m.fdt_size), 0);
}

Test(virt, defaults_gic2_no_smmu_and_options)
{
	cr_assert_eq(build("-M virt -nic none -m 1G -append root=/dev/vda"), 0, "%s", err);
	cr_assert_eq(m.gic_version, 2, "TCG, one CPU, gic-version unset: GICv2");
	cr_assert_not(m.has_smmu);
	cr_assert_eq(m.ram_size, 1ULL << 30);
	cr_assert_str_eq(m.append, "root=/dev/vda");
	machine_free(&m);

	cr_assert_eq(build("-M virt,x-smmu-translate-all=on,iommu=smmuv3 -nic none -m 512"), 0, "%s", err);
	cr_assert(m.smmu_translate_all);
	cr_assert_eq(m.ram_size, 512ULL << 20, "suffix-less -m is MiB");
	machine_free(&m);

	cr_assert_eq(build("-M type=virt,gic-version=max"), 0, "%s", err);
	cr_assert_eq(m.gic_version, 3);
}

Test(virt, pci_slot_allocation_and_disable_legacy)
{
	cr_assert_eq(build("-M virt -nic none "
			   "-device virtio-rng-pci,addr=5 "
			   "-device virtio-rng-pci "
			   "-device virtio-rng-pci,disable-legacy=on "
			   "-device pcie-root-port,id=rp,chassis=3,slot=1,hotplug=off "
			   "-device virtio-rng-pci,bus=rp,disable-legacy=off "
			   "-device pcie-pci-bridge,id=pb,bus=pcie.0 "
			   "-device virtio-rng-pci,bus=pb,addr=0x1f "
			   "-device virtio-rng-pci,bus=pb"), -EINVAL);
	/* pcie-pci-bridge has SHPC too: the first free slot 0 is refused */
	cr_assert(strstr(err, "Unsupported PCI slot 0 for standard hotplug controller. Valid slots are between 1 and 31."),
		  "%s", err);
	cr_assert(strstr(err, "-device virtio-rng-pci,bus=pb: "), "%s", err);
	cr_assert_null(m.pci_root, "machine left zeroed");
	cr_assert_null(m.fdt);

	cr_assert_eq(build("-M virt -nic none "
			   "-device virtio-rng-pci,addr=5 "
			   "-device virtio-rng-pci "
			   "-device virtio-rng-pci,disable-legacy=on "
			   "-device pcie-root-port,id=rp,chassis=3,slot=1,hotplug=off "
			   "-device virtio-rng-pci,bus=rp,disable-legacy=off "
			   "-device pcie-pci-bridge,id=pb,bus=pcie.0 "
			   "-device virtio-rng-pci,bus=pb,addr=0x1f"), 0, "%s", err);
	cr_assert_not_null(m.pci_root->fn[0x28]);
	/* first free slot: 1, then 2 (5 was taken explicitly) */
	cr_assert_eq(m.pci_root->fn[0x08]->device, 0x1005);
	cr_assert_eq(m.pci_root->fn[0x10]->device, 0x1044, "disable-legacy=on: modern id");
	cr_assert_eq((int)m.pci_root->fn[0x10]->pcie_type, HW_PCIE_NONE, "root bus: no PCIe cap");
	cr_assert_eq(m.pci_root->fn[0x18]->device, 0x000c);
	cr_assert_not(m.pci_root->fn[0x18]->hotplug_slot);
	cr_assert_eq(m.pci_root->fn[0x18]->slot, 1);
	/* transitional behind a root port keeps the endpoint capability */
	cr_assert_eq(m.pci_root->fn[0x18]->secondary->fn[0]->device, 0x1005);
	cr_assert_eq((int)m.pci_root->fn[0x18]->secondary->fn[0]->pcie_type, HW_PCIE_ENDPOINT);
	cr_assert_eq((int)m.pci_root->fn[0x20]->pcie_type, HW_PCIE_PCI_BRIDGE);
	cr_assert_eq(m.pci_root->fn[0x20]->device, 0x000e);
	cr_assert_not(m.pci_root->fn[0x20]->secondary->is_express);
	cr_assert_not_null(m.pci_root->fn[0x20]->secondary->fn[0xf8]);
}

Test(virt, multifunction)
{
	cr_assert_eq(build("-M virt -nic none "
			   "-device virtio-rng-pci,addr=4.0,multifunction=on "
			   "-device virtio-rng-pci,addr=4.1 "
			   "-device virtio-rng-pci,addr=4.7"), 0, "%s", err);
	cr_assert(m.pci_root->fn[0x20]->multifunction);
	cr_assert_not(m.pci_root->fn[0x21]->multifunction);
	cr_assert_eq(m.pci_root->fn[0x27]->devfn, 0x27);
	machine_free(&m);

	/* QEMU accepts function > 0 with no function 0 at cold plug */
	cr_assert_eq(build("-M virt -nic none -device virtio-rng-pci,addr=6.3"), 0, "%s", err);
	cr_assert_not_null(m.pci_root->fn[0x33]);
}

Test(virt, virtio_mmio_transports_fill_from_the_top)
{
	cr_assert_eq(build("-M virt -nic none -device virtio-blk-device,drive=a -device virtio-net-device,netdev=n "
			   "-device virtio-rng-device,bus=virtio-mmio-bus.3 -device virtio-rng-device "
			   "-drive if=none,id=a,file=/dev/null,readonly=on -netdev tap,id=n"), 0, "%s", err);
	cr_assert_not_null(m.mmio[31]);
	cr_assert_eq(m.mmio[31]->id, HW_VIRTIO_BLK);
	cr_assert_str_eq(m.mmio[31]->drive_file, "/dev/null");
	cr_assert_eq(m.mmio[30]->id, HW_VIRTIO_NET);
	cr_assert_eq(m.mmio[3]->id, HW_VIRTIO_RNG);
	cr_assert_eq(m.mmio[29]->id, HW_VIRTIO_RNG);
	cr_assert(m.mmio[31]->legacy && !m.mmio[31]->modern, "force-legacy defaults to true");
	for (int i = 0; i < 29; i++)
		if (i != 3)
			cr_assert_null(m.mmio[i]);
	machine_free(&m);

	cr_assert_eq(build("-M virt -nic none -global virtio-mmio.force-legacy=false -device virtio-rng-device"), 0, "%s", err);
	cr_assert(m.mmio[31]->modern && !m.mmio[31]->legacy);
}

Test(virt, all_32_transports_then_no_bus)
{
	char line[4096] = "-M virt -nic none";

	for (int i = 0; i < 32; i++)
		strcat(line, " -device virtio-rng-device");
	cr_assert_eq(build(line), 0, "%s", err);
	for (int i = 0; i < 32; i++)
		cr_assert_not_null(m.mmio[i]);
	machine_free(&m);
	strcat(line, " -device virtio-rng-device");
	cr_assert_eq(build(line), -EINVAL);
	cr_assert(strstr(err, "No 'virtio-bus' bus found for device 'virtio-rng-device'"), "%s", err);
}

Test(virt, implicit_virtio_drive)
{
	cr_assert_eq(build("-M virt -nic none -device virtio-rng-pci -drive id=hd,file=null-co://"), 0, "%s", err);
	/* if=virtio devices come after every explicit -device */
	cr_assert_eq(m.pci_root->fn[0x08]->device, 0x1005);
	cr_assert_eq(m.pci_root->fn[0x10]->device, 0x1001);
	cr_assert_str_eq(m.pci_root->fn[0x10]->virtio->drive_file, "null-co://");
}

struct bad { const char *line; const char *msg; };

Test(virt, bad_devices_properties_buses_addresses)
{
	static const struct bad cases[] = {
		{ "-device virtio-rng-pci", "No machine specified" },
		{ "-M pc", "unsupported machine type\nUse -machine help to list supported machines" },
		{ "-M virt,iommu=intel -nic none", "Invalid iommu value" },
		{ "-M virt,gic-version=5 -nic none", "Invalid gic-version value" },
		{ "-M virt,gic-version=4 -nic none", "gic-version=4 requires virtualization enabled" },
		{ "-M virt,bogus=1 -nic none", "Property 'virt-7.2-machine.bogus' not found" },
		{ "-M virt,x-smmu-translate-all=maybe -nic none", "Parameter 'x-smmu-translate-all' expects 'on' or 'off'" },
		{ "-M virt -nic none -m 12Q", "Parameter 'size' expects" },
		{ "-M virt -nic none -device foo", "-device foo: 'foo' is not a valid device model name" },
		{ "-M virt -nic none -device virtio-blk-pci,bogus=1,drive=d -drive if=none,id=d", "Property 'virtio-blk-pci.bogus' not found" },
		{ "-M virt -nic none -device virtio-rng-device,disable-legacy=on", "Property 'virtio-rng-device.disable-legacy' not found" },
		{ "-M virt -nic none -device virtio-rng-pci,bus=nope", "Bus 'nope' not found" },
		{ "-M virt -nic none -device virtio-rng-pci,bus=virtio-mmio-bus.0", "Device 'virtio-rng-pci' can't go on virtio-mmio-bus bus" },
		{ "-M virt -nic none -device virtio-rng-device,bus=pcie.0", "Device 'virtio-rng-device' can't go on PCIE bus" },
		{ "-M virt -nic none -device virtio-rng-device,bus=virtio-mmio-bus.32", "Bus 'virtio-mmio-bus.32' not found" },
		{ "-M virt -nic none -device virtio-rng-device,bus=virtio-mmio-bus.2 -device virtio-rng-device,bus=virtio-mmio-bus.2", "Bus 'virtio-mmio-bus.2' is full" },
		{ "-M virt -nic none -device virtio-rng-pci,addr=0", "PCI: slot 0 function 0 not available for virtio-rng-pci, in use by gpex-root,id=(null)" },
		{ "-M virt -nic none -device virtio-rng-pci,id=r1,addr=3 -device virtio-rng-pci,addr=3", "in use by virtio-rng-pci,id=r1" },
		{ "-M virt -nic none -device virtio-rng-pci,addr=20", "Property 'virtio-rng-pci.addr' doesn't take value '20'" },
		{ "-M virt -nic none -device virtio-rng-pci,addr=3.8", "doesn't take value '3.8'" },
		{ "-M virt -nic none -device virtio-rng-pci,addr=zz", "doesn't take value 'zz'" },
		{ "-M virt -nic none -device virtio-rng-pci,addr=3 -device virtio-rng-pci,addr=3.1", "PCI: single function device can't be populated in function 3.1" },
		{ "-M virt -nic none -device virtio-rng-pci,addr=3.2 -device virtio-rng-pci,addr=3", "PCI: 3.0 indicates single function, but 3.2 is already populated." },
		{ "-M virt -nic none -device virtio-rng-pci,multifunction=perhaps", "Parameter 'multifunction' expects 'on' or 'off'" },
		{ "-M virt -nic none -device virtio-rng-pci,disable-legacy=sometimes", "Parameter 'disable-legacy' does not accept value 'sometimes'" },
		{ "-M virt -nic none -device virtio-rng-pci,disable-legacy=on,disable-modern=on", "neither modern nor legacy mode is enabled" },
		{ "-M virt -nic none -device virtio-rng-pci,iommu_platform=on", "VIRTIO_F_IOMMU_PLATFORM was supported by neither legacy nor transitional device" },
		{ "-M virt -nic none -device virtio-blk-pci", "drive property not set" },
		{ "-M virt -nic none -device virtio-blk-pci,drive=d9", "Property 'virtio-blk-device.drive' can't find value 'd9'" },
		{ "-M virt -nic none -device virtio-blk-pci,drive=d -device virtio-blk-pci,drive=d -drive if=none,id=d,file=null-co://", "Drive 'd' is already in use by another device" },
		{ "-M virt -nic none -device virtio-net-pci,netdev=n9", "Property 'virtio-net-device.netdev' can't find value 'n9'" },
		{ "-M virt -nic none -netdev user,id=n -device virtio-net-pci,netdev=n -device virtio-net-device,netdev=n", "can't take value 'n', it's in use" },
		{ "-M virt -nic none -netdev warp,id=n", "Parameter 'type' does not accept value 'warp'" },
		{ "-M virt -nic none -device pci-bridge,id=b", "Bridge chassis not specified" },
		{ "-M virt -nic none -device pci-bridge,id=b,chassis_nr=256", "Parameter 'chassis_nr' expects uint8_t" },
		{ "-M virt -nic none -device pci-bridge,id=b,chassis_nr=1 -device virtio-rng-pci,bus=b", "Unsupported PCI slot 0 for standard hotplug controller" },
		{ "-M virt -nic none -device pcie-root-port,id=a -device pcie-root-port,id=b", "Can't add chassis slot, error -16" },
		{ "-M virt -nic none -device pcie-root-port,id=a,chassis=1,bogus=2", "Property 'pcie-root-port.bogus' not found" },
		{ "-M virt -nic none -global virtio-mmio.bogus=1", "can't apply global virtio-mmio.bogus=1: Property 'virtio-mmio.bogus' not found" },
		{ "-M virt -nic none -global virtio-mmio.force-legacy=x", "can't apply global virtio-mmio.force-legacy=x: Parameter 'force-legacy' expects 'on' or 'off'" },
		{ "-M virt -nic none -global virtio-rng-pci.disable-legacy=nah -device virtio-rng-pci", "can't apply global virtio-rng-pci.disable-legacy=nah" },
		{ "-M virt -nic none -drive if=ide,id=x,file=/dev/null", "machine type does not support if=ide,bus=0,unit=0" },
		/* the device registry's types, parents, links and realize checks */
		{ "-M virt -nic none -device virtio-balloon-pci", "-device virtio-balloon-pci: Device 'virtio-balloon-pci' is not modelled by iommusim (-device help lists those that are)" },
		{ "-M virt -nic none -device virtio-serial", "Device 'virtio-serial' is not modelled by iommusim" },
		{ "-M virt -nic none -netdev user,id=n -device virtio-net-pci,netdev=n,bootindex=1 -drive if=none,id=d,file=null-co:// -device virtio-blk-pci,drive=d,bootindex=1",
		  "-device virtio-blk-pci,drive=d,bootindex=1: The bootindex 1 has already been used" },
		{ "-M virt -nic none -device pci-device", "-device pci-device: Parameter 'driver' expects a non-abstract device type" },
		{ "-M virt -nic none -device virtio-pci", "Parameter 'driver' expects a non-abstract device type" },
		{ "-M virt -nic none -device virtio-rng-pci,rng=r0", "-device virtio-rng-pci,rng=r0: Device 'r0' not found" },
		{ "-M virt -nic none -object iothread,id=r0 -device virtio-rng-pci,rng=r0", "Invalid parameter type for 'rng', expected: rng-backend" },
		{ "-M virt -nic none -object rng-random,id=io -device virtio-blk-pci,iothread=io,drive=d -drive if=none,id=d,file=null-co://", "Invalid parameter type for 'iothread', expected: iothread" },
		{ "-M virt -nic none -device virtio-blk-pci,drive=x,iothread=y", "Device 'y' not found" },
		{ "-M virt -nic none -device virtio-rng-pci,period=0", "'period' parameter expects a positive integer" },
		{ "-M virt -nic none -device virtio-rng-device,max-bytes=-1", "'max-bytes' parameter must be non-negative, and less than 2^63" },
		{ "-M virt -nic none -device virtio-net-pci,mac=52:54:00:12:34", "Property 'virtio-net-device.mac' doesn't take value '52:54:00:12:34'" },
		{ "-M virt -nic none -device virtio-net-pci,virtio-backend=x", "Property 'virtio-net-pci.virtio-backend' is not writable" },
		{ "-M virt -nic none -device virtio-net-pci,packed=on", "Property 'virtio-net-device.packed' is not modelled by iommusim" },
		{ "-M virt -nic none -device virtio-rng-pci,romsize=3", "ROM size 3 is not a power of two" },
		{ "-M virt -nic none -device virtio-rng-pci,romfile=efi-virtio.rom", "option ROM files other than the device's own (none) are not modelled" },
		{ "-M virt -nic none -device e1000,romsize=131072",
		  "romfile \"efi-e1000.rom\" (249856 bytes) is too large for ROM size 131072" },
		{ "-M virt -nic none -device e1000,romfile=efi-virtio.rom",
		  "option ROM files other than the device's own (efi-e1000.rom) are not modelled" },
		{ "-M virt -nic none -device pcie-root-port,chassis=1,pref32-reserve=1M,pref64-reserve=1M", "PCI resource reserve cap: PREF32 and PREF64 conflict" },
		{ "-M virt -nic none -device pci-bridge,chassis_nr=1,mem-reserve=5G", "PCI resource reserve cap: mem-reserve must be less than 4G" },
		{ "-M virt -nic none -device pci-bridge,chassis_nr=1,pref32-reserve=4G", "PCI resource reserve cap: pref32-reserve  must be less than 4G" },
		{ "-M virt -nic none -device pci-bridge,pref32-reserve=1M,pref64-reserve=1M", "Bridge chassis not specified" },
		{ "-M virt -nic none -device pcie-root-port,x-speed=3", "Parameter 'x-speed' does not accept value '3'" },
		{ "-M virt -nic none -drive if=none,id=d,file=null-co:// -device virtio-blk-pci,drive=d,num-queues=0", "num-queues property must be larger than 0" },
		{ "-M virt -nic none -drive if=none,id=d,file=null-co:// -device virtio-blk-pci,drive=d,queue-size=2", "invalid queue-size property (2), must be > 2" },
		{ "-M virt -nic none -drive if=none,id=d,file=null-co:// -device virtio-blk-pci,drive=d,queue-size=100", "invalid queue-size property (100), must be a power of 2 (max 1024)" },
		{ "-M virt -nic none -drive if=none,id=d,file=null-co:// -device virtio-blk-pci,drive=d,queue-size=2048", "invalid queue-size property (2048), must be a power of 2 (max 1024)" },
		{ "-M virt -nic none -drive if=none,id=d,file=null-co:// -device virtio-blk-pci,drive=d,logical_block_size=4096", "logical_block_size > physical_block_size not supported" },
		{ "-M virt -nic none -drive if=none,id=d,file=null-co:// -device virtio-blk-pci,drive=d,min_io_size=1000", "min_io_size must be a multiple of logical_block_size" },
		{ "-M virt -nic none -drive if=none,id=d,file=null-co:// -device virtio-blk-pci,drive=d,opt_io_size=1000", "opt_io_size must be a multiple of logical_block_size" },
		{ "-M virt -nic none -drive if=none,id=d,file=null-co:// -device virtio-blk-pci,drive=d,min_io_size=32M", "min_io_size must not exceed 65535 logical blocks" },
		{ "-M virt -nic none -drive if=none,id=d,file=null-co:// -device virtio-blk-pci,drive=d,logical_block_size=1000", "Property .logical_block_size doesn't take value '1000', it's not a power of 2" },
		{ "-M virt -nic none -drive if=none,id=d,file=null-co:// -device virtio-blk-device,id=x,drive=d,physical_block_size=4M", "Property x.physical_block_size doesn't take value 4194304 (minimum: 512, maximum: 2097152)" },
		{ "-M virt -nic none -global virtio-device.iommu_platform=maybe -device virtio-rng-device", "-device virtio-rng-device: can't apply global virtio-device.iommu_platform=maybe: Parameter 'iommu_platform' expects 'on' or 'off'" },
		{ "-M virt -nic none -global virtio-pci.disable-modern=on -global virtio-rng-pci.disable-legacy=on -device virtio-rng-pci", "neither modern nor legacy mode is enabled" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = build(cases[i].line);

		cr_assert_eq(ret, -EINVAL, "case %zu (%s): %d %s", i, cases[i].line, ret, err);
		cr_assert(strstr(err, cases[i].msg), "case %zu: '%s' lacks '%s'", i, err, cases[i].msg);
		cr_assert_null(m.pci_root, "case %zu: zeroed", i);
		cr_assert_null(m.fdt);
		cr_assert_null(m.append);
		for (int t = 0; t < VIRT_MMIO_TRANSPORTS; t++)
			cr_assert_null(m.mmio[t]);
	}
}

Test(virt, global_sets_device_default)
{
	cr_assert_eq(build("-M virt -nic none -global virtio-rng-pci.disable-legacy=on "
			   "-device virtio-rng-pci -device virtio-rng-pci,disable-legacy=off"), 0, "%s", err);
	cr_assert_eq(m.pci_root->fn[0x08]->device, 0x1044);
	cr_assert_eq(m.pci_root->fn[0x10]->device, 0x1005, "the device's own option wins");
}

Test(virt, globals_reach_subtypes_and_aliased_virtio_devices)
{
	/* QEMU applies a global to every object of the type or a subtype; virtio-*-pci's child too */
	cr_assert_eq(build("-M virt -nic none -global virtio-pci.disable-legacy=on "
			   "-global virtio-device.iommu_platform=on -device virtio-rng-pci "
			   "-device virtio-rng-device"), 0, "%s", err);
	cr_assert_eq(m.pci_root->fn[0x08]->device, 0x1044);
	cr_assert(m.pci_root->fn[0x08]->virtio->iommu_platform);
	cr_assert(m.mmio[31]->iommu_platform);
	machine_free(&m);
	cr_assert_eq(build("-M virt -nic none -global virtio-rng-device.queue_reset=off -device virtio-rng-pci"),
		     0, "%s", err);
	cr_assert(m.pci_root->fn[0x08]->virtio->no_queue_reset);
}

Test(virt, aliases_and_modelled_properties)
{
	cr_assert_eq(build("-M virt -nic none -device pcie-root-port,id=rp,chassis=1,disable-acs=on "
			   "-device virtio-rng,bus=rp -device pcie-root-port,id=rp2,chassis=2,port=5"), 0, "%s", err);
	cr_assert_str_eq(m.pci_root->fn[0x08]->qemu_driver, "pcie-root-port");
	cr_assert(!m.pci_root->fn[0x08]->has_acs, "disable-acs=on: no ACS capability");
	cr_assert(m.pci_root->fn[0x10]->has_acs);
	cr_assert_str_eq(m.pci_root->fn[0x08]->secondary->fn[0]->qemu_driver, "virtio-rng-pci",
			 "the alias makes QEMU's type");
	machine_free(&m);
	/* no-effect properties are accepted with any good value */
	cr_assert_eq(build("-M virt -nic none -netdev user,id=n -device virtio-net-pci,netdev=n,mac=52:54:00:12:34:56,"
			   "bootindex=1,ioeventfd=off,romfile=,rombar=0,acpi-index=3 -object rng-random,id=r,filename=/dev/urandom "
			   "-device virtio-rng-pci,rng=r,max-bytes=1024,period=1000"), 0, "%s", err);
	cr_assert_str_eq(m.pci_root->fn[0x08]->virtio->netdev, "n");
}

Test(virt, virtio_blk_block_sizes)
{
	cr_assert_eq(build("-M virt -nic none -drive if=none,id=d,file=null-co:// "
			   "-device virtio-blk-pci,drive=d,logical_block_size=4k,physical_block_size=8k,"
			   "min_io_size=16k,opt_io_size=1M"), 0, "%s", err);
	const struct hw_virtio *v = m.pci_root->fn[0x08]->virtio;
	cr_assert_eq(v->logical_block_size, 4096);
	cr_assert_eq(v->physical_block_size, 8192);
	cr_assert_eq(v->min_io_size, 16384);
	cr_assert_eq(v->opt_io_size, 1 << 20);
	machine_free(&m);
	cr_assert_eq(build("-M virt -nic none -drive if=none,id=d,file=null-co:// -device virtio-blk-device,drive=d"),
		     0, "%s", err);
	cr_assert_eq(m.mmio[31]->logical_block_size, 0, "0: the backend's 512");
	cr_assert_eq(m.mmio[31]->num_queues, 1, "virtio-mmio: one queue");
}

Test(virt, transitional_and_non_transitional_types)
{
	cr_assert_eq(build("-M virt -nic none -device pcie-root-port,id=rp,chassis=1 "
			   "-device virtio-rng-pci-transitional,bus=rp -device virtio-rng-pci-non-transitional "
			   "-device virtio-rng-pci,disable-legacy=off,disable-modern=on"), 0, "%s", err);
	const struct hw_pci_fn *t = m.pci_root->fn[0x08]->secondary->fn[0];
	cr_assert_str_eq(t->qemu_driver, "virtio-rng-pci-transitional");
	cr_assert_eq(t->device, 0x1005, "transitional behind a root port: legacy IDs");
	cr_assert(t->virtio->legacy && t->virtio->modern);
	cr_assert_eq(t->pcie_type, HW_PCIE_ENDPOINT);
	cr_assert_eq(m.pci_root->fn[0x10]->device, 0x1044, "non-transitional on pcie.0: modern only");
	cr_assert(!m.pci_root->fn[0x10]->virtio->legacy);
	cr_assert_eq(m.pci_root->fn[0x18]->device, 0x1005);
	cr_assert(!m.pci_root->fn[0x18]->virtio->modern);
	machine_free(&m);
	/* their mode is fixed: no disable-legacy or disable-modern */
	cr_assert_eq(build("-M virt -nic none -device virtio-rng-pci-transitional,disable-legacy=on"), -EINVAL);
	cr_assert_str_eq(err, "-device virtio-rng-pci-transitional,disable-legacy=on: "
			      "Property 'virtio-rng-pci-transitional.disable-legacy' not found");
	cr_assert_eq(build("-M virt -nic none -device virtio-rng-pci-transitional,iommu_platform=on"), -EINVAL);
	cr_assert(strstr(err, "VIRTIO_F_IOMMU_PLATFORM was supported by neither legacy nor transitional device"), "%s", err);
	cr_assert_eq(build("-M virt -nic none -device virtio-blk-pci-base"), -EINVAL);
	cr_assert(strstr(err, "Parameter 'driver' expects a non-abstract device type"), "%s", err);
	/* -global virtio-pci.* reaches them all */
	cr_assert_eq(build("-M virt -nic none -global virtio-pci.x-disable-pcie=on -device pcie-root-port,id=rp,chassis=1 "
			   "-device virtio-rng-pci-non-transitional,bus=rp"), 0, "%s", err);
	cr_assert_eq(m.pci_root->fn[0x08]->secondary->fn[0]->pcie_type, HW_PCIE_NONE);
}

Test(virt, dump_dts_through_dtc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	cr_assert_eq(build("-M virt,iommu=smmuv3 -nic none -append console=ttyAMA0"), 0, "%s", err);
	f = open_memstream(&buf, &len);
	cr_assert_eq(machine_dump_dts(&m, f), 0);
	fclose(f);
	cr_assert(strstr(buf, "smmuv3@9050000 {"), "%s", buf);
	cr_assert(strstr(buf, "compatible = \"arm,smmu-v3\";"));
	cr_assert(strstr(buf, "bootargs = \"console=ttyAMA0\";"));
	cr_assert(strstr(buf, "virtio_mmio@a003e00 {"));
	cr_assert(strstr(buf, "v2m@8020000 {"));
	free(buf);
}

Test(virt, dtb_machine_build_validates)
{
	void *copy;

	cr_assert_eq(build("-M virt -nic none"), 0, "%s", err);
	{
		struct machine u;

		cr_assert_eq(dtb_machine_build(m.fdt, m.fdt_size, NULL, &u, err, sizeof(err)), 0, "%s", err);
		cr_assert_eq(u.fdt_size, m.fdt_size);
		cr_assert_neq(u.fdt, m.fdt, "a copy");
		cr_assert_eq(memcmp(u.fdt, m.fdt, m.fdt_size), 0);
		cr_assert_eq(u.gic_version, 0);
		cr_assert_null(u.pci_root);
		cr_assert_str_eq(u.append, "");
		machine_free(&u);
	}
	copy = malloc(m.fdt_size);
	memcpy(copy, m.fdt, m.fdt_size);
	{
		struct machine u;

		/* a truncated buffer */
		cr_assert_eq(dtb_machine_build(copy, m.fdt_size - 8, NULL, &u, err, sizeof(err)), -EINVAL);
		cr_assert(strstr(err, "invalid device tree blob"), "%s", err);
		cr_assert_null(u.fdt);
		/* a bad magic */
		((unsigned char *)copy)[0] ^= 0xff;
		cr_assert_eq(dtb_machine_build(copy, m.fdt_size, NULL, &u, err, sizeof(err)), -EINVAL);
		cr_assert_null(u.fdt);
		((unsigned char *)copy)[0] ^= 0xff;
		/* a corrupt structure block: the first tag is no longer FDT_BEGIN_NODE */
		((unsigned char *)copy)[fdt_off_dt_struct(copy) + 3] = 0x7;
		cr_assert_eq(dtb_machine_build(copy, m.fdt_size, NULL, &u, err, sizeof(err)), -EINVAL);
		cr_assert_eq(dtb_machine_build(NULL, 0, NULL, &u, err, sizeof(err)), -EINVAL);
	}
	free(copy);
}

Test(virt, thousand_endpoints_build_fast)
{
	/* 31 pci-bridges (pcie.0 slots 1..31) x 31 endpoints = 961 endpoints */
	size_t cap = 1 << 16, n = 0;
	char *line = malloc(cap);
	struct timespec t0, t1;
	double ms;
	int count = 0;

	n += (size_t)snprintf(line + n, cap - n, "-M virt,iommu=smmuv3 -nic none");
	for (int b = 0; b < 31; b++) {
		n += (size_t)snprintf(line + n, cap - n, " -device pci-bridge,id=b%d,chassis_nr=%d", b, b + 1);
		for (int s = 1; s < 32; s++)
			n += (size_t)snprintf(line + n, cap - n, " -device virtio-rng-pci,bus=b%d,addr=%x", b, s);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(build(line), 0, "%s", err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	for (int s = 1; s < 32; s++)
		for (int b = 1; b < 32; b++)
			count += m.pci_root->fn[s * 8]->secondary->fn[b * 8] != NULL;
	cr_assert_eq(count, 31 * 31);
	free(line);
	cr_log_info("1000-endpoint build (parse + build): %.2f ms", ms);
	/* generous bound so sanitizer builds pass; the plain build takes ~1 ms */
	cr_assert_lt(ms, 200.0);
}
