/*
 * The shell commands print what busybox 1.35's sh and applets print on the
 * reference guest (real Linux 6.1 on QEMU 7.2): every expected text below is
 * what oracle/run printed for the same lines on
 * -M virt,iommu=smmuv3 -nic none -device virtio-rng-pci (0000:00:01.0 in group 0)
 * unless a test says otherwise.
 */
#include <criterion/criterion.h>
#include "boot_util.h"
#include "base/log.h"

#define RNG "-M virt,iommu=smmuv3 -nic none -device virtio-rng-pci"
#define DEV "/sys/bus/pci/devices/0000:00:01.0"

static void expect(const char *args, const char *script, const char *want)
{
	struct iommusim *sim = boot_ok(args);
	char *o = run(sim, script);
	cr_assert_str_eq(o, want, "script:\n%s", script);
	free(o);
	iommusim_free(sim);
}

Test(script_busybox, echo_redirection_errors)
{
	expect(RNG,
	       "echo vfio-pci > /sys/bus/pci/devices/0000:00:09.0/driver_override\n"
	       "echo 0000:00:01.0 > /sys/bus/pci/drivers/virtio-pci/bind\n"
	       "echo 0000:00:01.0 > /sys/bus/pci/drivers/vfio-pci/unbind\n"
	       "echo 1 > /sys/kernel/iommu_groups/0/type\n"
	       "echo 1 > " DEV "/vendor\n"
	       "echo 1 > /sys/kernel/iommu_groups\n"
	       "echo 1 > " DEV "/newfile\n"
	       "echo 1 > " DEV "/vendor/x\n"
	       "echo 1 >> " DEV "/vendor\n"
	       "echo 1 > /nonexistentdir/x\n"
	       "echo 1 > /sys/bus/pci/drivers/virtio-pci/bind\n"
	       "echo 1 > " DEV "/vendor/\n"
	       "echo 1 > " DEV "/nonexist/\n"
	       "echo 1 > /sys/bus/pci/devices/0000:00:01.0\n"
	       "echo 1 > /dev/null\n",
	       "sh: can't create /sys/bus/pci/devices/0000:00:09.0/driver_override: nonexistent directory\n"
	       "sh: write error: Device or resource busy\n"
	       "sh: write error: No such device\n"
	       "sh: write error: Invalid argument\n"
	       "sh: can't create " DEV "/vendor: Permission denied\n"
	       "sh: can't create /sys/kernel/iommu_groups: Is a directory\n"
	       "sh: can't create " DEV "/newfile: Permission denied\n"
	       "sh: can't create " DEV "/vendor/x: nonexistent directory\n"
	       "sh: can't create " DEV "/vendor: Permission denied\n"
	       "sh: can't create /nonexistentdir/x: nonexistent directory\n"
	       "sh: write error: No such device\n"
	       "sh: can't create " DEV "/vendor/: Is a directory\n"
	       "sh: can't create " DEV "/nonexist/: Is a directory\n"
	       "sh: can't create /sys/bus/pci/devices/0000:00:01.0: Is a directory\n");
}

/* The redirection is opened before the command is looked up, and written as the command writes. */
Test(script_busybox, redirection_of_any_command)
{
	expect(RNG,
	       "cat " DEV "/vendor > /sys/bus/pci/drivers/virtio-pci/bind\n"
	       "ls /sys/kernel/iommu_groups/1 /sys/kernel/iommu_groups/0/devices > /sys/bus/pci/drivers/virtio-pci/bind\n"
	       "readlink " DEV "/iommu_group > /sys/bus/pci/drivers/virtio-pci/bind\n"
	       "lsmod > /sys/bus/pci/drivers/virtio-pci/bind\n"
	       "cat /nonexistent > /sys/bus/pci/drivers/virtio-pci/bind\n"
	       "cat /nonexistent > /nonexistentdir/x\n"
	       "ls /sys/kernel/iommu_groups/0/devices > /sys/bus/pci/drivers/virtio-pci/unbind\n"
	       "readlink " DEV "/driver\n"
	       "ls /sys/kernel/iommu_groups/0/devices > /sys/bus/pci/drivers/virtio-pci/bind\n"
	       "readlink " DEV "/driver\n"
	       "modprobe nosuchmod > /dev/null\n"
	       "cat /sys/kernel/iommu_groups/0/type > /dev/null\n"
	       "sleep x > /dev/null\n"
	       "nosuchcmd > /dev/null\n"
	       "nosuchcmd > /nonexistentdir/x\n"
	       "dmesg > /sys/bus/pci/drivers/virtio-pci/bind\n",
	       "cat: write error: No such device\n"
	       "ls: /sys/kernel/iommu_groups/1: No such file or directory\n"
	       "cat: can't open '/nonexistent': No such file or directory\n"
	       "sh: can't create /nonexistentdir/x: nonexistent directory\n"
	       "../../../../../bus/pci/drivers/virtio-pci\n"
	       "modprobe: module nosuchmod not found in modules.dep\n"
	       "sleep: invalid number 'x'\n"
	       "sh: nosuchcmd: not found\n"
	       "sh: can't create /nonexistentdir/x: nonexistent directory\n");
}

Test(script_busybox, cat)
{
	expect(RNG,
	       "cat " DEV "/nonexistent\n"
	       "cat " DEV "/vendor /nonexistent\n"
	       "cat /sys/kernel/iommu_groups\n"
	       "cat /sys/bus/pci/drivers/virtio-pci/bind\n"
	       "cat " DEV "/vendor/x\n"
	       "cat " DEV "/vendor/\n"
	       "cat /sys/kernel/iommu_groups " DEV "/device\n"
	       "cat " DEV "/../0000:00:01.0/vendor\n"
	       "cat /sys/kernel/iommu_groups/0/devices/0000:00:01.0/vendor\n"
	       "cat foo\n"
	       "cat -x /sys\n",
	       "cat: can't open '" DEV "/nonexistent': No such file or directory\n"
	       "0x1af4\n"
	       "cat: can't open '/nonexistent': No such file or directory\n"
	       "cat: read error: Is a directory\n"
	       "cat: can't open '/sys/bus/pci/drivers/virtio-pci/bind': Permission denied\n"
	       "cat: can't open '" DEV "/vendor/x': Not a directory\n"
	       "cat: can't open '" DEV "/vendor/': Not a directory\n"
	       "cat: read error: Is a directory\n"
	       "0x1005\n"
	       "0x1af4\n"
	       "0x1af4\n"
	       "cat: can't open 'foo': No such file or directory\n"
	       "cat: invalid option -- 'x'\n"
	       "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n"
	       "\n"
	       "Usage: cat [-nbvteA] [FILE]...\n"
	       "\n"
	       "Print FILEs to stdout\n"
	       "\n"
	       "\t-n\tNumber output lines\n"
	       "\t-b\tNumber nonempty lines\n"
	       "\t-v\tShow nonprinting characters as ^x or M-x\n"
	       "\t-t\t...and tabs as ^I\n"
	       "\t-e\t...and end lines with $\n"
	       "\t-A\tSame as -vte\n");
}

/* Errors first, then the files sorted, then each directory sorted, with headers for several operands. */
Test(script_busybox, ls)
{
	expect(RNG,
	       "ls /sys/kernel/iommu_groups\n"
	       "ls /sys/kernel/iommu_groups/0/devices /sys/kernel/iommu_groups/1\n"
	       "ls /nonexistent\n"
	       "ls " DEV "/vendor " DEV "/vendor/x " DEV "/vendor/\n"
	       "ls " DEV "/vendor /sys/kernel/iommu_groups " DEV "/device\n"
	       "ls /sys/kernel/iommu_groups/0 /sys/kernel/iommu_groups/0/devices\n"
	       "ls /sys/kernel/iommu_groups/0/type /sys/kernel/iommu_groups/0/devices\n"
	       "ls " DEV "/iommu_group\n"
	       "ls /sys/kernel/iommu_groups/0/devices/ /sys/kernel/iommu_groups//0\n"
	       "ls\n"
	       "ls foo\n"
	       "ls -1 /sys/kernel/iommu_groups/\n"
	       "ls -d /sys/kernel /sys/kernel/iommu_groups/0/type /x\n",
	       "0\n"
	       "ls: /sys/kernel/iommu_groups/1: No such file or directory\n"
	       "/sys/kernel/iommu_groups/0/devices:\n"
	       "0000:00:01.0\n"
	       "ls: /nonexistent: No such file or directory\n"
	       "ls: " DEV "/vendor/x: Not a directory\n"
	       "ls: " DEV "/vendor/: Not a directory\n"
	       DEV "/vendor\n"
	       DEV "/device\n"
	       DEV "/vendor\n"
	       "\n"
	       "/sys/kernel/iommu_groups:\n"
	       "0\n"
	       "/sys/kernel/iommu_groups/0:\n"
	       "devices\n"
	       "reserved_regions\n"
	       "type\n"
	       "\n"
	       "/sys/kernel/iommu_groups/0/devices:\n"
	       "0000:00:01.0\n"
	       "/sys/kernel/iommu_groups/0/type\n"
	       "\n"
	       "/sys/kernel/iommu_groups/0/devices:\n"
	       "0000:00:01.0\n"
	       "devices\n"
	       "reserved_regions\n"
	       "type\n"
	       "/sys/kernel/iommu_groups//0:\n"
	       "devices\n"
	       "reserved_regions\n"
	       "type\n"
	       "\n"
	       "/sys/kernel/iommu_groups/0/devices/:\n"
	       "0000:00:01.0\n"
	       "ls: foo: No such file or directory\n"
	       "0\n"
	       "ls: /x: No such file or directory\n"
	       "/sys/kernel\n"
	       "/sys/kernel/iommu_groups/0/type\n");
}

Test(script_busybox, readlink)
{
	const char *usage = "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n"
			    "\n"
			    "Usage: readlink [-fnv] FILE\n"
			    "\n"
			    "Display the value of a symlink\n"
			    "\n"
			    "\t-f\tCanonicalize by following all symlinks\n"
			    "\t-n\tDon't add newline\n"
			    "\t-v\tVerbose\n";
	char want[4096];
	snprintf(want, sizeof(want),
		 "../../../../../bus/pci/drivers/virtio-pci\n"
		 "/sys/kernel/iommu_groups/0\n"
		 "%s%s"
		 "/sys/devices/platform/4010000000.pcie/pci0000:00/0000:00:01.0/vendor\n"
		 "/sys/devices/platform/4010000000.pcie/pci0000:00/0000:00:01.0/nonexistent\n"
		 "/sys/devices/platform/4010000000.pcie/pci0000:00/0000:00:01.0\n"
		 "/sys/bus/pci/drivers/virtio-pci\n"
		 "/sys/devices/platform/4010000000.pcie\n"
		 "/sys/bus/pci/drivers\n"
		 "/sys/kernel/iommu_groups\n"
		 "../../../devices/platform/4010000000.pcie/pci0000:00/0000:00:01.0\n"
		 "../../../devices/platform/4010000000.pcie/pci0000:00/0000:00:01.0.\n"
		 "readlink: /nonexistent: cannot read link: No such file or directory\n"
		 "readlink: " DEV "/vendor: cannot read link: not a symlink\n"
		 "/nonexistent\n"
		 "/\n"
		 "readlink: invalid option -- 'x'\n"
		 "%s",
		 usage, usage, usage);
	expect(RNG,
	       "readlink " DEV "/driver\n"
	       "readlink " DEV "/vendor\n"
	       "readlink -f " DEV "/iommu_group\n"
	       "readlink /nonexistent\n"
	       "readlink " DEV "/driver " DEV "/iommu_group\n"
	       "readlink\n"
	       "readlink -f " DEV "/vendor\n"
	       "readlink -f " DEV "/nonexistent\n"
	       "readlink -f " DEV "/nonexistent/x\n"
	       "readlink -f " DEV "\n"
	       "readlink -f " DEV "/driver/\n"
	       "readlink -f /sys/kernel/iommu_groups/0/devices/0000:00:01.0/../..\n"
	       "readlink -f /sys/kernel/iommu_groups/0/devices/0000:00:01.0/driver/..\n"
	       "readlink -f relative\n"
	       "readlink -f /sys/./kernel//iommu_groups/\n"
	       "readlink " DEV "\n"
	       "readlink " DEV "/\n"
	       "readlink -n " DEV "\n"
	       "echo .\n"
	       "readlink -v /nonexistent\n"
	       "readlink -v " DEV "/vendor\n"
	       "readlink -f /nonexistent\n"
	       "readlink -f /\n"
	       "readlink -x /sys\n",
	       want);
}

Test(script_busybox, sleep)
{
	const char *usage = "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n"
			    "\n"
			    "Usage: sleep [N]...\n"
			    "\n"
			    "Pause for a time equal to the total of the args given, where each arg can\n"
			    "have an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays\n";
	struct iommusim *sim = boot_ok(RNG);
	char want[2048];
	snprintf(want, sizeof(want),
		 "sleep: invalid number 'x'\n"
		 "%s"
		 "sleep: invalid number 'x'\n"
		 "sleep: invalid number '-1'\n"
		 "%s"
		 "sleep: invalid number ''\n"
		 "sleep: invalid number '0x1'\n"
		 "sleep: invalid number '1x'\n",
		 usage, usage);
	u64 before = sim->k->log.clock_ns;
	char *o = run(sim, "sleep x\nsleep\nsleep 1 x\nsleep -1\nsleep 1.5.\nsleep \"\"\nsleep 0x1\nsleep 1.x\n");
	cr_assert_str_eq(o, want);
	free(o);
	cr_assert_eq(sim->k->log.clock_ns, before, "a bad sleep does not sleep");
	/* the total of its operands, suffixes and fractions as busybox reads them */
	o = run(sim, "sleep 0.5 1s 1.5m 0.25h\n");
	cr_assert_str_eq(o, "");
	free(o);
	cr_assert_eq(sim->k->log.clock_ns - before, (u64)(0.5 + 1 + 90 + 900) * 1000000000ull + 500000000ull);
	iommusim_free(sim);
}

/* lsmod after the reference init: 6.1's modules, sizes and holders as real Linux lists them. */
static const char *const lsmod_boot =
	"Module                  Size  Used by    Not tainted\n"
	"vfio_iommu_type1       40960  0 \n"
	"vfio_pci               16384  0 \n"
	"vfio_pci_core          65536  1 vfio_pci\n"
	"vfio_virqfd            20480  1 vfio_pci_core\n"
	"vfio                   32768  3 vfio_iommu_type1,vfio_pci,vfio_pci_core\n"
	"virtio_rng             16384  0 \n"
	"virtio_mmio            24576  0 \n"
	"virtio_net             57344  0 \n"
	"net_failover           20480  1 virtio_net\n"
	"failover               16384  1 net_failover\n"
	"virtio_blk             28672  0 \n"
	"virtio_pci             28672  0 \n"
	"virtio_pci_legacy_dev    16384  1 virtio_pci\n"
	"virtio_pci_modern_dev    16384  1 virtio_pci\n"
	"virtio                 24576  5 virtio_rng,virtio_mmio,virtio_net,virtio_blk,virtio_pci\n"
	"virtio_ring            32768  5 virtio_rng,virtio_mmio,virtio_net,virtio_blk,virtio_pci\n";

Test(script_busybox, lsmod_after_boot)
{
	expect(RNG, "lsmod\n", lsmod_boot);
}

Test(script_busybox, modprobe_rmmod)
{
	expect(RNG,
	       "modprobe nosuchmod\n"
	       "modprobe virtio_pci\n"
	       "rmmod nosuchmod\n"
	       "rmmod virtio\n"
	       "rmmod vfio\n"
	       "rmmod vfio_pci_core\n"
	       "rmmod virtio-rng\n"
	       "modprobe -r nosuchmod\n"
	       "modprobe -r vfio\n"
	       "modprobe -q nosuchmod\n"
	       "rmmod a b\n"
	       "modprobe -r virtio_pci virtio_blk\n"
	       "rmmod vfio_pci\n"
	       "rmmod vfio_iommu_type1\n"
	       "rmmod vfio_pci_core vfio\n"
	       "modprobe vfio-pci\n"
	       "modprobe virtio_blk\n"
	       "modprobe virtio_rng nosuchmod\n"
	       "lsmod\n",
	       "modprobe: module nosuchmod not found in modules.dep\n"
	       "rmmod: can't unload module 'nosuchmod': No such file or directory\n"
	       "rmmod: can't unload module 'virtio': Resource temporarily unavailable\n"
	       "rmmod: can't unload module 'vfio': Resource temporarily unavailable\n"
	       "rmmod: can't unload module 'vfio_pci_core': Resource temporarily unavailable\n"
	       "modprobe: module nosuchmod not found in modules.dep\n"
	       "modprobe: can't unload module 'vfio': Resource temporarily unavailable\n"
	       "rmmod: can't unload module 'a': No such file or directory\n"
	       "Module                  Size  Used by    Not tainted\n"
	       "virtio_rng             16384  0 \n"
	       "virtio_blk             28672  0 \n"
	       "vfio_pci               16384  0 \n"
	       "vfio_pci_core          65536  1 vfio_pci\n"
	       "vfio                   32768  2 vfio_pci,vfio_pci_core\n"
	       "vfio_virqfd            20480  1 vfio_pci_core\n"
	       "virtio_mmio            24576  0 \n"
	       "virtio_net             57344  0 \n"
	       "net_failover           20480  1 virtio_net\n"
	       "failover               16384  1 net_failover\n"
	       "virtio                 24576  4 virtio_rng,virtio_blk,virtio_mmio,virtio_net\n"
	       "virtio_ring            32768  4 virtio_rng,virtio_blk,virtio_mmio,virtio_net\n");
}

/* rmmod of a driver's module unbinds its devices; no usage of a module stays behind */
Test(script_busybox, rmmod_unbinds)
{
	expect(RNG,
	       "rmmod virtio_pci\n"
	       "readlink " DEV "/driver\n"
	       "echo 0000:00:01.0 > /sys/bus/pci/drivers/virtio-pci/unbind\n"
	       "rmmod\n"
	       "rmmod -x virtio\n",
	       "sh: can't create /sys/bus/pci/drivers/virtio-pci/unbind: nonexistent directory\n"
	       "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n"
	       "\n"
	       "Usage: rmmod [-wfa] [MODULE]...\n"
	       "\n"
	       "Unload kernel modules\n"
	       "\n"
	       "\t-w\tWait until the module is no longer used\n"
	       "\t-f\tForce unload\n"
	       "\t-a\tRemove all unused modules (recursively)\n"
	       "rmmod: invalid option -- 'x'\n"
	       "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n"
	       "\n"
	       "Usage: rmmod [-wfa] [MODULE]...\n"
	       "\n"
	       "Unload kernel modules\n"
	       "\n"
	       "\t-w\tWait until the module is no longer used\n"
	       "\t-f\tForce unload\n"
	       "\t-a\tRemove all unused modules (recursively)\n");
}

Test(script_busybox, commands_sh_has_not)
{
	expect(RNG, "nosuchcmd\nfrobnicate now\ngrep x /y\npwd\n",
	       "sh: nosuchcmd: not found\n"
	       "sh: frobnicate: not found\n"
	       "sh: grep: not supported by iommusim's script interpreter\n"
	       "/root\n");
}

/* ash: a syntax error ends the script; quotes and backslash-newline run on over lines */
Test(script_busybox, syntax)
{
	expect(RNG, "echo a\necho >\necho b\n", "a\nsh: syntax error: unexpected newline\n");
	expect(RNG, "echo a\necho \"unterminated\necho b\n", "a\nsh: syntax error: unterminated quoted string\n");
	expect(RNG, "echo > >x\necho after\n", "sh: syntax error: unexpected redirection\n");
	expect(RNG, "echo eof >", "sh: syntax error: unexpected end of file\n");
	expect(RNG, "echo \"a\nb\" c\\\nd\necho after\n", "a\nb cd\nafter\n");
	expect(RNG,
	       "echo -n q\necho -e \"a\\tb\"\necho -E x\necho\necho -- -n\necho -nx\necho \"a  b\"   c\necho a\\\\b\n"
	       "echo -x\n",
	       "qa\tb\nx\n\n-- -n\n-nx\na  b c\na\\b\n-x\n");
}

/* ash's pathname expansion (two rng devices: groups 0 and 1) */
Test(script_busybox, globs)
{
	expect("-M virt,iommu=smmuv3 -nic none -device virtio-rng-pci -device virtio-rng-pci",
	       "ls -d /sys/kernel/iommu_groups/*\n"
	       "echo /sys/kernel/iommu_groups/*/devices/*\n"
	       "echo /sys/bus/pci/devices/*/iommu_group\n"
	       "echo /sys/bus/pci/devices/0000:00:0[12].0\n"
	       "echo \"/sys/kernel/iommu_groups/*\" '*' \\*\n"
	       "echo /sys/kernel/iommu_groups/?\n"
	       "echo /nonexistent/*\n"
	       "echo /sys/kernel/iommu_groups/*/nonexist\n"
	       "cat /sys/kernel/iommu_groups/*/type\n",
	       "/sys/kernel/iommu_groups/0\n"
	       "/sys/kernel/iommu_groups/1\n"
	       "/sys/kernel/iommu_groups/0/devices/0000:00:01.0 /sys/kernel/iommu_groups/1/devices/0000:00:02.0\n"
	       "/sys/bus/pci/devices/0000:00:01.0/iommu_group /sys/bus/pci/devices/0000:00:02.0/iommu_group\n"
	       "/sys/bus/pci/devices/0000:00:01.0 /sys/bus/pci/devices/0000:00:02.0\n"
	       "/sys/kernel/iommu_groups/* * *\n"
	       "/sys/kernel/iommu_groups/0 /sys/kernel/iommu_groups/1\n"
	       "/nonexistent/*\n"
	       "/sys/kernel/iommu_groups/*/nonexist\n"
	       "DMA\n"
	       "DMA\n");
}

/* 6.1's iommu_group_store_type(): its checks, their order and messages */
Test(script_busybox, group_type_store)
{
	struct iommusim *sim = boot_ok(RNG);
	char *o = run(sim, "echo 1 > /sys/kernel/iommu_groups/0/type\n"
			   "echo identity > /sys/kernel/iommu_groups/0/type\n"
			   "echo DMA > /sys/kernel/iommu_groups/0/type\n");
	cr_assert_str_eq(o, "sh: write error: Invalid argument\n"
			    "sh: write error: Device or resource busy\n"
			    "sh: write error: Device or resource busy\n");
	free(o);
	o = run(sim, "dmesg\n");
	cr_assert(strstr(o, "] iommu: Device is still bound to driver\n"), "%s", o);
	free(o);
	/* unbound, and asking for the type it has: done */
	o = run(sim, "echo 0000:00:01.0 > /sys/bus/pci/drivers/virtio-pci/unbind\n"
		     "echo DMA > /sys/kernel/iommu_groups/0/type\n"
		     "echo auto > /sys/kernel/iommu_groups/0/type\n"
		     "echo bogus > /sys/kernel/iommu_groups/0/type\n"
		     "cat /sys/kernel/iommu_groups/0/type\n");
	cr_assert_str_eq(o, "sh: write error: Invalid argument\nDMA\n");
	free(o);
	iommusim_free(sim);

	/* a bridge and the device behind it share group 0: the count is checked first */
	sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device pcie-pci-bridge,id=b -device virtio-rng-pci,bus=b,addr=1");
	o = run(sim, "echo DMA > /sys/bus/pci/devices/0000:01:01.0/iommu_group/type\n"
		     "echo 0000:01:01.0 > /sys/bus/pci/devices/0000:01:01.0/driver/unbind\n"
		     "readlink /sys/bus/pci/devices/0000:01:01.0/driver\n"
		     "cat /sys/bus/pci/devices/0000:01:01.0/iommu_group/type\n");
	cr_assert_str_eq(o, "sh: write error: Invalid argument\nDMA\n");
	free(o);
	o = run(sim, "dmesg\n");
	cr_assert(strstr(o, "] iommu: Cannot change default domain: Group has more than one device\n"), "%s", o);
	free(o);
	iommusim_free(sim);
}
