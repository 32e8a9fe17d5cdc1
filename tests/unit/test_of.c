/* fw/of.c: the virt DT read back as Linux reads it, and malformed blobs. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>

#include "fw/of.h"
#include "machine/machine.h"

static struct machine m;

static void teardown(void)
{
	machine_free(&m);
}

TestSuite(of, .fini = teardown);

static void build_virt(const char *mopt)
{
	char mbuf[128];
	char *argv[] = { "-M", mbuf, "-append", "console=ttyAMA0" };
	struct qemu_cmdline cmd;
	char err[256];

	snprintf(mbuf, sizeof(mbuf), "%s", mopt);
	cr_assert_eq(qemu_cmdline_parse(4, argv, &cmd, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(virt_machine_build(&cmd, &m, err, sizeof(err)), 0, "%s", err);
	qemu_cmdline_free(&cmd);
}

static int node(const char *path)
{
	int off = fdt_path_offset(m.fdt, path);

	cr_assert_geq(off, 0, "%s: %s", path, fdt_strerror(off));
	return off;
}

Test(of, virt_smmu_node)
{
	u64 a = 0, s = 0;
	u32 v;
	char name[64];
	int smmu, len;
	const char *names;

	build_virt("virt,iommu=smmuv3,gic-version=3");
	smmu = node("/smmuv3@9050000");
	cr_assert_eq(of_address(m.fdt, smmu, 0, &a, &s), 0);
	cr_assert_eq(a, 0x9050000);
	cr_assert_eq(s, 0x20000);
	cr_assert_eq(of_address(m.fdt, smmu, 1, &a, &s), -ENOENT);
	cr_assert_eq(of_property_read_u32(m.fdt, smmu, "#iommu-cells", &v), 0);
	cr_assert_eq(v, 1);
	cr_assert(of_device_is_compatible(m.fdt, smmu, "arm,smmu-v3"));
	cr_assert(of_device_is_compatible(m.fdt, smmu, "ARM,SMMU-v3"), "of_compat_cmp is strcasecmp");
	cr_assert_not(of_device_is_compatible(m.fdt, smmu, "arm,smmu-v"));
	cr_assert(of_device_is_available(m.fdt, smmu));
	cr_assert_not_null(fdt_getprop(m.fdt, smmu, "dma-coherent", &len));
	cr_assert_eq(len, 0);
	names = fdt_getprop(m.fdt, smmu, "interrupt-names", &len);
	cr_assert_eq(len, (int)sizeof("eventq\0priq\0cmdq-sync\0gerror"));
	cr_assert_eq(memcmp(names, "eventq\0priq\0cmdq-sync\0gerror", (size_t)len), 0);
	cr_assert_eq(fdt_stringlist_count(m.fdt, smmu, "interrupt-names"), 4);
	{
		const fdt32_t *irq = fdt_getprop(m.fdt, smmu, "interrupts", &len);

		cr_assert_eq(len, 12 * 4);
		/* SPI 74..77, edge rising */
		cr_assert_eq(fdt32_to_cpu(irq[1]), 74);
		cr_assert_eq(fdt32_to_cpu(irq[10]), 77);
		cr_assert_eq(fdt32_to_cpu(irq[11]), 1);
	}
	cr_assert_eq(of_device_name(m.fdt, smmu, name, sizeof(name)), (int)strlen("9050000.smmuv3"));
	cr_assert_str_eq(name, "9050000.smmuv3");
	cr_assert_eq(of_find_node_by_phandle(m.fdt, fdt_get_phandle(m.fdt, smmu)), smmu);
}

Test(of, virt_pcie_iommu_map_and_msi_map_gicv3)
{
	int pcie, smmu, its, target = 7;
	u32 out = 0, v;
	u64 a, s;
	char name[64];

	build_virt("virt,iommu=smmuv3,gic-version=3");
	pcie = node("/pcie@10000000");
	smmu = node("/smmuv3@9050000");
	its = node("/intc@8000000/its@8080000");
	cr_assert(of_device_is_compatible(m.fdt, its, "arm,gic-v3-its"));
	cr_assert_eq(of_address(m.fdt, pcie, 0, &a, &s), 0);
	cr_assert_eq(a, 0x4010000000ULL);
	cr_assert_eq(s, 0x10000000ULL);
	cr_assert_geq(of_device_name(m.fdt, pcie, name, sizeof(name)), 0);
	cr_assert_str_eq(name, "4010000000.pcie");

	cr_assert_eq(of_map_id(m.fdt, pcie, 0x100, "iommu-map", "iommu-map-mask", &target, &out), 0);
	cr_assert_eq(target, smmu);
	cr_assert_eq(out, 0x100);
	cr_assert_eq(of_map_id(m.fdt, pcie, 0xffff, "iommu-map", "iommu-map-mask", &target, &out), 0);
	cr_assert_eq(out, 0xffff);
	/* RIDs stop at 0xffff: the map covers 0x10000 ids */
	cr_assert_eq(of_map_id(m.fdt, pcie, 0x10000, "iommu-map", "iommu-map-mask", &target, &out), -ENODEV);

	cr_assert_eq(of_map_id(m.fdt, pcie, 0x208, "msi-map", "msi-map-mask", &target, &out), 0);
	cr_assert_eq(target, its, "QEMU 7.2 puts msi-map (not msi-parent) on the host bridge");
	cr_assert_eq(out, 0x208);
	cr_assert_null(fdt_getprop(m.fdt, pcie, "msi-parent", NULL));

	cr_assert_eq(of_property_read_u32(m.fdt, pcie, "linux,pci-domain", &v), 0);
	cr_assert_eq(v, 0);
	{
		int len;
		const fdt32_t *br = fdt_getprop(m.fdt, pcie, "bus-range", &len);

		cr_assert_eq(len, 8);
		cr_assert_eq(fdt32_to_cpu(br[1]), 0xff);
	}
	cr_assert_eq(fdt_stringlist_count(m.fdt, node("/intc@8000000"), "compatible"), 1);
	cr_assert(of_device_is_compatible(m.fdt, node("/intc@8000000"), "arm,gic-v3"));
}

Test(of, virt_gicv2_v2m_and_no_smmu)
{
	int pcie, v2m, target = 3;
	u32 out = 0;

	build_virt("virt");
	pcie = node("/pcie@10000000");
	v2m = node("/intc@8000000/v2m@8020000");
	cr_assert(of_device_is_compatible(m.fdt, v2m, "arm,gic-v2m-frame"));
	cr_assert(of_device_is_compatible(m.fdt, node("/intc@8000000"), "arm,cortex-a15-gic"));
	cr_assert_eq(of_map_id(m.fdt, pcie, 0x10, "msi-map", "msi-map-mask", &target, &out), 0);
	cr_assert_eq(target, v2m);
	/* no iommu=smmuv3: no iommu-map at all, the id passes through */
	cr_assert_null(fdt_getprop(m.fdt, pcie, "iommu-map", NULL));
	cr_assert_eq(of_map_id(m.fdt, pcie, 0x10, "iommu-map", "iommu-map-mask", &target, &out), 0);
	cr_assert_eq(target, -1);
	cr_assert_eq(out, 0x10);
	cr_assert_lt(fdt_path_offset(m.fdt, "/smmuv3@9050000"), 0);
}

Test(of, virt_gicv3_its_off_has_no_msi_map)
{
	build_virt("virt,gic-version=3,its=off");
	cr_assert_null(fdt_getprop(m.fdt, node("/pcie@10000000"), "msi-map", NULL));
	cr_assert_lt(fdt_path_offset(m.fdt, "/intc@8000000/its@8080000"), 0);
}

Test(of, virt_mmio_transports_and_chosen)
{
	int count = 0;
	const char *bootargs;

	build_virt("virt");
	for (int i = 0; i < 32; i++) {
		char path[64], name[64], want[64];
		u64 a, s;
		int n, len;
		const fdt32_t *irq;

		snprintf(path, sizeof(path), "/virtio_mmio@%x", 0xa000000 + i * 0x200);
		n = node(path);
		cr_assert(of_device_is_compatible(m.fdt, n, "virtio,mmio"));
		cr_assert_eq(of_address(m.fdt, n, 0, &a, &s), 0);
		cr_assert_eq(a, 0xa000000ULL + (u64)i * 0x200);
		cr_assert_eq(s, 0x200);
		irq = fdt_getprop(m.fdt, n, "interrupts", &len);
		cr_assert_eq(len, 12);
		cr_assert_eq(fdt32_to_cpu(irq[1]), 16u + (u32)i);
		cr_assert_not_null(fdt_getprop(m.fdt, n, "dma-coherent", NULL));
		snprintf(want, sizeof(want), "%x.virtio_mmio", 0xa000000 + i * 0x200);
		of_device_name(m.fdt, n, name, sizeof(name));
		cr_assert_str_eq(name, want);
		count++;
	}
	cr_assert_eq(count, 32);
	/* the DT lists them lowest address first, as QEMU's does */
	cr_assert_lt(node("/virtio_mmio@a000000"), node("/virtio_mmio@a003e00"));
	bootargs = fdt_getprop(m.fdt, node("/chosen"), "bootargs", NULL);
	cr_assert_str_eq(bootargs, "console=ttyAMA0");
	cr_assert_str_eq(fdt_getprop(m.fdt, node("/chosen"), "stdout-path", NULL), "/pl011@9000000");
	{
		u64 a, s;

		cr_assert_eq(of_address(m.fdt, node("/memory@40000000"), 0, &a, &s), 0);
		cr_assert_eq(a, 0x40000000);
		cr_assert_eq(s, 128ULL << 20);
	}
	cr_assert_str_eq(fdt_getprop(m.fdt, 0, "compatible", NULL), "linux,dummy-virt");
}

/* ---- hand-made blobs ---- */

static char blob[8192];

static int add(const char *parent, const char *name)
{
	int p = fdt_path_offset(blob, parent);
	int n;

	cr_assert_geq(p, 0, "%s", parent);
	n = fdt_add_subnode(blob, p, name);
	cr_assert_geq(n, 0, "%s: %s", name, fdt_strerror(n));
	return n;
}

static void setcells(const char *path, const char *prop, const u32 *v, int n)
{
	fdt32_t be[32];

	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(v[i]);
	cr_assert_eq(fdt_setprop(blob, fdt_path_offset(blob, path), prop, be, n * 4), 0);
}

#define CELLS(path, prop, ...)                                                 \
	do {                                                                   \
		const u32 _v[] = { __VA_ARGS__ };                              \
		setcells(path, prop, _v, (int)(sizeof(_v) / sizeof(_v[0])));  \
	} while (0)

static int at(const char *path)
{
	int n = fdt_path_offset(blob, path);

	cr_assert_geq(n, 0, "%s", path);
	return n;
}

/*
 * / (#address-cells 2, #size-cells 2)
 *   iommu@1000 (phandle 1, #iommu-cells 1)   msi@2000 (phandle 2)
 *   soc@10000000: #address-cells 1, #size-cells 1, ranges <0 0 0x10000000 0x100000>
 *     uart@2000  reg <0x2000 0x100>
 *     bus { #address-cells 1 #size-cells 1, NO ranges }  dev@40 reg <0x40 4>
 *     flat { ranges; #address-cells 1; #size-cells 1 }   leaf@80 reg <0x80 8>
 *     nameless  (no reg)
 *   pcie@0: device_type pci, maps
 */
static void make_blob(void)
{
	cr_assert_eq(fdt_create_empty_tree(blob, sizeof(blob)), 0);
	CELLS("/", "#address-cells", 2);
	CELLS("/", "#size-cells", 2);
	add("/", "iommu@1000");
	CELLS("/iommu@1000", "reg", 0, 0x1000, 0, 0x1000);
	CELLS("/iommu@1000", "phandle", 1);
	CELLS("/iommu@1000", "#iommu-cells", 1);
	add("/", "msi@2000");
	CELLS("/msi@2000", "phandle", 2);
	CELLS("/msi@2000", "#msi-cells", 0);
	add("/", "soc@10000000");
	CELLS("/soc@10000000", "#address-cells", 1);
	CELLS("/soc@10000000", "#size-cells", 1);
	CELLS("/soc@10000000", "ranges", 0, 0, 0x10000000, 0x100000);
	add("/soc@10000000", "uart@2000");
	CELLS("/soc@10000000/uart@2000", "reg", 0x2000, 0x100, 0x3000, 0x10);
	add("/soc@10000000", "bus");
	CELLS("/soc@10000000/bus", "#address-cells", 1);
	CELLS("/soc@10000000/bus", "#size-cells", 1);
	add("/soc@10000000/bus", "dev@40");
	CELLS("/soc@10000000/bus/dev@40", "reg", 0x40, 4);
	add("/soc@10000000", "flat");
	cr_assert_eq(fdt_setprop(blob, at("/soc@10000000/flat"), "ranges", NULL, 0), 0);
	CELLS("/soc@10000000/flat", "#address-cells", 1);
	CELLS("/soc@10000000/flat", "#size-cells", 1);
	add("/soc@10000000/flat", "leaf@80");
	CELLS("/soc@10000000/flat/leaf@80", "reg", 0x80, 8);
	add("/soc@10000000/flat", "nameless");
	add("/", "pcie@0");
	cr_assert_eq(fdt_setprop_string(blob, at("/pcie@0"), "device_type", "pci"), 0);
	CELLS("/pcie@0", "#address-cells", 3);
	CELLS("/pcie@0", "#size-cells", 2);
	/* mem32: PCI 0x0 -> CPU 0x40000000, 256MiB; io: PCI 0 -> CPU 0x3eff0000 */
	CELLS("/pcie@0", "ranges",
	      0x01000000, 0, 0, 0, 0x3eff0000, 0, 0x10000,
	      0x02000000, 0, 0, 0, 0x40000000, 0, 0x10000000);
	add("/pcie@0", "ep@0,0");
	/* a memory BAR-style reg at PCI 0x1000 */
	CELLS("/pcie@0/ep@0,0", "reg", 0x02000000, 0, 0x1000, 0, 0x100);
}

Test(of, address_translation)
{
	u64 a, s;
	char name[64];

	make_blob();
	cr_assert_eq(of_address(blob, at("/soc@10000000/uart@2000"), 0, &a, &s), 0);
	cr_assert_eq(a, 0x10002000);
	cr_assert_eq(s, 0x100);
	cr_assert_eq(of_address(blob, at("/soc@10000000/uart@2000"), 1, &a, &s), 0);
	cr_assert_eq(a, 0x10003000);
	cr_assert_eq(s, 0x10);
	cr_assert_eq(of_address(blob, at("/soc@10000000/uart@2000"), 2, &a, &s), -ENOENT);
	/* a parent bus without "ranges" cannot be translated through */
	cr_assert_eq(of_address(blob, at("/soc@10000000/bus/dev@40"), 0, &a, &s), -EINVAL);
	/* empty "ranges": 1:1 */
	cr_assert_eq(of_address(blob, at("/soc@10000000/flat/leaf@80"), 0, &a, &s), 0);
	cr_assert_eq(a, 0x10000080);
	cr_assert_eq(of_address(blob, at("/soc@10000000/flat/nameless"), 0, &a, &s), -ENOENT);
	/* PCI bus: match the space code, skip the flags cell */
	cr_assert_eq(of_address(blob, at("/pcie@0/ep@0,0"), 0, &a, &s), 0);
	cr_assert_eq(a, 0x40001000);
	cr_assert_eq(s, 0x100);

	/* of_device_make_bus_id: untranslatable or reg-less nodes climb */
	cr_assert_geq(of_device_name(blob, at("/soc@10000000/uart@2000"), name, sizeof(name)), 0);
	cr_assert_str_eq(name, "10002000.uart");
	cr_assert_geq(of_device_name(blob, at("/soc@10000000/flat/nameless"), name, sizeof(name)), 0);
	cr_assert_str_eq(name, "soc@10000000:flat:nameless", "soc has no reg: full names all the way");
	cr_assert_geq(of_device_name(blob, at("/soc@10000000/bus/dev@40"), name, sizeof(name)), 0);
	cr_assert_str_eq(name, "soc@10000000:bus:dev@40");
	cr_assert_geq(of_device_name(blob, at("/iommu@1000"), name, sizeof(name)), 0);
	cr_assert_str_eq(name, "1000.iommu");
}

Test(of, map_id_entries_mask_and_errors)
{
	int target, pcie;
	u32 out;

	make_blob();
	/* two windows: RIDs 0x000-0x0ff -> iommu at 0x1000+, 0x100-0x1ff -> msi */
	CELLS("/pcie@0", "iommu-map", 0x0, 1, 0x1000, 0x100, 0x100, 2, 0x0, 0x100);
	pcie = at("/pcie@0");
	cr_assert_eq(of_map_id(blob, pcie, 0x10, "iommu-map", "iommu-map-mask", &target, &out), 0);
	cr_assert_eq(target, at("/iommu@1000"));
	cr_assert_eq(out, 0x1010);
	cr_assert_eq(of_map_id(blob, pcie, 0x1ff, "iommu-map", "iommu-map-mask", &target, &out), 0);
	cr_assert_eq(target, at("/msi@2000"));
	cr_assert_eq(out, 0xff);
	cr_assert_eq(of_map_id(blob, pcie, 0x200, "iommu-map", "iommu-map-mask", &target, &out), -ENODEV);

	/* a mask drops the bus number before matching */
	CELLS("/pcie@0", "iommu-map-mask", 0xff);
	pcie = at("/pcie@0");
	cr_assert_eq(of_map_id(blob, pcie, 0x310, "iommu-map", "iommu-map-mask", &target, &out), 0);
	cr_assert_eq(out, 0x1010);
	cr_assert_eq(target, at("/iommu@1000"));
	/* without naming the mask property the mask is all ones */
	cr_assert_eq(of_map_id(blob, pcie, 0x310, "iommu-map", NULL, &target, &out), -ENODEV);
	/* entries are checked in order: a mask that drops bits of an id-base is -EFAULT */
	CELLS("/pcie@0", "iommu-map", 0x100, 1, 0x0, 0x100);
	cr_assert_eq(of_map_id(blob, at("/pcie@0"), 0x1ff, "iommu-map", "iommu-map-mask", &target, &out), -EFAULT);

	/* odd map lengths are malformed */
	CELLS("/pcie@0", "msi-map", 0x0, 2, 0x0, 0x100, 0x100);
	cr_assert_eq(of_map_id(blob, at("/pcie@0"), 0x1, "msi-map", NULL, &target, &out), -EINVAL);
	CELLS("/pcie@0", "msi-map", 0x0, 2, 0x0);
	cr_assert_eq(of_map_id(blob, at("/pcie@0"), 0x1, "msi-map", NULL, &target, &out), -EINVAL);
	cr_assert_eq(fdt_setprop(blob, at("/pcie@0"), "msi-map", NULL, 0), 0);
	cr_assert_eq(of_map_id(blob, at("/pcie@0"), 0x1, "msi-map", NULL, &target, &out), -EINVAL);
	/* a phandle nobody has */
	CELLS("/pcie@0", "msi-map", 0x0, 0x77, 0x0, 0x10000);
	cr_assert_eq(of_map_id(blob, at("/pcie@0"), 0x1, "msi-map", NULL, &target, &out), -ENODEV);
	/* bad arguments */
	cr_assert_eq(of_map_id(blob, at("/pcie@0"), 0x1, NULL, NULL, &target, &out), -EINVAL);
	cr_assert_eq(of_map_id(blob, -1, 0x1, "msi-map", NULL, &target, &out), -EINVAL);
}

Test(of, phandle_with_args_status_and_u32)
{
	int tgt, nargs;
	u32 args[4], v;

	make_blob();
	/* iommus = <&iommu 5>, <0>, <&iommu 9> */
	CELLS("/soc@10000000/uart@2000", "iommus", 1, 5, 0, 1, 9);
	cr_assert_eq(of_parse_phandle_with_args(blob, at("/soc@10000000/uart@2000"), "iommus",
						"#iommu-cells", 0, &tgt, args, 4, &nargs), 0);
	cr_assert_eq(tgt, at("/iommu@1000"));
	cr_assert_eq(nargs, 1);
	cr_assert_eq(args[0], 5);
	cr_assert_eq(of_parse_phandle_with_args(blob, at("/soc@10000000/uart@2000"), "iommus",
						"#iommu-cells", 1, &tgt, args, 4, &nargs), -ENOENT, "a hole");
	cr_assert_eq(of_parse_phandle_with_args(blob, at("/soc@10000000/uart@2000"), "iommus",
						"#iommu-cells", 2, &tgt, args, 4, &nargs), 0);
	cr_assert_eq(args[0], 9);
	cr_assert_eq(of_parse_phandle_with_args(blob, at("/soc@10000000/uart@2000"), "iommus",
						"#iommu-cells", 3, &tgt, args, 4, &nargs), -ENOENT);
	cr_assert_eq(of_parse_phandle_with_args(blob, at("/soc@10000000/uart@2000"), "iommus",
						"#iommu-cells", 0, &tgt, args, 0, &nargs), -EINVAL,
		     "more cells than the caller has room for");
	/* a dangling phandle, a provider without #iommu-cells, a short list */
	CELLS("/soc@10000000/uart@2000", "iommus", 0x99, 1);
	cr_assert_eq(of_parse_phandle_with_args(blob, at("/soc@10000000/uart@2000"), "iommus",
						"#iommu-cells", 0, &tgt, args, 4, &nargs), -EINVAL);
	CELLS("/soc@10000000/uart@2000", "iommus", 2, 1);
	cr_assert_eq(of_parse_phandle_with_args(blob, at("/soc@10000000/uart@2000"), "iommus",
						"#iommu-cells", 0, &tgt, args, 4, &nargs), -EINVAL);
	CELLS("/soc@10000000/uart@2000", "iommus", 1);
	cr_assert_eq(of_parse_phandle_with_args(blob, at("/soc@10000000/uart@2000"), "iommus",
						"#iommu-cells", 0, &tgt, args, 4, &nargs), -EINVAL);
	cr_assert_eq(of_parse_phandle_with_args(blob, at("/iommu@1000"), "iommus",
						"#iommu-cells", 0, &tgt, args, 4, &nargs), -ENOENT);

	cr_assert_eq(of_find_node_by_phandle(blob, 2), at("/msi@2000"));
	cr_assert_eq(of_find_node_by_phandle(blob, 0x99), -FDT_ERR_NOTFOUND);
	cr_assert_eq(of_find_node_by_phandle(blob, 0), -FDT_ERR_NOTFOUND);

	cr_assert(of_device_is_available(blob, at("/iommu@1000")));
	cr_assert_eq(fdt_setprop_string(blob, at("/iommu@1000"), "status", "disabled"), 0);
	cr_assert_not(of_device_is_available(blob, at("/iommu@1000")));
	cr_assert_eq(fdt_setprop_string(blob, at("/iommu@1000"), "status", "ok"), 0);
	cr_assert(of_device_is_available(blob, at("/iommu@1000")));
	cr_assert_eq(fdt_setprop(blob, at("/iommu@1000"), "status", "okay", 4), 0);
	cr_assert_not(of_device_is_available(blob, at("/iommu@1000")), "not NUL-terminated");

	cr_assert_eq(of_property_read_u32(blob, at("/iommu@1000"), "#iommu-cells", &v), 0);
	cr_assert_eq(v, 1);
	cr_assert_eq(of_property_read_u32(blob, at("/iommu@1000"), "nope", &v), -ENOENT);
	cr_assert_eq(fdt_setprop(blob, at("/iommu@1000"), "short", "ab", 2), 0);
	cr_assert_eq(of_property_read_u32(blob, at("/iommu@1000"), "short", &v), -EINVAL);
}

Test(of, dma_ranges)
{
	u64 dma, cpu, size;

	make_blob();
	/* no dma-ranges anywhere: no restriction */
	cr_assert_eq(of_dma_range_limit(blob, at("/soc@10000000"), &dma, &cpu, &size), 0);
	cr_assert_eq(size, 0);

	/* soc: bus 0x0 -> CPU 0x80000000, 1GiB, plus bus 0x40000000 -> CPU 0x0, 1GiB */
	CELLS("/soc@10000000", "dma-ranges", 0x40000000, 0x0, 0x0, 0x40000000,
	      0x0, 0x0, 0x80000000, 0x40000000);
	cr_assert_eq(of_dma_range_limit(blob, at("/soc@10000000"), &dma, &cpu, &size), 0);
	cr_assert_eq(dma, 0);
	cr_assert_eq(cpu, 0x80000000ULL);
	cr_assert_eq(size, 0x80000000ULL);

	/* searched from a child without dma-ranges: the parent's apply */
	cr_assert_eq(of_dma_range_limit(blob, at("/soc@10000000/uart@2000"), &dma, &cpu, &size), 0);
	cr_assert_eq(size, 0x80000000ULL);
	/* once looked for, a missing level ends the search (of_dma_get_range) */
	cr_assert_eq(of_dma_range_limit(blob, at("/soc@10000000/bus/dev@40"), &dma, &cpu, &size), 0);
	cr_assert_eq(size, 0);
	/* an empty dma-ranges means "ask the parent" */
	cr_assert_eq(fdt_setprop(blob, at("/soc@10000000/flat"), "dma-ranges", NULL, 0), 0);
	cr_assert_eq(of_dma_range_limit(blob, at("/soc@10000000/flat"), &dma, &cpu, &size), 0);
	cr_assert_eq(size, 0x80000000ULL);

	/* a length that is not a whole number of entries */
	CELLS("/soc@10000000", "dma-ranges", 0x0, 0x0, 0x0);
	cr_assert_eq(of_dma_range_limit(blob, at("/soc@10000000"), &dma, &cpu, &size), -EINVAL);
}
