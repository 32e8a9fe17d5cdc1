/*
 * The device type registry (hw/qdev.h): lookups by name and alias, the
 * property values every type starts with, and each property kind parsed as
 * QEMU 7.2 parses it, good values and bad ones with QEMU's messages.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/qdev_types.h"

static struct qdev d;
static char msg[512];

static void fini(void)
{
	qdev_fini(&d);
}

TestSuite(qdev, .fini = fini);

static void make(const char *type)
{
	const struct hw_device_type *t = hw_device_type_find(type);

	cr_assert_not_null(t, "%s", type);
	cr_assert_eq(qdev_init(&d, t), 0);
}

/* a QemuOpts value */
static int set(const char *key, const char *val)
{
	msg[0] = '\0';
	return qdev_prop_parse(&d, key, (struct qdev_input){ val, QOPT_STR, false }, msg, sizeof(msg));
}

/* a JSON value of type t */
static int set_json(const char *key, const char *val, enum qemu_opt_type t)
{
	msg[0] = '\0';
	return qdev_prop_parse(&d, key, (struct qdev_input){ val, t, true }, msg, sizeof(msg));
}

#define BAD(call, text)                                                               \
	do {                                                                          \
		cr_assert_eq((call), -EINVAL, "%s accepted", #call);                  \
		cr_assert_str_eq(msg, text);                                          \
	} while (0)

Test(qdev, lookup_by_name_and_alias)
{
	const struct hw_device_type *t = hw_device_type_find("virtio-blk-pci");

	cr_assert_not_null(t);
	cr_assert_eq(hw_device_type_find("virtio-blk"), t, "QEMU's alias");
	cr_assert_eq(t->vdev, &virtio_blk_device_type);
	cr_assert(hw_device_type_is(t, &pci_device_type));
	cr_assert(hw_device_type_is(t, &virtio_pci_type));
	cr_assert(!hw_device_type_is(t, &virtio_device_type), "the proxy is no virtio device");
	cr_assert(hw_device_type_is(&virtio_rng_device_type, &virtio_device_type));
	cr_assert_null(hw_device_type_find("pci-device"), "abstract types are not -device'd");
	cr_assert_null(hw_device_type_find("virtio-pci"));
	cr_assert_null(hw_device_type_find("foo"));
	cr_assert_null(hw_device_type_find(""));
	/* every concrete type can be realized and names its bus */
	for (size_t i = 0; i < hw_device_ntypes; i++) {
		const struct hw_device_type *x = hw_device_types[i];

		cr_assert(x->abstract || x->realize, "%s", x->name);
		cr_assert(x->abstract || x->bus, "%s", x->name);
		cr_assert(x->abstract || hw_device_type_find(x->name) == x, "%s", x->name);
	}
}

Test(qdev, no_property_is_declared_twice_on_a_type)
{
	for (size_t i = 0; i < hw_device_ntypes; i++) {
		const struct hw_device_type *t = hw_device_types[i];
		struct qdev x;

		cr_assert_eq(qdev_init(&x, t), 0);
		for (size_t a = 0; a < x.nslots; a++)
			for (size_t b = a + 1; b < x.nslots; b++)
				cr_assert(strcmp(x.slots[a].prop->name, x.slots[b].prop->name),
					  "%s: %s twice", t->name, x.slots[a].prop->name);
		qdev_fini(&x);
	}
}

Test(qdev, defaults_of_a_root_port)
{
	make("pcie-root-port");
	cr_assert_eq(qdev_int(&d, "addr"), -1);
	cr_assert_eq(qdev_uint(&d, "chassis"), 0);
	cr_assert(qdev_bool(&d, "hotplug"));
	cr_assert(!qdev_bool(&d, "multifunction"));
	cr_assert(!qdev_bool(&d, "disable-acs"));
	cr_assert_eq(qdev_uint(&d, "io-reserve"), UINT64_MAX);
	cr_assert_eq(qdev_uint(&d, "aer_log_max"), 8);
	cr_assert_null(qdev_str(&d, "romfile"));
	cr_assert(!qdev_is_set(&d, "chassis"));
	cr_assert_eq(set("chassis", "7"), 0);
	cr_assert(qdev_is_set(&d, "chassis"));
	cr_assert_eq(qdev_uint(&d, "chassis"), 7);
}

Test(qdev, unsigned_integers)
{
	make("pcie-root-port");
	cr_assert_eq(set("chassis", "0xff"), 0);
	cr_assert_eq(qdev_uint(&d, "chassis"), 255);
	BAD(set("chassis", "256"), "Parameter 'chassis' expects uint8_t");
	BAD(set("chassis", "-1"), "Parameter 'chassis' expects uint8_t");
	BAD(set("chassis", "x"), "Parameter 'chassis' expects integer");
	BAD(set("chassis", ""), "Parameter 'chassis' expects integer");
	BAD(set("aer_log_max", "70000"), "Parameter 'aer_log_max' expects uint16_t");
	BAD(set("acpi-index", "-1"), "Parameter 'acpi-index' expects uint32_t");
	cr_assert_eq(qdev_uint(&d, "chassis"), 255, "a bad value leaves the last good one");
	/* JSON: a string is no number, a negative number its 64-bit image */
	BAD(set_json("chassis", "1", QOPT_STR), "Parameter 'chassis' expects uint64");
	BAD(set_json("chassis", "-1", QOPT_INT), "Parameter 'chassis' expects uint8_t");
	cr_assert_eq(set_json("chassis", "3", QOPT_INT), 0);
	cr_assert_eq(qdev_uint(&d, "chassis"), 3);
}

Test(qdev, uint64_wraps_and_the_device_checks)
{
	make("virtio-rng-pci");
	cr_assert_eq(set("max-bytes", "-1"), 0, "qemu_strtou64 takes -1 as 2^64-1");
	cr_assert_eq(qdev_uint(&d, "max-bytes"), UINT64_MAX);
	BAD(set("max-bytes", "18446744073709551616"), "Parameter 'max-bytes' expects integer");
	BAD(set_json("max-bytes", "5", QOPT_STR), "Parameter 'max-bytes' expects uint64");
}

Test(qdev, signed_integers)
{
	make("virtio-net-pci");
	cr_assert_eq(set("bootindex", "-1"), 0);
	cr_assert_eq(qdev_int(&d, "bootindex"), -1);
	BAD(set("bootindex", "x"), "Parameter 'bootindex' expects integer");
	BAD(set("x-txburst", "3000000000"), "Parameter 'x-txburst' expects int32_t");
	BAD(set_json("x-txburst", "1", QOPT_STR), "Invalid parameter type for 'x-txburst', expected: integer");
	BAD(set_json("x-txburst", "1.5", QOPT_NUM), "Invalid parameter type for 'x-txburst', expected: integer");
	cr_assert_eq(set_json("bootindex", "2", QOPT_INT), 0);
	cr_assert_eq(qdev_int(&d, "bootindex"), 2);
}

Test(qdev, booleans)
{
	make("pci-bridge");
	cr_assert_eq(set("shpc", "off"), 0);
	cr_assert(!qdev_bool(&d, "shpc"));
	cr_assert_eq(set("shpc", "yes"), 0);
	cr_assert(qdev_bool(&d, "shpc"));
	BAD(set("shpc", "maybe"), "Parameter 'shpc' expects 'on' or 'off'");
	BAD(set_json("shpc", "on", QOPT_STR), "Invalid parameter type for 'shpc', expected: boolean");
	cr_assert_eq(set_json("shpc", "false", QOPT_BOOL), 0);
	cr_assert(!qdev_bool(&d, "shpc"));
}

Test(qdev, enums_and_on_off_auto)
{
	make("virtio-blk-pci");
	cr_assert_eq(qdev_enum(&d, "disable-legacy"), QDEV_AUTO);
	cr_assert_eq(set("disable-legacy", "on"), 0);
	cr_assert_eq(qdev_enum(&d, "disable-legacy"), QDEV_ON);
	BAD(set("disable-legacy", "yes"), "Parameter 'disable-legacy' does not accept value 'yes'");
	BAD(set_json("disable-legacy", "true", QOPT_BOOL),
	    "Invalid parameter type for 'disable-legacy', expected: string");
	BAD(set("rerror", "x"), "Parameter 'rerror' does not accept value 'x'");
	cr_assert_eq(set("rerror", "auto"), 0, "the default is accepted");
}

Test(qdev, sizes)
{
	make("pcie-root-port");
	cr_assert_eq(set("io-reserve", "1.5k"), 0);
	cr_assert_eq(qdev_uint(&d, "io-reserve"), 1536);
	cr_assert_eq(set("mem-reserve", "2M"), 0);
	cr_assert_eq(qdev_uint(&d, "mem-reserve"), 2u << 20);
	BAD(set("io-reserve", "x"), "Parameter 'io-reserve' expects size");
	BAD(set("io-reserve", "-1"), "Parameter 'io-reserve' expects size");
	BAD(set("io-reserve", "16E"), "Parameter 'io-reserve' expects size");
	BAD(set_json("io-reserve", "1", QOPT_STR), "Parameter 'io-reserve' expects uint64");
	cr_assert_eq(set_json("io-reserve", "4096", QOPT_INT), 0);
	cr_assert_eq(qdev_uint(&d, "io-reserve"), 4096);
}

Test(qdev, pci_addresses)
{
	make("virtio-rng-pci");
	cr_assert_eq(set("addr", "1f.7"), 0);
	cr_assert_eq(qdev_int(&d, "addr"), 0xff);
	cr_assert_eq(set("addr", "0x3"), 0, "strtoul base 16 reads 0x");
	cr_assert_eq(qdev_int(&d, "addr"), 3 << 3);
	BAD(set("addr", "20"), "Property 'virtio-rng-pci.addr' doesn't take value '20'");
	BAD(set("addr", "1.8"), "Property 'virtio-rng-pci.addr' doesn't take value '1.8'");
	BAD(set("addr", "-1"), "Property 'virtio-rng-pci.addr' doesn't take value '-1'");
	BAD(set("addr", "1."), "Property 'virtio-rng-pci.addr' doesn't take value '1.'");
	BAD(set_json("addr", "256", QOPT_INT), "Parameter 'addr' expects a value between -1 and 255");
	BAD(set_json("addr", "true", QOPT_BOOL), "Invalid parameter type for 'addr', expected int or str");
	cr_assert_eq(set_json("addr", "16", QOPT_INT), 0);
	cr_assert_eq(qdev_int(&d, "addr"), 16);
}

Test(qdev, strings_links_and_children)
{
	make("virtio-rng-pci");
	cr_assert_eq(set("rng", "r0"), 0);
	cr_assert_str_eq(qdev_str(&d, "rng"), "r0");
	BAD(set_json("rng", "5", QOPT_INT), "Invalid parameter type for 'rng', expected: string");
	BAD(set("virtio-backend", "x"), "Property 'virtio-rng-pci.virtio-backend' is not writable");
	BAD(set("nosuch", "1"), "Property 'virtio-rng-pci.nosuch' not found");
	BAD(set("id", "1"), "Property 'virtio-rng-pci.id' not found");
}

Test(qdev, mac_addresses_name_the_aliased_device)
{
	make("virtio-net-pci");
	cr_assert_eq(set("mac", "52:54:00:12:34:56"), 0);
	cr_assert_eq(set("mac", "52-54-00-ab-CD-ef"), 0);
	BAD(set("mac", "zz"), "Property 'virtio-net-device.mac' doesn't take value 'zz'");
	BAD(set("mac", "52:54:00:12:34"), "Property 'virtio-net-device.mac' doesn't take value '52:54:00:12:34'");
	BAD(set("mac", "52:54:00:12:34:567"), "Property 'virtio-net-device.mac' doesn't take value '52:54:00:12:34:567'");
}

Test(qdev, block_sizes)
{
	make("virtio-blk-pci");
	cr_assert_eq(set("logical_block_size", "4k"), 0);
	cr_assert_eq(qdev_uint(&d, "logical_block_size"), 4096);
	cr_assert_eq(set("physical_block_size", "0"), 0, "0: the backend's");
	/* virtio-blk-pci's child has no id: QEMU prints an empty one */
	BAD(set("logical_block_size", "1000"),
	    "Property .logical_block_size doesn't take value '1000', it's not a power of 2");
	BAD(set("logical_block_size", "256"),
	    "Property .logical_block_size doesn't take value 256 (minimum: 512, maximum: 2097152)");
	BAD(set("physical_block_size", "4M"),
	    "Property .physical_block_size doesn't take value 4194304 (minimum: 512, maximum: 2097152)");
	BAD(set("logical_block_size", "x"), "Parameter 'logical_block_size' expects size");
	qdev_fini(&d);
	make("virtio-blk-device");
	d.id = "disk0";
	BAD(set("logical_block_size", "1000"),
	    "Property disk0.logical_block_size doesn't take value '1000', it's not a power of 2");
}

Test(qdev, properties_not_modelled_take_only_their_default)
{
	make("virtio-blk-pci");
	cr_assert_eq(set("packed", "off"), 0);
	BAD(set("packed", "on"),
	    "Property 'virtio-blk-device.packed' is not modelled by iommusim: only its default is accepted");
	cr_assert_eq(set("event_idx", "off"), 0, "modelled: the device offers no EVENT_IDX");
	BAD(set("ats", "on"),
	    "Property 'virtio-blk-pci.ats' is not modelled by iommusim: only its default is accepted");
	BAD(set("serial", "abc"),
	    "Property 'virtio-blk-device.serial' is not modelled by iommusim: only its default is accepted");
	cr_assert(!qdev_is_set(&d, "ats"), "a refused value is not kept");
	/* no effect: any good value */
	cr_assert_eq(set("ioeventfd", "off"), 0);
	cr_assert_eq(set("bootindex", "3"), 0);
}

static char *parse_info(const char *a, const char *b, int *ret)
{
	char *argv[] = { (char *)a, (char *)b };
	struct qemu_cmdline cmd;
	char *info = NULL;

	msg[0] = '\0';
	*ret = qemu_cmdline_parse(2, argv, &cmd, msg, sizeof(msg));
	if (!*ret) {
		info = cmd.info ? strdup(cmd.info) : NULL;
		qemu_cmdline_free(&cmd);
	}
	return info;
}

Test(qdev, device_help_on_the_command_line)
{
	int ret;
	char *info = parse_info("-device", "help", &ret);

	cr_assert_eq(ret, 0);
	cr_assert_not_null(info);
	cr_assert(!strncmp(info, "Controller/Bridge/Hub devices:\nname \"ioh3420\", bus PCI, desc \"Intel IOH device id 3420 PCIE Root Port\"\n",
			   strlen("Controller/Bridge/Hub devices:\nname \"ioh3420\"")), "%s", info);
	cr_assert_not_null(strstr(info, "\nname \"pci-bridge\", bus PCI, desc \"Standard PCI Bridge\"\n"));
	cr_assert_not_null(strstr(info, "\nStorage devices:\nname \"ich9-ahci\", bus PCI, alias \"ahci\"\n"
				  "name \"nvme\", bus PCI, desc \"Non-Volatile Memory Express\"\n"));
	cr_assert_not_null(strstr(info, "\nname \"virtio-blk-device\", bus virtio-bus\n"
				  "name \"virtio-blk-pci\", bus PCI, alias \"virtio-blk\"\n"));
	free(info);
	/* by alias: the type's own name heads the list */
	info = parse_info("-device", "virtio-rng,help", &ret);
	cr_assert_eq(ret, 0);
	cr_assert(!strncmp(info, "virtio-rng-pci options:\n  acpi-index=<uint32>    -  (default: 0)\n", 62), "%s", info);
	cr_assert_not_null(strstr(info, "\n  rng=<link<rng-backend>>\n"));
	cr_assert_not_null(strstr(info, "\n  virtio-backend=<child<virtio-rng-device>>\n"));
	free(info);
	info = parse_info("-device", "pci-bridge,?", &ret);
	cr_assert_eq(ret, 0);
	cr_assert(!strncmp(info, "pci-bridge options:\n", 20));
	free(info);
	info = parse_info("-device", "foo,help", &ret);
	cr_assert_eq(ret, -EINVAL);
	cr_assert_null(info);
	cr_assert_str_eq(msg, "-device foo,help: Device 'foo' not found");
	/* abstract types have no help of their own */
	parse_info("-device", "pci-device,help", &ret);
	cr_assert_str_eq(msg, "-device pci-device,help: Parameter 'typename' expects a non-abstract device type");
}

/* README.md lists every property that is not modelled: the block must be what the tables say. */
Test(qdev, readme_lists_the_properties_not_modelled)
{
	static const char begin[] = "<!-- qdev effects: generated from src/hw/*.c by qdev_print_effects() -->\n";
	static const char end[] = "<!-- end of qdev effects -->";
	char path[4096], *want = NULL, *readme = NULL;
	size_t wlen = 0, rlen = 0;
	FILE *f;
	const char *slash = strrchr(__FILE__, '/');

	/* __FILE__ is tests/unit/test_qdev.c under the source tree */
	snprintf(path, sizeof(path), "%.*s/../../README.md", (int)(slash ? slash - __FILE__ : 1),
		 slash ? __FILE__ : ".");
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	FILE *m = open_memstream(&readme, &rlen);
	for (int c; (c = fgetc(f)) != EOF;)
		fputc(c, m);
	fclose(m);
	fclose(f);
	m = open_memstream(&want, &wlen);
	qdev_print_effects(m);
	fclose(m);
	const char *a = strstr(readme, begin), *b = a ? strstr(a, end) : NULL;
	cr_assert(a && b, "README.md lacks the qdev effects block");
	a += strlen(begin);
	cr_assert(strlen(want) == (size_t)(b - a) && !strncmp(a, want, wlen),
		  "README.md's list of properties not modelled is stale; between its markers it should read:\n%s", want);
	free(want);
	free(readme);
}
