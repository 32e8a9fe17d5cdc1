/*
 * QEMU's own rules on a virt command line: the default NIC, -nic/-net,
 * -smp (topology and limits, queues per vCPU), -cpu; and the kernel's
 * pci_enable_device() lines that follow from them. Expected texts are
 * QEMU 7.2's and Linux 6.1's.
 */
#include "boot_util.h"

static void boot_fails(const char *args, const char *msg)
{
	char err[512] = "";
	struct iommusim *sim = boot_str(args, err, sizeof(err));
	cr_assert_null(sim, "'%s' booted", args);
	cr_assert_str_eq(err, msg, "'%s'", args);
}

static char *summary(struct iommusim *sim)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	iommusim_print_summary(sim, f, false);
	fclose(f);
	return buf;
}

Test(qemu_rules, default_nic_takes_the_first_free_slot)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -device virtio-rng-pci");
	cr_assert_eq(pdev_of(sim, "0000:00:01.0")->device, 0x1000, "virtio-net at 00:01.0");
	cr_assert_eq(pdev_of(sim, "0000:00:02.0")->device, 0x1005, "the rng moved to 00:02.0");
	iommusim_free(sim);
}

Test(qemu_rules, no_default_nic_with_netdev_nic_none_net_none_or_nodefaults)
{
	static const char *const variants[] = {
		"-M virt -nic none -device virtio-rng-pci",
		"-M virt -net none -device virtio-rng-pci",
		"-M virt -nodefaults -device virtio-rng-pci",
		"-M virt -netdev user,id=n -device virtio-rng-pci",
		"-M virt -net user -device virtio-rng-pci",
	};
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		struct iommusim *sim = boot_ok(variants[i]);
		cr_assert_eq(pdev_of(sim, "0000:00:01.0")->device, 0x1005, "%s", variants[i]);
		cr_assert_null(pci_get_by_name(sim->k, "0000:00:02.0"), "%s", variants[i]);
		iommusim_free(sim);
	}
}

Test(qemu_rules, nics_from_nic_and_net_come_before_devices)
{
	struct iommusim *sim = boot_ok("-M virt -nic user,model=virtio-net-pci -net nic -device virtio-rng-pci");
	cr_assert_eq(pdev_of(sim, "0000:00:01.0")->device, 0x1000);
	cr_assert_eq(pdev_of(sim, "0000:00:02.0")->device, 0x1000);
	cr_assert_eq(pdev_of(sim, "0000:00:03.0")->device, 0x1005);
	iommusim_free(sim);
	boot_fails("-M virt -nic foo", "-nic foo: Parameter 'type' does not accept value 'foo'");
	/* the e1000 and e1000e models are modelled NICs too; other QEMU NICs are not; igb is no QEMU 7.2 NIC */
	sim = boot_ok("-M virt -nic user,model=e1000 -net nic,model=e1000e -net user");
	cr_assert_eq(pdev_of(sim, "0000:00:01.0")->device, 0x100e);
	cr_assert_eq(pdev_of(sim, "0000:00:02.0")->device, 0x10d3);
	iommusim_free(sim);
	boot_fails("-M virt -nic user,model=rtl8139",
		   "-nic user,model=rtl8139: NIC model 'rtl8139' is not modelled by iommusim (virtio-net-pci, e1000 and e1000e are)");
	boot_fails("-M virt -nic user,model=igb", "Unsupported NIC model: igb");
	boot_fails("-M virt -nic user,model=e1000-82540em", "Unsupported NIC model: e1000-82540em");
	/* the default NIC holds slot 1 before -device asks for it */
	char err[512] = "";
	cr_assert_null(boot_str("-M virt -device virtio-rng-pci,addr=1", err, sizeof(err)));
	cr_assert(strstr(err, "slot 1 function 0 not available"), "%s", err);
}

/* the NICInfo's vectors: 0 from -nic (no MSI-X), the device's default or vectors= from -net nic */
Test(qemu_rules, nic_vectors_follow_the_option)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic user,model=virtio-net-pci -net nic -net nic,vectors=3 "
				       "-net user");
	cr_assert_null(pdev_of(sim, "0000:00:01.0")->hw->msix, "-nic: no MSI-X");
	u32 ctrl = 0;
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:02.0", 0x98 + 2, 2, &ctrl), 0);
	cr_assert_eq((ctrl & 0x7ff) + 1, 4, "-net nic: virtio-net's 2 * 1 + 2");
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:03.0", 0x98 + 2, 2, &ctrl), 0);
	cr_assert_eq((ctrl & 0x7ff) + 1, 3, "-net nic,vectors=3");
	iommusim_free(sim);
	boot_fails("-M virt -net nic,vectors=abc -net user", "-net nic,vectors=abc: Parameter 'vectors' expects a uint64 value");
	boot_fails("-M virt -net nic,vectors=0x8000000 -net user",
		   "-net nic,vectors=0x8000000: invalid # of vectors: 134217728");
	boot_fails("-M virt -net foo,x=1", "-net foo,x=1: Parameter 'type' does not accept value 'foo'");
}

Test(qemu_rules, smp_topology_errors_are_qemus)
{
	boot_fails("-M virt -smp foo", "Parameter 'smp.cpus' expects integer");
	boot_fails("-M virt -smp 2,foo=1", "Parameter 'smp.foo' is unexpected");
	boot_fails("-M virt -smp cpus=2,maxcpus=1",
		   "Invalid CPU topology: maxcpus must be equal to or greater than smp: sockets (1) * clusters (1) * cores (1) * threads (1) == maxcpus (1) < smp_cpus (2)");
	boot_fails("-M virt -smp 2,sockets=3",
		   "Invalid CPU topology: product of the hierarchy must match maxcpus: sockets (3) * clusters (1) * cores (0) * threads (1) != maxcpus (2)");
	boot_fails("-M virt -smp 9",
		   "Number of SMP CPUs requested (9) exceeds max CPUs supported by machine 'mach-virt' (8)");
	boot_fails("-M virt,gic-version=3 -smp 600",
		   "Invalid SMP CPUs 600. The max CPUs supported by machine 'virt-7.2' is 512");
	struct iommusim *sim = boot_ok("-M virt,gic-version=3 -smp 9 -nic none");
	iommusim_free(sim);
}

Test(qemu_rules, cpu_models_virt_takes)
{
	boot_fails("-M virt -cpu foo", "unable to find CPU model 'foo'");
	boot_fails("-M virt -cpu arm926", "mach-virt: CPU type arm926-arm-cpu not supported");
	boot_fails("-M virt -cpu host", "The 'host' CPU type can only be used with KVM or HVF");
	boot_fails("-M virt -cpu max,sve=off", "-cpu max: CPU property 'sve' is not modelled by iommusim");
	struct iommusim *sim = boot_ok("-M virt -cpu cortex-a57 -nic none");
	char *dts = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&dts, &len);
	cr_assert_eq(iommusim_dump_dts(sim, f), 0);
	fclose(f);
	cr_assert(strstr(dts, "compatible = \"arm,cortex-a57\""));
	free(dts);
	iommusim_free(sim);
}

/* virtio-blk-pci's num-queues follows the vCPUs; the driver takes one per CPU */
Test(qemu_rules, blk_queues_per_vcpu)
{
	static const struct {
		const char *smp;
		const char *line;
	} cases[] = {
		{ "1", "virtio_blk virtio0: 1/0/0 default/read/poll queues" },
		{ "2", "virtio_blk virtio0: 2/0/0 default/read/poll queues" },
		{ "4", "virtio_blk virtio0: 4/0/0 default/read/poll queues" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char args[256];
		snprintf(args, sizeof(args),
			 "-M virt -nic none -smp %s -drive if=none,id=d,file=null-co:// -device virtio-blk-pci,drive=d",
			 cases[i].smp);
		struct iommusim *sim = boot_ok(args);
		char *log = run(sim, "dmesg\n");
		cr_assert(strstr(log, cases[i].line), "-smp %s:\n%s", cases[i].smp, log);
		free(log);
		iommusim_free(sim);
	}
	/* virtio-mmio's virtio-blk-device keeps one queue */
	struct iommusim *sim = boot_ok("-M virt -nic none -smp 4 -drive if=none,id=d,file=null-co:// "
				       "-device virtio-blk-device,drive=d");
	char *log = run(sim, "dmesg\n");
	cr_assert(strstr(log, "1/0/0 default/read/poll queues"), "%s", log);
	free(log);
	iommusim_free(sim);
}

/* pci_enable_device(): bridges above first, once; a rebind enables nothing new */
Test(qemu_rules, enabling_device_lines)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device pci-bridge,id=b,chassis_nr=1 "
				       "-device virtio-rng-pci,bus=b,addr=1,disable-legacy=on");
	char *log = run(sim, "dmesg\n");
	cr_assert(strstr(log, "pci 0000:00:01.0: enabling device (0000 -> 0002)\n"), "%s", log);
	cr_assert(strstr(log, "virtio-pci 0000:01:01.0: enabling device (0000 -> 0002)\n"), "%s", log);
	free(log);
	free(run(sim, "echo 0000:01:01.0 > /sys/bus/pci/drivers/virtio-pci/unbind\n"
		      "echo 0000:01:01.0 > /sys/bus/pci/drivers/virtio-pci/bind\n"));
	log = run(sim, "dmesg\n");
	const char *line = "virtio-pci 0000:01:01.0: enabling device";
	size_t at = strstr(log, line) ? (size_t)(strstr(log, line) - log) : strlen(log);
	cr_assert_lt(at, strlen(log));
	cr_assert_null(strstr(log + at + 1, line), "%s", log);
	free(log);
	char *s = summary(sim);
	cr_assert(strstr(s, "0000:01:01.0 vendor=0x1af4 device=0x1044 class=0x00ff00 driver=virtio-pci"), "%s", s);
	free(s);
	iommusim_free(sim);
}
