/* QEMU option syntax: -M/-device/-drive/-netdev/-global/-m/-append/-smp. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "machine/qemu_cmdline.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct qemu_cmdline cmd;
static char err[256];

static void teardown(void)
{
	qemu_cmdline_free(&cmd);
}

TestSuite(qemu_cmdline, .fini = teardown);

Test(qemu_cmdline, reference_line)
{
	char *argv[] = {
		"-M", "virt,iommu=smmuv3,gic-version=3",
		"-device", "pcie-root-port,id=rp1,bus=pcie.0,chassis=1",
		"-drive", "if=none,id=d0,file=/dev/null,format=raw,readonly=on",
		"-netdev", "user,id=n0",
		"-m", "1G", "-smp", "4", "-append", "console=ttyAMA0 iommu.strict=1",
	};

	cr_assert_eq(qemu_cmdline_parse(ARGC(argv), argv, &cmd, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(qemu_opt_get(&cmd.machine, "type"), "virt");
	cr_assert_str_eq(qemu_opt_get(&cmd.machine, "iommu"), "smmuv3");
	cr_assert_str_eq(qemu_opt_get(&cmd.machine, "gic-version"), "3");
	cr_assert_null(cmd.machine.driver);
	cr_assert_eq(cmd.ndevices, 1);
	cr_assert_str_eq(cmd.devices[0].driver, "pcie-root-port");
	cr_assert_eq(cmd.devices[0].nopts, 3);
	cr_assert_str_eq(cmd.devices[0].opts[0].key, "id");
	cr_assert_str_eq(qemu_opt_get(&cmd.devices[0], "chassis"), "1");
	cr_assert_eq(cmd.devices[0].argi, 2, "index of the -device option");
	cr_assert_eq(cmd.ndrives, 1);
	cr_assert_str_eq(qemu_opt_get(&cmd.drives[0], "readonly"), "on");
	cr_assert_null(cmd.drives[0].driver);
	cr_assert_eq(cmd.nnetdevs, 1);
	cr_assert_str_eq(qemu_opt_get(&cmd.netdevs[0], "type"), "user");
	cr_assert_str_eq(cmd.mem, "1G");
	cr_assert_str_eq(cmd.append, "console=ttyAMA0 iommu.strict=1");
}

Test(qemu_cmdline, machine_type_key_and_merge)
{
	char *argv[] = { "-machine", "type=virt,iommu=none", "-M", "gic-version=2,iommu=smmuv3" };

	cr_assert_eq(qemu_cmdline_parse(ARGC(argv), argv, &cmd, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(qemu_opt_get(&cmd.machine, "type"), "virt");
	/* repeated -machine merge; the last value of a key wins */
	cr_assert_str_eq(qemu_opt_get(&cmd.machine, "iommu"), "smmuv3");
	cr_assert_str_eq(qemu_opt_get(&cmd.machine, "gic-version"), "2");
}

Test(qemu_cmdline, comma_escape_and_bare_flags)
{
	char *argv[] = {
		"-drive", "if=none,id=d1,file=/tmp/a,,b,,,readonly",
		"-device", "driver=virtio-rng-pci,id=r,,x",
	};

	/* "r,,x" is the value "r,x" — not a well-formed id */
	cr_assert_eq(qemu_cmdline_parse(ARGC(argv), argv, &cmd, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "Parameter 'id' expects an identifier"), "%s", err);
	cr_assert_eq(cmd.ndrives, 0, "left zeroed on error");
	cr_assert_null(cmd.drives);

	char *argv2[] = { "-drive", "if=none,id=d1,file=/tmp/a,,b,,,readonly", "-device", "driver=virtio-rng-pci,multifunction" };

	cr_assert_eq(qemu_cmdline_parse(ARGC(argv2), argv2, &cmd, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(qemu_opt_get(&cmd.drives[0], "file"), "/tmp/a,b,");
	cr_assert_str_eq(qemu_opt_get(&cmd.drives[0], "readonly"), "on");
	cr_assert_str_eq(cmd.devices[0].driver, "virtio-rng-pci");
	cr_assert_eq(cmd.devices[0].nopts, 1, "driver= is not kept as an option");
	cr_assert_str_eq(qemu_opt_get(&cmd.devices[0], "multifunction"), "on");
}

Test(qemu_cmdline, escaped_comma_in_driver_and_append_verbatim)
{
	char *argv[] = { "-device", "odd,,name,bus=pcie.0", "-append", "a,b=c" };

	cr_assert_eq(qemu_cmdline_parse(ARGC(argv), argv, &cmd, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(cmd.devices[0].driver, "odd,name");
	cr_assert_str_eq(qemu_opt_get(&cmd.devices[0], "bus"), "pcie.0");
	cr_assert_str_eq(cmd.append, "a,b=c");
}

Test(qemu_cmdline, global_both_forms)
{
	char *argv[] = {
		"-global", "virtio-mmio.force-legacy=false",
		"-global", "driver=virtio-blk-pci,property=disable-legacy,value=on",
	};

	cr_assert_eq(qemu_cmdline_parse(ARGC(argv), argv, &cmd, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(cmd.nglobals, 2);
	cr_assert_str_eq(cmd.globals[0].driver, "virtio-mmio");
	cr_assert_str_eq(cmd.globals[0].opts[0].key, "force-legacy");
	cr_assert_str_eq(cmd.globals[0].opts[0].val, "false");
	cr_assert_str_eq(cmd.globals[1].driver, "virtio-blk-pci");
	cr_assert_str_eq(cmd.globals[1].opts[0].key, "disable-legacy");
	cr_assert_str_eq(cmd.globals[1].opts[0].val, "on");
}

Test(qemu_cmdline, double_dash_and_m_size_key)
{
	char *argv[] = { "--machine", "virt", "-m", "size=2G" };

	cr_assert_eq(qemu_cmdline_parse(ARGC(argv), argv, &cmd, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(cmd.mem, "2G");
}

struct bad { int argc; char *argv[4]; const char *msg; };

Test(qemu_cmdline, bad_inputs)
{
	static const struct bad cases[] = {
		{ 2, { "-kernell", "Image" }, "-kernell: invalid option" },
		{ 2, { "-smp", "2,=1" }, "Invalid parameter ''" },
		{ 1, { "--" }, "--: invalid option" },
		{ 1, { "-device" }, "-device: requires an argument" },
		{ 1, { "-M" }, "-M: requires an argument" },
		{ 2, { "-device", "" }, "Parameter 'driver' is missing" },
		{ 2, { "-device", ",bus=pcie.0" }, "Parameter 'driver' is missing" },
		{ 2, { "-device", "bus=pcie.0" }, "Parameter 'driver' is missing" },
		{ 2, { "-device", "virtio-rng-pci,=3" }, "Invalid parameter ''" },
		{ 2, { "-netdev", "user,id=" }, "Parameter 'id' expects an identifier" },
		{ 2, { "-global", "virtio-mmio" }, "options 'driver', 'property', and 'value' are required" },
		{ 4, { "-device", "pci-bridge,id=b", "-device", "pci-bridge,id=b" }, "Duplicate ID 'b' for device" },
		{ 4, { "-drive", "if=none,id=d", "-drive", "id=d" }, "Duplicate ID 'd' for drive" },
		{ 2, { "-device", "virtio-rng-pci,id=1x" }, "Parameter 'id' expects an identifier" },
		{ 2, { "-m", "size=" }, "-m size=: Parameter 'size' expects a non-negative number below 2^64" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct qemu_cmdline c;

		memset(&c, 0xa5, sizeof(c));
		err[0] = '\0';
		cr_assert_eq(qemu_cmdline_parse(cases[i].argc, (char **)cases[i].argv, &c, err, sizeof(err)),
			     -EINVAL, "case %zu", i);
		cr_assert(strstr(err, cases[i].msg), "case %zu: '%s' lacks '%s'", i, err, cases[i].msg);
		cr_assert_eq(c.ndevices, 0, "case %zu: *out zeroed", i);
		cr_assert_null(c.devices);
		cr_assert_null(c.machine.opts);
	}
}

Test(qemu_cmdline, parse_size)
{
	unsigned long long v;

	cr_assert_eq(qemu_parse_size("1G", &v), 0);
	cr_assert_eq(v, 1ULL << 30);
	cr_assert_eq(qemu_parse_size("512M", &v), 0);
	cr_assert_eq(v, 512ULL << 20);
	cr_assert_eq(qemu_parse_size("1073741824", &v), 0);
	cr_assert_eq(v, 1073741824ULL);
	cr_assert_eq(qemu_parse_size("1.5G", &v), 0);
	cr_assert_eq(v, 3ULL << 29);
	cr_assert_eq(qemu_parse_size("4k", &v), 0);
	cr_assert_eq(v, 4096);
	cr_assert_eq(qemu_parse_size("0x1000", &v), 0);
	cr_assert_eq(v, 4096);
	cr_assert_eq(qemu_parse_size("", &v), -EINVAL);
	cr_assert_eq(qemu_parse_size("G", &v), -EINVAL);
	cr_assert_eq(qemu_parse_size("12Q", &v), -EINVAL);
	cr_assert_eq(qemu_parse_size("1GB", &v), -EINVAL);
	cr_assert_eq(qemu_parse_size("-1", &v), -EINVAL);
	cr_assert_eq(qemu_parse_size("1.5", &v), -EINVAL);
	cr_assert_eq(qemu_parse_size("99999999999999999999", &v), -EINVAL);
	cr_assert_eq(qemu_parse_size("20E", &v), -EINVAL, "overflows 64 bits");
}

Test(qemu_cmdline, parse_bool)
{
	int b = -1;

	cr_assert_eq(qemu_parse_bool("on", &b), 0);
	cr_assert_eq(b, 1);
	cr_assert_eq(qemu_parse_bool("false", &b), 0);
	cr_assert_eq(b, 0);
	cr_assert_eq(qemu_parse_bool("yes", &b), 0);
	cr_assert_eq(b, 1);
	cr_assert_eq(qemu_parse_bool("off", &b), 0);
	cr_assert_eq(b, 0);
	cr_assert_eq(qemu_parse_bool("maybe", &b), -EINVAL);
	cr_assert_eq(qemu_parse_bool("", &b), -EINVAL);
	cr_assert_eq(qemu_parse_bool(NULL, &b), -EINVAL);
}
