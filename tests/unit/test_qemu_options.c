/*
 * The whole qemu-system-aarch64 7.2 command line: every class of option
 * (modelled, accepted with no effect, refused as not modelled, refused as
 * QEMU refuses it), the JSON forms libvirt writes, -machine properties and
 * versioned types, -m, -blockdev, -append. Each expected message is what
 * QEMU 7.2 (or Linux 6.1, for -append) printed for the same input.
 */
#include <libfdt.h>
#include <unistd.h>
#include "boot_util.h"
#include "machine/qemu_cmdline.h"
#include "machine/qemu_options.h"
#include "machine/machine.h"
#include "hw/virtio_blk_dev.h"

#define N_ARGS(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define ARGV(...) N_ARGS(__VA_ARGS__), (char *[]){ __VA_ARGS__ }

#define PCI_DEVFN_(slot, fn) (((slot) << 3) | (fn))

static char err[1024];

static struct iommusim *boot_v(int argc, char **argv)
{
	err[0] = '\0';
	return iommusim_boot(argc, argv, NULL, err, sizeof(err));
}

/* The machine boots. */
static struct iommusim *ok(int argc, char **argv)
{
	struct iommusim *sim = boot_v(argc, argv);
	cr_assert_not_null(sim, "boot failed: %s", err);
	return sim;
}

/* It fails with exactly this message (what follows "qemu-system-aarch64: "). */
static void fails(int argc, char **argv, const char *msg)
{
	struct iommusim *sim = boot_v(argc, argv);
	cr_assert_null(sim, "'%s' booted", argv[argc - 1]);
	cr_assert_str_eq(err, msg);
}

/* ---- the option table ---- */

Test(qemu_options, every_option_of_the_table_is_known_and_others_are_invalid)
{
	cr_assert_eq(qemu_option_count, 121, "QEMU 7.2's qemu-system-aarch64 has 121 options");
	for (size_t i = 0; i < qemu_option_count; i++)
		cr_assert_eq(qemu_option_lookup(qemu_option_table[i].name), &qemu_option_table[i]);
	cr_assert_null(qemu_option_lookup("balloon"), "removed before 7.2");
	cr_assert_null(qemu_option_lookup("watchdog"), "removed before 7.2");
	fails(ARGV("-M", "virt", "-foo"), "-foo: invalid option");
	fails(ARGV("-M", "virt", "--foo"), "--foo: invalid option");
	fails(ARGV("-M", "virt", "-balloon", "virtio"), "-balloon: invalid option");
	fails(ARGV("-M", "virt", "-m"), "-m: requires an argument");
	/* the first pass finds an invalid option before any other error */
	fails(ARGV("-M", "virt,bogus=1", "-nic", "none", "-frob"), "-frob: invalid option");
	fails(ARGV("-M", "virt", "-g", "800x600"), "-g 800x600: Option not supported for this target");
	fails(ARGV("-M", "virt", "-win2k-hack"), "-win2k-hack: Option not supported for this target");
	fails(ARGV("-M", "virt", "-xen-domid", "1"), "-xen-domid 1: Option not supported for this target");
}

Test(qemu_options, double_dash_options_and_options_without_arguments)
{
	struct iommusim *sim = ok(ARGV("--machine", "virt,iommu=smmuv3", "--nographic", "--no-reboot",
				       "-S", "-s", "--nodefaults", "-no-user-config", "--device", "virtio-rng-pci"));
	cr_assert_eq(pdev_of(sim, "0000:00:01.0")->device, 0x1005, "no default NIC with -nodefaults");
	iommusim_free(sim);
}

/* Options that change no answer are accepted and recorded. */
Test(qemu_options, no_effect_options_are_accepted_and_recorded)
{
	struct iommusim *sim = ok(ARGV(
		"-M", "virt,iommu=smmuv3", "-nic", "none", "-kernel", "/dev/null", "-initrd", "/dev/null",
		"-nographic", "-serial", "mon:stdio", "-display", "none", "-monitor", "none",
		"-chardev", "pty,id=charserial0", "-mon", "chardev=charserial0,mode=readline",
		"-name", "guest=vm1,debug-threads=on", "-uuid", "6a2c4f3e-8b1d-4e6a-9f7c-2d5e8a1b3c4d",
		"-rtc", "base=utc,clock=host,driftfix=none", "-no-reboot", "-no-shutdown",
		"-no-user-config", "-overcommit", "mem-lock=off", "-boot", "strict=on", "-vga", "none",
		"-audiodev", "none,id=a", "-k", "fr", "-msg", "timestamp=on", "-d", "int", "-D", "/dev/null",
		"-trace", "foo", "-pidfile", "/dev/null", "-daemonize", "-S", "-s", "-gdb", "none",
		"-qmp", "stdio", "-icount", "shift=auto", "-sandbox", "on,obsolete=deny", "-seed", "5",
		"-action", "reboot=shutdown", "-watchdog-action", "pause", "-compat", "deprecated-input=reject",
		"-fw_cfg", "name=opt/x,string=y", "-smbios", "type=1,serial=x", "-usb", "-no-acpi",
		"-object", "iothread,id=io0", "-object", "secret,id=s0,data=x", "-accel", "tcg,thread=multi"));
	char *rec = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&rec, &len);
	iommusim_print_cmdline(sim, f);
	fclose(f);
	cr_assert(strstr(rec, "-kernel /dev/null"), "%s", rec);
	cr_assert(strstr(rec, "-nographic                               no effect on the answers\n"), "%s", rec);
	cr_assert(strstr(rec, "-M virt,iommu=smmuv3                     modelled\n"), "%s", rec);
	cr_assert(strstr(rec, "-object iothread,id=io0                  no effect on the answers\n"), "%s", rec);
	free(rec);
	iommusim_free(sim);
}

/* QEMU's checks of the no-effect options, as QEMU words them. */
Test(qemu_options, no_effect_options_are_checked_as_qemu_checks_them)
{
	static const struct { const char *opt, *arg, *msg; } cases[] = {
		{ "-rtc", "foo=1", "-rtc foo=1: Invalid parameter 'foo'" },
		{ "-rtc", "base=foo", "invalid datetime format\nvalid formats: '2006-06-17T16:01:21' or '2006-06-17'" },
		{ "-rtc", "clock=foo", "invalid option value 'foo'" },
		{ "-boot", "foo=1", "Parameter 'boot.foo' is unexpected" },
		{ "-boot", "order=z", "Invalid boot device 'z'" },
		{ "-boot", "order=cc", "Boot device 'c' was given twice" },
		{ "-name", "foo=1", "-name foo=1: Invalid parameter 'foo'" },
		{ "-overcommit", "mem-lock=x", "-overcommit mem-lock=x: Parameter 'mem-lock' expects 'on' or 'off'" },
		{ "-uuid", "foo", "-uuid foo: failed to parse UUID string: wrong format" },
		{ "-action", "panic=foo", "-action panic=foo: Parameter 'panic' does not accept value 'foo'" },
		{ "-icount", "x", "-icount x: icount: Invalid shift value" },
		{ "-compat", "deprecated-input=foo", "-compat deprecated-input=foo: Parameter 'deprecated-input' does not accept value 'foo'" },
		{ "-sandbox", "on,obsolete=foo", "-sandbox on,obsolete=foo: invalid argument for obsolete" },
		{ "-set", "foo", "-set foo: can't parse: \"foo\"" },
		{ "-set", "foo.x.y=1", "-set foo.x.y=1: There is no option group 'foo'" },
		{ "-set", "device.x.y=1", "-set device.x.y=1: there is no device \"x\" defined" },
		{ "-seed", "x", "-seed x: Invalid seed number: x" },
		{ "-fw_cfg", "foo", "-fw_cfg foo: name, plus exactly one of file, string and gen_id, are needed" },
		{ "-add-fd", "fd=0,set=1", "-add-fd fd=0,set=1: fd cannot be a standard I/O stream" },
		{ "-mon", "chardev=x", "-mon chardev=x: chardev \"x\" not found" },
		{ "-serial", "foo", "-serial foo: 'foo' is not a valid char driver" },
		{ "-qmp", "none", "-qmp none: 'none' is not a valid char driver" },
		{ "-chardev", "null", "-chardev null: chardev: no id specified" },
		{ "-chardev", "foo,id=c", "-chardev foo,id=c: 'foo' is not a valid char driver name" },
		{ "-display", "foo", "-display foo: Parameter 'type' does not accept value 'foo'" },
		{ "-vga", "foo", "unknown vga type: foo" },
		{ "-rotate", "45", "-rotate 45: only 90, 180, 270 deg rotation is available" },
		{ "-audiodev", "none", "-audiodev none: Parameter 'id' is missing" },
		{ "-audiodev", "foo,id=a", "-audiodev foo,id=a: Parameter 'driver' does not accept value 'foo'" },
		{ "-accel", "tcg,thread=foo", "-accel tcg,thread=foo: Invalid 'thread' setting foo" },
		{ "-accel", "tcg,foo=1", "-accel tcg,foo=1: Property 'tcg-accel.foo' not found" },
		{ "-accel", "foo", "-accel foo: invalid accelerator foo" },
		{ "-object", "foo,id=x", "-object foo,id=x: Parameter 'qom-type' does not accept value 'foo'" },
		{ "-object", "memory-backend-ram,id=m", "-object memory-backend-ram,id=m: Parameter 'size' is missing" },
		{ "-object", "iothread,id=a,x", "-object iothread,id=a,x: Invalid parameter 'x'" },
		{ "-watchdog-action", "foo", "-watchdog-action foo: Parameter 'watchdog' does not accept value 'foo'" },
		{ "-fda", "/dev/null", "-fda /dev/null: machine type does not support if=floppy,bus=0,unit=0" },
		{ "-fdb", "/dev/null", "-fdb /dev/null: machine type does not support if=floppy,bus=0,unit=1" },
		{ "-fda", "/nonexistent", "-fda /nonexistent: Could not open '/nonexistent': No such file or directory" },
		{ "-netdev", "user", "-netdev user: Parameter 'id' is missing" },
		{ "-sd", "/dev/null", "-sd /dev/null: machine type does not support if=sd,bus=0,unit=0" },
		{ "-debugcon", "null", "-debugcon null: 'isa-debugcon' is not a valid device model name" },
		{ "-usbdevice", "tablet", "-usbdevice tablet: Error: no usb bus to attach usbdevice tablet, please try -machine usb=on and check that the machine model supports USB" },
		{ "-audio", "none", "-audio none: Parameter 'model' is missing" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[] = { "-M", "virt", (char *)cases[i].opt, (char *)cases[i].arg };
		struct iommusim *sim = boot_v(4, argv);
		cr_assert_null(sim, "%s %s booted", cases[i].opt, cases[i].arg);
		cr_assert_str_eq(err, cases[i].msg, "%s %s", cases[i].opt, cases[i].arg);
	}
}

/* Options that would change the answers and are not modelled: refused, saying so. */
/*
 * Of several errors, the one QEMU meets first: the options' syntax as they
 * are read, then qemu_init()'s phases (machine properties, drives, -smp/-m,
 * accelerator, netdevs and monitors, CPU, board and devices).
 */
Test(qemu_options, of_several_errors_qemus_first)
{
	fails(ARGV("-M", "virt", "-m", "2G,maxmem=1G", "-mon", "chardev=c0"),
	      "invalid value of maxmem: maximum memory size (0x40000000) must be at least the initial memory size (0x80000000)");
	fails(ARGV("-M", "virt", "-netdev", "user", "-smp", "foo"), "Parameter 'smp.cpus' expects integer");
	fails(ARGV("-M", "virt,bogus=1", "-netdev", "user"), "Property 'virt-7.2-machine.bogus' not found");
	fails(ARGV("-M", "virt", "-blockdev", "driver=foo,node-name=z", "-m", "slots=1"),
	      "-blockdev driver=foo,node-name=z: Parameter 'driver' does not accept value 'foo'");
	fails(ARGV("-M", "virt", "-mon", "chardev=c0", "-rtc", "foo=1"), "-rtc foo=1: Invalid parameter 'foo'");
	fails(ARGV("-M", "virt", "-fda", "null-co://", "-set", "device.r1.addr=7"),
	      "-set device.r1.addr=7: there is no device \"r1\" defined");
	fails(ARGV("-M", "virt", "-drive", "file=null-co://,if=ide", "-fda", "null-co://"),
	      "-drive file=null-co://,if=ide: machine type does not support if=ide,bus=0,unit=0");
	fails(ARGV("-M", "virt", "-device", "bogus", "-usbdevice", "tablet"),
	      "-usbdevice tablet: Error: no usb bus to attach usbdevice tablet, please try -machine usb=on and check that the machine model supports USB");
	fails(ARGV("-M", "virt,bogus=1", "-chardev", "foo,id=c"), "-chardev foo,id=c: 'foo' is not a valid char driver name");
	fails(ARGV("-M", "virt,bogus=1", "-drive", "file=/nonexistent,if=none"),
	      "-drive file=/nonexistent,if=none: Could not open '/nonexistent': No such file or directory");
	fails(ARGV("-M", "virt", "-drive", "file=null-co://,if=ide", "-m", "slots=1"), "slots specified but no max-size");
	fails(ARGV("-M", "virt", "-serial", "foo", "-mon", "chardev=zz"), "-mon chardev=zz: chardev \"zz\" not found");
	fails(ARGV("-M", "virt,gic-version=host", "-cpu", "nope"), "unable to find CPU model 'nope'");
}

Test(qemu_options, unmodelled_options_are_refused_saying_so)
{
	fails(ARGV("-M", "virt", "-enable-kvm"),
	      "-enable-kvm: KVM is not modelled: iommusim models QEMU's TCG accelerator only");
	fails(ARGV("-M", "virt", "-accel", "kvm"),
	      "-accel kvm: KVM is not modelled: iommusim models QEMU's TCG accelerator only");
	fails(ARGV("-M", "virt,accel=kvm"),
	      "-machine accel=kvm: KVM is not modelled: iommusim models QEMU's TCG accelerator only");
	fails(ARGV("-M", "virt", "-numa", "node"),
	      "-numa node: NUMA nodes are not modelled (they change the DT's memory nodes and distances)");
	fails(ARGV("-M", "virt", "-bios", "QEMU_EFI.fd"),
	      "-bios QEMU_EFI.fd: firmware boots are not modelled (UEFI gives the kernel ACPI, not the DT)");
	fails(ARGV("-M", "virt", "-virtfs", "local,path=/tmp,mount_tag=x,security_model=none"),
	      "-virtfs local,path=/tmp,mount_tag=x,security_model=none: virtio-9p-pci is not modelled");
	fails(ARGV("-M", "virt", "-incoming", "defer"),
	      "-incoming defer: incoming migration is not modelled (the guest would wait for it)");
	fails(ARGV("-M", "virt", "-readconfig", "vm.cfg"),
	      "-readconfig vm.cfg: iommusim reads no config files: give their options on the command line");
	/* KVM that QEMU would fall back from is as on a host without it: TCG */
	struct iommusim *sim = ok(ARGV("-M", "virt,accel=kvm:tcg", "-nic", "none"));
	iommusim_free(sim);
	sim = ok(ARGV("-M", "virt", "-accel", "kvm", "-accel", "tcg", "-nic", "none"));
	iommusim_free(sim);
	fails(ARGV("-M", "virt,accel=tcg", "-accel", "tcg"),
	      "The -accel and \"-machine accel=\" options are incompatible");
}

/* ---- -machine ---- */

Test(qemu_options, libvirt_machine_line)
{
	struct iommusim *sim = ok(ARGV("-machine", "virt-7.2,usb=off,dump-guest-core=off,gic-version=3,iommu=smmuv3",
				       "-accel", "tcg", "-cpu", "cortex-a57", "-smp", "2,sockets=2,cores=1,threads=1",
				       "-nodefaults", "-device", "virtio-rng-pci"));
	cr_assert_eq(sim->machine.gic_version, 3);
	cr_assert(sim->machine.has_smmu);
	cr_assert_eq(sim->machine.smp.cpus, 2);
	cr_assert_eq(sim->machine.smp.sockets, 2);
	iommusim_free(sim);
}

Test(qemu_options, machine_properties_every_one_of_virt_7_2)
{
	/* accepted with no effect */
	struct iommusim *sim = ok(ARGV("-M", "virt,acpi=off,graphics=off,mem-merge=off,suppress-vmdesc=on,"
				       "dtb-randomness=off,dtb-kaslr-seed=off,usb=on,nvdimm=on,x-oem-id=ABC,"
				       "x-oem-table-id=ABCDEFGH,highmem=on,secure=off,virtualization=off,ras=off,"
				       "mte=off,default-bus-bypass-iommu=off,dump_guest_core=off,kernel_irqchip=on",
				       "-nic", "none"));
	iommusim_free(sim);
	/* modelled: the DT's root compatible and first phandle */
	sim = ok(ARGV("-M", "virt,dt-compatible=acme,,board,phandle-start=0x100", "-nic", "none"));
	const void *fdt = sim->machine.fdt;
	cr_assert_str_eq(fdt_getprop(fdt, 0, "compatible", NULL), "acme,board");
	cr_assert_eq(fdt_get_phandle(fdt, fdt_path_offset(fdt, "/apb-pclk")), 0x100);
	iommusim_free(sim);
	/* nested keys: smp.*, memory.*, boot.* */
	sim = ok(ARGV("-M", "virt,smp.cpus=4,memory.size=2G,boot.order=c", "-nic", "none"));
	cr_assert_eq(sim->machine.smp.cpus, 4);
	cr_assert_eq(sim->machine.ram_size, 2ULL << 30);
	iommusim_free(sim);

	fails(ARGV("-M", "virt,foo=1"), "Property 'virt-7.2-machine.foo' not found");
	fails(ARGV("-M", "virt-7.1,foo=1"), "Property 'virt-7.1-machine.foo' not found");
	fails(ARGV("-M", "virt,its"), "-M virt,its: Expected '=' after parameter 'its'");
	fails(ARGV("-M", "virt,,x"), "-M virt,,x: Invalid parameter ''");
	fails(ARGV("-M", "virt,a..b=1"), "-M virt,a..b=1: Invalid parameter 'a..b'");
	fails(ARGV("-M", "virt,its=on,its.x=1"), "-M virt,its=on,its.x=1: Parameters 'its.*' used inconsistently");
	fails(ARGV("-M", "virt,gic-version=5"), "Invalid gic-version value\nValid values are 3, 2, host, max.");
	fails(ARGV("-M", "virt,gic-version=4"), "gic-version=4 requires virtualization enabled");
	fails(ARGV("-M", "virt,gic-version=host"), "gic-version=host requires KVM");
	fails(ARGV("-M", "virt,iommu=foo"), "Invalid iommu value\nValid values are none, smmuv3.");
	fails(ARGV("-M", "virt,its=maybe"), "Parameter 'its' expects 'on' or 'off'");
	fails(ARGV("-M", "virt,acpi=maybe"), "Parameter 'acpi' does not accept value 'maybe'");
	fails(ARGV("-M", "virt,smp=2"), "Invalid parameter type for 'smp', expected: object");
	fails(ARGV("-M", "virt,memory=1G"), "Parameter 'memory' used inconsistently");
	fails(ARGV("-M", "virt,smp.foo=2"), "Parameter 'smp.foo' is unexpected");
	fails(ARGV("-M", "virt,x-oem-id=ABCDEFG"), "User specified oem-id value is bigger than 6 bytes in size");
	fails(ARGV("-M", "virt,phandle-start=x"), "Parameter 'phandle-start' expects integer");
	fails(ARGV("-M", "virt,memory-backend=x"), "Memory backend 'x' not found");
	fails(ARGV("-M", "virt,memory-encryption=x"), "No such memory encryption object 'x'");
	fails(ARGV("-M", "virt,confidential-guest-support=x"), "Device 'x' not found");
	fails(ARGV("-M", "virt,mte=on"), "MTE requested, but not supported by the guest CPU");
	/* would change the answers, not modelled */
	fails(ARGV("-M", "virt,highmem=off"),
	      "highmem=off: highmem=off (the PCIe ECAM below 4 GiB with 16 buses) is not modelled");
	fails(ARGV("-M", "virt,secure=on"),
	      "secure=on: the Security Extensions (secure=on: EL3, secure memory and UART) are not modelled");
	fails(ARGV("-M", "virt,virtualization=on"),
	      "virtualization=on: the Virtualization Extensions (virtualization=on: EL2) are not modelled");
	fails(ARGV("-M", "virt,default-bus-bypass-iommu=on"),
	      "default-bus-bypass-iommu=on: pcie.0 bypassing the SMMU is not modelled");
	fails(ARGV("-M", "virt,mte=on", "-cpu", "max"), "mte=on: the Memory Tagging Extension is not modelled");
	fails(ARGV("-M", "virt,pflash0=x"), "Property 'cfi.pflash01.drive' can't find value 'x'");
	fails(ARGV("-M", "virt,pflash0=code", "-blockdev", "driver=null-co,node-name=code"),
	      "pflash0=code: firmware boots are not modelled (UEFI gives the kernel ACPI, not the DT)");
	fails(ARGV("-M", "virt,dumpdtb=x.dtb"),
	      "dumpdtb=x.dtb is not modelled: QEMU would write the DT and exit (iommusim boot --dump-dts prints the DT)");
}

Test(qemu_options, machine_types_and_their_compat)
{
	/* virt-7.1 and virt-7.0: hw_compat_7_1 (no queue_reset, virtio-rng-pci without MSI-X) */
	struct iommusim *sim = ok(ARGV("-M", "virt-7.1,iommu=smmuv3", "-nic", "none", "-device", "virtio-rng-pci"));
	struct hw_pci_fn *fn = sim->machine.pci_root->fn[PCI_DEVFN_(1, 0)];
	cr_assert(fn->virtio->no_queue_reset);
	cr_assert_null(fn->msix, "vectors=0");
	iommusim_free(sim);
	sim = ok(ARGV("-M", "virt-7.2", "-nic", "none", "-device", "virtio-rng-pci"));
	fn = sim->machine.pci_root->fn[PCI_DEVFN_(1, 0)];
	cr_assert(!fn->virtio->no_queue_reset);
	cr_assert_not_null(fn->msix);
	iommusim_free(sim);
	/* virt-6.1 and older: no ITS under TCG whatever its= says, no cpu-map */
	sim = ok(ARGV("-M", "virt-6.1,gic-version=3,its=on", "-nic", "none", "-smp", "2"));
	cr_assert_eq(sim->machine.gic.msi, HW_MSI_NONE);
	cr_assert_lt(fdt_path_offset(sim->machine.fdt, "/cpus/cpu-map"), 0);
	iommusim_free(sim);
	sim = ok(ARGV("-M", "virt-6.2,gic-version=3", "-nic", "none", "-smp", "2"));
	cr_assert_eq(sim->machine.gic.msi, HW_MSI_ITS);
	cr_assert_geq(fdt_path_offset(sim->machine.fdt, "/cpus/cpu-map"), 0);
	iommusim_free(sim);
	/* repeated -machine options merge: the last type wins */
	sim = ok(ARGV("-M", "virt-7.1", "-M", "virt,gic-version=3", "-nic", "none"));
	cr_assert_eq(sim->machine.gic_version, 3);
	iommusim_free(sim);

	fails(ARGV("-M", "virt-5.2"),
	      "machine type 'virt-5.2' is not modelled: its compat properties change what the guest sees (iommusim models virt-6.0 to virt-7.2 on QEMU 7.2)");
	fails(ARGV("-M", "sbsa-ref"), "machine type 'sbsa-ref' is not modelled (iommusim models virt)");
	fails(ARGV("-M", "pc"), "unsupported machine type\nUse -machine help to list supported machines");
	fails(ARGV("-M", "gic-version=3"), "No machine specified, and there is no default\nUse -machine help to list supported machines");
}

/* ---- -m ---- */

Test(qemu_options, memory_size_slots_maxmem_and_backends)
{
	static const struct { const char *m; unsigned long long size; } sizes[] = {
		{ "0", 128ULL << 20 },		/* 0 is the default */
		{ "100", 100ULL << 20 },	/* suffix-less: MiB */
		{ "1024k", 1ULL << 20 },
		{ "1.5G", 3ULL << 29 },
		{ "1G,size=2G", 2ULL << 30 },
		{ "maxmem=2G", 128ULL << 20 },
		{ "1G,slots=2,maxmem=4G", 1ULL << 30 },
		{ "1G,maxmem=1G,slots=0", 1ULL << 30 },
		{ "size=1048576k", 1ULL << 30 },
	};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct iommusim *sim = ok(ARGV("-M", "virt", "-nic", "none", "-m", (char *)sizes[i].m));
		cr_assert_eq(sim->machine.ram_size, sizes[i].size, "-m %s", sizes[i].m);
		iommusim_free(sim);
	}
	/* a memory backend is the RAM: its size, or -m's, which must match */
	struct iommusim *sim = ok(ARGV("-M", "virt,memory-backend=mach-virt.ram", "-nic", "none", "-object",
				       "{\"qom-type\":\"memory-backend-ram\",\"id\":\"mach-virt.ram\",\"size\":536870912}"));
	cr_assert_eq(sim->machine.ram_size, 512ULL << 20);
	iommusim_free(sim);
	fails(ARGV("-M", "virt", "-object", "memory-backend-ram,id=m,size=1G", "-machine", "memory-backend=m",
		   "-m", "2G"), "Machine memory size does not match the size of the memory backend");

	fails(ARGV("-M", "virt", "-m", "1G,slots=2"), "slots specified but no max-size");
	fails(ARGV("-M", "virt", "-m", "1G,maxmem=512M,slots=1"),
	      "invalid value of maxmem: maximum memory size (0x20000000) must be at least the initial memory size (0x40000000)");
	fails(ARGV("-M", "virt", "-m", "1G,slots=300,maxmem=4G"), "unsupported number of memory slots: 300");
	fails(ARGV("-M", "virt", "-m", "1G,foo=1"), "-m 1G,foo=1: Invalid parameter 'foo'");
	fails(ARGV("-M", "virt", "-m", "1G,slots=x,maxmem=2G"), "-m 1G,slots=x,maxmem=2G: Parameter 'slots' expects a number");
	fails(ARGV("-M", "virt", "-m", "1G,maxmem=4Gx"),
	      "-m 1G,maxmem=4Gx: Parameter 'maxmem' expects a non-negative number below 2^64\n"
	      "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
	      "and exabytes, respectively.");
	fails(ARGV("-M", "virt", "-m", "1.5"),
	      "-m 1.5: Parameter 'size' expects a non-negative number below 2^64\n"
	      "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
	      "and exabytes, respectively.");
	/* a hotplug area past 256 GiB moves virt's high PCIe regions: not modelled */
	fails(ARGV("-M", "virt", "-m", "1G,maxmem=1000G"),
	      "RAM and its hotplug area end above 256 GiB, where QEMU moves virt's high PCIe regions up: "
	      "not modelled (iommusim keeps them at 256 GiB)");
}

/* ---- -device in JSON ---- */

Test(qemu_options, json_device_as_libvirt_writes_it)
{
	struct iommusim *sim = ok(ARGV(
		"-machine", "virt-7.2,usb=off,gic-version=3,iommu=smmuv3", "-nodefaults",
		"-device", "{\"driver\":\"pcie-root-port\",\"port\":8,\"chassis\":1,\"id\":\"pci.1\",\"bus\":\"pcie.0\",\"multifunction\":true,\"addr\":\"0x1\"}",
		"-device", "{\"driver\":\"pcie-root-port\",\"port\":9,\"chassis\":2,\"id\":\"pci.2\",\"bus\":\"pcie.0\",\"addr\":\"0x1.0x1\"}",
		"-blockdev", "{\"driver\":\"null-co\",\"node-name\":\"libvirt-1-storage\"}",
		"-blockdev", "{\"node-name\":\"libvirt-1-format\",\"read-only\":false,\"driver\":\"raw\",\"file\":\"libvirt-1-storage\"}",
		"-device", "{\"driver\":\"virtio-blk-pci\",\"bus\":\"pci.1\",\"addr\":\"0x0\",\"drive\":\"libvirt-1-format\",\"id\":\"virtio-disk0\",\"bootindex\":1}",
		"-netdev", "{\"type\":\"user\",\"id\":\"hostnet0\"}",
		"-device", "{\"driver\":\"virtio-net-pci\",\"netdev\":\"hostnet0\",\"id\":\"net0\",\"mac\":\"52:54:00:12:34:56\",\"bus\":\"pci.2\",\"addr\":\"0x0\"}",
		"-object", "{\"qom-type\":\"rng-random\",\"id\":\"objrng0\",\"filename\":\"/dev/urandom\"}",
		"-device", "{\"driver\":\"virtio-rng-pci\",\"rng\":\"objrng0\",\"id\":\"rng0\",\"bus\":\"pcie.0\",\"addr\":\"0x3\"}"));
	cr_assert_eq(pdev_of(sim, "0000:00:01.0")->device, 0x000c);
	cr_assert_eq(pdev_of(sim, "0000:00:01.1")->device, 0x000c);
	cr_assert_eq(pdev_of(sim, "0000:01:00.0")->device, 0x1042, "virtio-blk below pci.1");
	cr_assert_eq(pdev_of(sim, "0000:02:00.0")->device, 0x1041, "virtio-net below pci.2");
	cr_assert_eq(pdev_of(sim, "0000:00:03.0")->device, 0x1005);
	iommusim_free(sim);
	/* single quotes, as QEMU's JSON parser takes them; an integer addr is the devfn */
	sim = ok(ARGV("-M", "virt", "-nic", "none", "-device", "{'driver':'virtio-rng-pci','addr':'0x4'}",
		      "-device", "{\"driver\":\"virtio-rng-pci\",\"addr\":40,\"multifunction\":true}"));
	cr_assert_eq(pdev_of(sim, "0000:00:04.0")->device, 0x1005);
	cr_assert_eq(pdev_of(sim, "0000:00:05.0")->device, 0x1005, "devfn 40 is 05.0");
	iommusim_free(sim);
}

Test(qemu_options, json_device_errors_are_qemus)
{
	static const struct { const char *json, *msg; } cases[] = {
		{ "{\"driver\":\"virtio-rng-pci\"", "JSON parse error, premature EOI" },
		{ "{\"driver\":\"virtio-rng-pci\",}", "JSON parse error, expecting value" },
		{ "{\"driver\":\"virtio-rng-pci\"}x", "Expecting at most one JSON value" },
		{ "{\"driver\":\"virtio-rng-pci\",\"driver\":\"virtio-net-pci\"}", "JSON parse error, duplicate key" },
		{ "{\"a\" 1}", "JSON parse error, missing : in object pair" },
		{ "{1:2}", "JSON parse error, key is not a string in object" },
		{ "{\"a\":1 \"b\":2}", "JSON parse error, expected separator in dict" },
		{ "{\"a\":[1 2]}", "JSON parse error, expected separator in list" },
		{ "{\"a\":tru}", "JSON parse error, invalid keyword 'tru'" },
		{ "{\"a\":@}", "JSON parse error, stray '@'" },
		{ "{\"a\":01}", "JSON parse error, stray '01'" },
		{ "{\"a\":1.}", "JSON parse error, stray '1.}'" },
		{ "{\"a\":\"x", "JSON parse error, stray '\"x'" },
		{ "{\"a\":\"\\x\"}", "JSON parse error, invalid escape sequence in string" },
		{ "{\"a\":\"\\u12\"}", "JSON parse error, \\u12\" is not a valid Unicode character" },
		{ "{\"a\":\"\\uD800\"}", "JSON parse error, \\uD800 is not a valid Unicode character" },
		{ "{\"a\":{\"b\":1,\"b\":2}}", "JSON parse error, duplicate key" },
		{ "{}", "Parameter 'driver' is missing" },
		{ "{\"driver\":1}", "Parameter 'driver' is missing" },
		{ "{\"driver\":\"virtio-rng-pci\",\"foo\":1}", "Property 'virtio-rng-pci.foo' not found" },
		{ "{\"driver\":\"virtio-rng-pci\",\"bootindex\":1}", "Property 'virtio-rng-pci.bootindex' not found" },
		{ "{\"driver\":\"pcie-root-port\",\"chassis\":\"1\"}", "Parameter 'chassis' expects uint64" },
		{ "{\"driver\":\"pcie-root-port\",\"chassis\":-1}", "Parameter 'chassis' expects uint8_t" },
		{ "{\"driver\":\"pcie-root-port\",\"chassis\":256}", "Parameter 'chassis' expects uint8_t" },
		{ "{\"driver\":\"pcie-root-port\",\"chassis\":1.5}", "Parameter 'chassis' expects uint64" },
		{ "{\"driver\":\"pcie-root-port\",\"chassis\":{}}", "Parameter 'chassis' expects uint64" },
		{ "{\"driver\":\"pcie-root-port\",\"chassis\":1,\"hotplug\":\"on\"}", "Invalid parameter type for 'hotplug', expected: boolean" },
		{ "{\"driver\":\"virtio-rng-pci\",\"addr\":256}", "Parameter 'addr' expects a value between -1 and 255" },
		{ "{\"driver\":\"virtio-rng-pci\",\"addr\":true}", "Invalid parameter type for 'addr', expected int or str" },
		{ "{\"driver\":\"virtio-rng-pci\",\"vectors\":5000000000}", "Parameter 'vectors' expects uint32_t" },
		{ "{\"driver\":\"virtio-net-pci\",\"disable-legacy\":true}", "Invalid parameter type for 'disable-legacy', expected: string" },
		{ "{\"driver\":\"virtio-blk-pci\",\"drive\":5}", "Invalid parameter type for 'drive', expected: string" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[512];
		char *argv[] = { "-M", "virt", "-nic", "none", "-device", (char *)cases[i].json };
		snprintf(want, sizeof(want), "-device %s: %s", cases[i].json, cases[i].msg);
		struct iommusim *sim = boot_v(6, argv);
		cr_assert_null(sim, "%s booted", cases[i].json);
		cr_assert_str_eq(err, want, "%s", cases[i].json);
	}
}

/*
 * qemu_create_cli_devices(): the QemuOpts -device options first (the
 * implicit if=virtio drives at their end), then the JSON ones; so a JSON
 * id that repeats an earlier-created device's is QEMU's "Duplicate device ID".
 */
Test(qemu_options, json_devices_come_after_the_others)
{
	struct iommusim *sim = ok(ARGV("-M", "virt", "-nic", "none", "-device", "{\"driver\":\"virtio-rng-pci\"}",
				       "-drive", "file=null-co://,if=virtio,format=raw", "-device", "virtio-net-pci"));
	cr_assert_eq(pdev_of(sim, "0000:00:01.0")->device, 0x1000, "virtio-net first");
	cr_assert_eq(pdev_of(sim, "0000:00:02.0")->device, 0x1001, "then the drive's virtio-blk");
	cr_assert_eq(pdev_of(sim, "0000:00:03.0")->device, 0x1005, "the JSON device last");
	iommusim_free(sim);
	fails(ARGV("-M", "virt", "-nic", "none", "-device", "{\"driver\":\"virtio-rng-pci\",\"id\":\"a\"}",
		   "-device", "virtio-rng-pci,id=a"),
	      "-device {\"driver\":\"virtio-rng-pci\",\"id\":\"a\"}: Duplicate device ID 'a'");
	fails(ARGV("-M", "virt", "-nic", "none", "-device", "virtio-rng-pci,id=a", "-device", "virtio-rng-pci,id=a"),
	      "-device virtio-rng-pci,id=a: Duplicate ID 'a' for device");
	fails(ARGV("-M", "virt", "-nic", "none", "-device", "virtio-rng-pci,id=1x"),
	      "-device virtio-rng-pci,id=1x: Parameter 'id' expects an identifier\n"
	      "Identifiers consist of letters, digits, '-', '.', '_', starting with a letter.");
}

/* ---- drives and block nodes ---- */

Test(qemu_options, blockdev_nodes_and_drive_names)
{
	/* a raw node over a file node, inline or by name; null-co */
	struct iommusim *sim = ok(ARGV("-M", "virt", "-nic", "none",
		"-blockdev", "driver=file,filename=/dev/null,node-name=f,read-only=on",
		"-blockdev", "driver=raw,node-name=r,file=f", "-device", "virtio-blk-pci,drive=r",
		"-blockdev", "driver=raw,node-name=r2,file.driver=null-co", "-device", "virtio-blk-pci,drive=r2"));
	cr_assert_str_eq(sim->machine.pci_root->fn[PCI_DEVFN_(1, 0)]->virtio->drive_file, "/dev/null");
	cr_assert(sim->machine.pci_root->fn[PCI_DEVFN_(1, 0)]->virtio->drive_readonly, "its file node is read-only");
	cr_assert_str_eq(sim->machine.pci_root->fn[PCI_DEVFN_(2, 0)]->virtio->drive_file, "null-co://");
	iommusim_free(sim);
	/* a drive without id is named as QEMU names it */
	sim = ok(ARGV("-M", "virt", "-nic", "none", "-drive", "file=null-co://,if=none",
		      "-device", "virtio-blk-pci,drive=none0"));
	iommusim_free(sim);

	fails(ARGV("-M", "virt", "-drive", "if=none,id=d0,file=null-co://", "-blockdev", "driver=null-co,node-name=d0"),
	      "-drive if=none,id=d0,file=null-co://: Device name 'd0' conflicts with an existing node name");
	fails(ARGV("-M", "virt", "-blockdev", "driver=file,node-name=f"),
	      "-blockdev driver=file,node-name=f: Parameter 'filename' is missing");
	fails(ARGV("-M", "virt", "-blockdev", "driver=file,filename=/nonexistent,node-name=f"),
	      "-blockdev driver=file,filename=/nonexistent,node-name=f: Could not open '/nonexistent': No such file or directory");
	fails(ARGV("-M", "virt", "-blockdev", "driver=raw,node-name=r,file=nope"),
	      "-blockdev driver=raw,node-name=r,file=nope: Cannot find device='nope' nor node-name='nope'");
	fails(ARGV("-M", "virt", "-blockdev", "driver=foo,node-name=r"),
	      "-blockdev driver=foo,node-name=r: Parameter 'driver' does not accept value 'foo'");
	fails(ARGV("-M", "virt", "-blockdev", "driver=null-co"),
	      "-blockdev driver=null-co: 'node-name' must be specified for the root node");
	fails(ARGV("-M", "virt", "-blockdev", "driver=null-co,node-name=1x"),
	      "-blockdev driver=null-co,node-name=1x: Invalid node-name: '1x'");
	fails(ARGV("-M", "virt", "-blockdev", "driver=null-co,node-name=n,foo=1"),
	      "-blockdev driver=null-co,node-name=n,foo=1: Parameter 'foo' is unexpected");
	fails(ARGV("-M", "virt", "-blockdev", "{\"driver\":\"null-co\",\"node-name\":\"n\",\"read-only\":\"on\"}"),
	      "-blockdev {\"driver\":\"null-co\",\"node-name\":\"n\",\"read-only\":\"on\"}: Invalid parameter type for 'read-only', expected: boolean");
	fails(ARGV("-M", "virt", "-nic", "none", "-blockdev", "driver=null-co,node-name=n0", "-device",
		   "virtio-blk-pci,drive=n0", "-device", "virtio-blk-pci,drive=n0,id=d1"),
	      "-device virtio-blk-pci,drive=n0,id=d1: Permission conflict on node 'n0': permissions 'write' are both "
	      "required by block device '/machine/peripheral-anon/device[0]/virtio-backend' (uses node 'n0' as 'root' "
	      "child) and unshared by block device '/machine/peripheral/d1/virtio-backend' (uses node 'n0' as 'root' child).");
	/* other block drivers and image formats are not modelled */
	fails(ARGV("-M", "virt", "-blockdev", "driver=qcow2,node-name=q,file=f"),
	      "-blockdev driver=qcow2,node-name=q,file=f: block driver 'qcow2' is not modelled (iommusim reads raw images: "
	      "file, host_device, null-co, null-aio and raw nodes)");
	fails(ARGV("-M", "virt", "-drive", "file=/dev/null,format=qcow2"),
	      "-drive file=/dev/null,format=qcow2: format 'qcow2' is not modelled (iommusim reads raw images)");
}

Test(qemu_options, drives_and_legacy_disk_options)
{
	/* -hda, -cdrom and a disk image are virt's default interface, virtio */
	struct iommusim *sim = ok(ARGV("-M", "virt", "-nic", "none", "-hdb", "null-co://", "-cdrom", "null-co://",
				       "/dev/null"));
	cr_assert_eq(pdev_of(sim, "0000:00:01.0")->device, 0x1001);
	cr_assert_eq(pdev_of(sim, "0000:00:02.0")->device, 0x1001);
	cr_assert_eq(pdev_of(sim, "0000:00:03.0")->device, 0x1001);
	cr_assert(sim->machine.pci_root->fn[PCI_DEVFN_(2, 0)]->virtio->drive_readonly, "-cdrom is read-only");
	iommusim_free(sim);

	fails(ARGV("-M", "virt", "-hda", "null-co://", "-hda", "null-co://"),
	      "-hda null-co://: drive with bus=0, unit=0 (index=0) exists");
	fails(ARGV("-M", "virt", "nonexistent.img"),
	      "nonexistent.img: Could not open 'nonexistent.img': No such file or directory");
	fails(ARGV("-M", "virt", "-drive", "file=null-co://,index=1,unit=1"),
	      "-drive file=null-co://,index=1,unit=1: index cannot be used with bus and unit");
	fails(ARGV("-M", "virt", "-drive", "file=null-co://,media=foo"), "-drive file=null-co://,media=foo: 'foo' invalid media");
	fails(ARGV("-M", "virt", "-drive", "file=null-co://,format=foo"), "-drive file=null-co://,format=foo: Unknown driver 'foo'");
	fails(ARGV("-M", "virt", "-drive", "file=null-co://,if=ide"),
	      "-drive file=null-co://,if=ide: machine type does not support if=ide,bus=0,unit=0");
	fails(ARGV("-M", "virt", "-drive", "file=null-co://,if=foo"), "-drive file=null-co://,if=foo: unsupported bus type 'foo'");
	fails(ARGV("-M", "virt", "-nic", "none", "-drive", "id=x"), "-drive id=x: Device needs media, but drive is empty");
	fails(ARGV("-M", "virt", "-drive", "file=null-co://,readonly=x"),
	      "-drive file=null-co://,readonly=x: Parameter 'read-only' expects 'on' or 'off'");
}

/* -snapshot: the guest sees its writes, the file never does */
Test(qemu_options, snapshot_keeps_the_disk_file)
{
	char path[] = "/tmp/iommusim-snapshot-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	static const char zeros[4096];
	cr_assert_eq(write(fd, zeros, sizeof(zeros)), (ssize_t)sizeof(zeros));
	close(fd);
	char drive[128];
	snprintf(drive, sizeof(drive), "file=%s,format=raw,if=virtio", path);
	struct iommusim *sim = ok(ARGV("-M", "virt,iommu=smmuv3", "-nic", "none", "-snapshot", "-drive", drive));
	char *out = run(sim, "blk write vda 0 1 0x5a\nblk read vda 0 1\n");
	cr_assert(strstr(out, "0000000000: 5a5a 5a5a"), "%s", out);
	free(out);
	iommusim_free(sim);
	FILE *f = fopen(path, "rb");
	unsigned char b = 0xff;
	cr_assert_eq(fread(&b, 1, 1, f), 1);
	fclose(f);
	unlink(path);
	cr_assert_eq(b, 0, "the file was not written");
}

/* ---- -set ---- */

Test(qemu_options, set_changes_an_option_given_before)
{
	struct iommusim *sim = ok(ARGV("-M", "virt", "-nic", "none", "-device", "virtio-rng-pci,id=r",
				       "-set", "device.r.addr=5", "-chardev", "null,id=c0", "-set", "chardev.c0.mux=on"));
	cr_assert_eq(pdev_of(sim, "0000:00:05.0")->device, 0x1005);
	iommusim_free(sim);
	fails(ARGV("-M", "virt", "-set", "chardev.c0.mux=on"), "-set chardev.c0.mux=on: there is no chardev \"c0\" defined");
}

/* ---- information requests ---- */

Test(qemu_options, information_requests_print_and_boot_nothing)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_eq(iommusim_qemu_info(ARGV("-M", "virt,help"), f, err, sizeof(err)), 1);
	cr_assert_eq(iommusim_qemu_info(ARGV("-accel", "help"), f, err, sizeof(err)), 1);
	cr_assert_eq(iommusim_qemu_info(ARGV("-M", "virt"), f, err, sizeof(err)), 0);
	cr_assert_eq(iommusim_qemu_info(ARGV("-cpu", "help"), f, err, sizeof(err)), 1);
	fclose(f);
	cr_assert(!strncmp(buf, "virt-7.2-machine options:\n  acpi=<OnOffAuto>       - Enable ACPI\n", 61), "%s", buf);
	cr_assert(strstr(buf, "Accelerators supported in QEMU binary:\ntcg\n"), "%s", buf);
	cr_assert(strstr(buf, "Available CPUs:\n  a64fx\n"), "%s", buf);
	free(buf);
	fails(ARGV("-M", "help"), "the command line asks QEMU for information, not for a machine");
	fails(ARGV("-M", "virt", "-blockdev", "help"), "-blockdev help: Help is not available for this option");
}

/* ---- -append ---- */

/* Linux 6.1's own lines for the same -append (tests/linux/cmdline_append_unknown.linux). */
Test(qemu_options, append_unknown_parameters_as_linux_reports_them)
{
	struct iommusim *sim = ok(ARGV("-M", "virt,iommu=smmuv3", "-nic", "none", "-append",
		"aa kexec BOOT_IMAGE=x BOOT_IMAGEX hung_task_panic=1 rwx reset_devicesfoo quietx loglevel=x "
		"panic=x bb=1 bb=2 iommu.strict=maybe foo.bar =x x= \"quoted param\" dd=\"q v\" nokaslr "
		"console=ttyAMA0 earlycon root=/dev/vda rw init=/sbin/init cc virtio_blk.foo=1 -- after"));
	char *log = boot_dmesg(sim);
	cr_assert(strstr(log, "Malformed early option 'loglevel'\n"), "%s", log);
	cr_assert(strstr(log, "Malformed early option 'iommu.strict'\n"), "%s", log);
	cr_assert(strstr(log, "Booting kernel: `x' invalid for parameter `panic'\n"), "%s", log);
	cr_assert(strstr(log, "Unknown kernel command line parameters \"cc bb=2 x= dd=q v\", will be passed to user space.\n"),
		  "init= drops the arguments before it: %s", log);
	free(log);
	iommusim_free(sim);

	/* parameters Linux knows never make the line */
	sim = ok(ARGV("-M", "virt", "-nic", "none", "-append",
		      "console=ttyAMA0 quiet loglevel=7 panic=-1 init=/init rdinit=/init earlycon root=/dev/vda ro "
		      "rootwait ignore_loglevel module.sig_enforce=1 virtio_blk.queue_depth=64 iommu.passthrough=0"));
	log = boot_dmesg(sim);
	cr_assert_null(strstr(log, "Unknown kernel command line"), "%s", log);
	free(log);
	iommusim_free(sim);

	fails(ARGV("-M", "virt", "-append", "mem=512M"),
	      "-append: the kernel parameter 'mem=512M' is not modelled (it limits the RAM Linux uses)");
	fails(ARGV("-M", "virt", "-append", "initcall_debug"),
	      "-append: the kernel parameter 'initcall_debug' is not modelled (it logs every initcall and PCI quirk)");
}
