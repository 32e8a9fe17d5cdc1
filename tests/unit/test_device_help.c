/*
 * -device help and -device NAME,help on the command line, answered as
 * qemu-system-aarch64 7.2 answers them: after every option was read (a later
 * option's syntax error wins), after -cpu help and -machine help, the first
 * one only; the texts themselves are compared with QEMU's in tests/qemu.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "machine/qemu_cmdline.h"

static char err[512];

/* Split on spaces and parse: the info text (caller frees) or NULL with err set. */
static char *parse(const char *line, int *ret)
{
	char *copy = strdup(line), *argv[32], *save = NULL, *info = NULL;
	int argc = 0;
	struct qemu_cmdline cmd;

	for (char *t = strtok_r(copy, " ", &save); t && argc < 32; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	err[0] = '\0';
	*ret = qemu_cmdline_parse(argc, argv, &cmd, err, sizeof(err));
	if (!*ret) {
		info = cmd.info ? strdup(cmd.info) : NULL;
		qemu_cmdline_free(&cmd);
	}
	free(copy);
	return info;
}

static void expect_info(const char *line, const char *start)
{
	int ret;
	char *info = parse(line, &ret);

	cr_assert_eq(ret, 0, "%s: %s", line, err);
	cr_assert_not_null(info, "%s: no information", line);
	cr_assert(!strncmp(info, start, strlen(start)), "%s: got\n%s", line, info);
	free(info);
}

static void expect_err(const char *line, const char *msg)
{
	int ret;
	char *info = parse(line, &ret);

	cr_assert_eq(ret, -EINVAL, "%s: %d", line, ret);
	cr_assert_null(info);
	cr_assert_str_eq(err, msg, "%s", line);
}

Test(device_help, list_and_one_type)
{
	expect_info("-device help", "Controller/Bridge/Hub devices:\nname \"");
	expect_info("-device ?", "Controller/Bridge/Hub devices:\n");
	expect_info("-device pcie-root-port,help", "pcie-root-port options:\n  acpi-index=<uint32>    -  (default: 0)\n");
	expect_info("-device virtio-net,help", "virtio-net-pci options:\n");
	expect_info("-device driver=virtio-rng-device,help", "virtio-rng-device options:\n  any_layout=<bool>      - on/off (default: true)\n");
	/* no machine needed, as in QEMU (help comes before the machine is chosen) */
	expect_info("-device pci-bridge,id=b,chassis_nr=1,help", "pci-bridge options:\n");
}

Test(device_help, after_every_option_and_other_help)
{
	/* the rest of the line is still read: its syntax errors come first */
	expect_err("-device help -m 1,bogus=3", "-m 1,bogus=3: Invalid parameter 'bogus'");
	expect_err("-device help -object bogus,id=x", "-object bogus,id=x: Parameter 'qom-type' does not accept value 'bogus'");
	/* -cpu help and -machine help are answered before it, wherever they are */
	expect_info("-device help -cpu help", "Available CPUs:\n");
	expect_info("-device help -M help", "Supported machines are:\n");
	/* the first -device help is the one answered */
	expect_info("-device pcie-root-port,help -device help", "pcie-root-port options:\n");
	expect_info("-device help -device pcie-root-port,help", "Controller/Bridge/Hub devices:\n");
	expect_info("-M virt -device help -nic bogus", "Controller/Bridge/Hub devices:\n");
}

Test(device_help, unknown_and_abstract_types)
{
	expect_err("-device foo,help", "-device foo,help: Device 'foo' not found");
	/* one QEMU has: not modelled, rather than QEMU's list of its properties */
	expect_err("-device virtio-balloon-pci,help",
		   "-device virtio-balloon-pci,help: Device 'virtio-balloon-pci' is not modelled by iommusim (-device help lists those that are)");
	expect_err("-device pci-device,help", "-device pci-device,help: Parameter 'typename' expects a non-abstract device type");
	/* a later option's syntax error still comes first */
	expect_err("-device foo,help -m 1,bogus=3", "-m 1,bogus=3: Invalid parameter 'bogus'");
	expect_info("-device foo,help -cpu help", "Available CPUs:\n");
	expect_err("-device foo,help -device help", "-device foo,help: Device 'foo' not found");
}
