/*
 * The virt machine of each QEMU (--qemu 7.2 | 10.0), side by side: the
 * machine types and their compat properties, the SMMU's stage (-global
 * arm-smmuv3.stage and the machine type), the DT, -smp, -cpu, the GIC QEMU
 * picks, and the information options. Expected texts are what the real
 * binaries print (Debian's 7.2.22 and 10.0.2).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>

#include "iommusim/iommusim.h"
#include "machine/machine.h"
#include "machine/qemu_version.h"

static struct machine m;
static char err[1024];

static void teardown(void)
{
	machine_free(&m);
}

TestSuite(qemu_virt, .fini = teardown);

static char **split(const char *line, char **copy, int *argc)
{
	char **argv = calloc(strlen(line) / 2 + 2, sizeof(char *)), *save = NULL;

	*copy = strdup(line);
	*argc = 0;
	for (char *t = strtok_r(*copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		argv[(*argc)++] = t;
	return argv;
}

/* Parse and build as QEMU q; m is left zeroed on error. */
static int build(const struct qemu_version *q, const char *line)
{
	char *copy;
	int argc, ret;
	char **argv = split(line, &copy, &argc);
	struct qemu_cmdline cmd;

	machine_free(&m);
	err[0] = '\0';
	ret = qemu_cmdline_parse_version(q, argc, argv, &cmd, err, sizeof(err));
	if (!ret) {
		ret = virt_machine_build(&cmd, &m, err, sizeof(err));
		qemu_cmdline_free(&cmd);
	}
	free(copy);
	free(argv);
	return ret;
}

static void expect_error(const struct qemu_version *q, const char *line, const char *msg)
{
	cr_assert_eq(build(q, line), -EINVAL, "QEMU %s: %s built", q->name, line);
	cr_assert_str_eq(err, msg, "QEMU %s: %s", q->name, line);
	/* a refused command line leaves no machine */
	cr_assert_null(m.fdt);
	cr_assert_null(m.pci_root);
	cr_assert_null(m.qemu);
}

/* What iommusim_qemu_info_opts prints for line as QEMU qname. */
static char *info(const char *qname, const char *line, int *ret)
{
	char *copy, *buf = NULL;
	size_t len = 0;
	int argc;
	char **argv = split(line, &copy, &argc);
	FILE *f = open_memstream(&buf, &len);
	struct iommusim_options o = { .qemu_version = qname };

	*ret = iommusim_qemu_info_opts(argc, argv, &o, f, err, sizeof(err));
	fclose(f);
	free(copy);
	free(argv);
	return buf;
}

Test(qemu_virt, plain_virt_is_the_newest_type_of_each_qemu)
{
	cr_assert_eq(build(&qemu_7_2, "-M virt -nodefaults"), 0, "%s", err);
	cr_assert_eq(m.virt_version, 702);
	cr_assert_eq(m.qemu, &qemu_7_2);
	cr_assert_eq(build(&qemu_10_0, "-M virt -nodefaults"), 0, "%s", err);
	cr_assert_eq(m.virt_version, 1000);
	cr_assert_eq(m.qemu, &qemu_10_0);
	/* the default QEMU is 7.2 */
	cr_assert_eq(qemu_version_default(), &qemu_7_2);
}

Test(qemu_virt, every_modelled_type_builds_and_older_ones_are_refused)
{
	static const char *const t10[] = { "10.0", "9.2", "9.1", "9.0", "8.2", "8.1", "8.0",
					    "7.2", "7.1", "7.0", "6.2", "6.1", "6.0" };
	char line[64];

	for (size_t i = 0; i < sizeof(t10) / sizeof(t10[0]); i++) {
		int ver = atoi(t10[i]) * 100 + atoi(strchr(t10[i], '.') + 1);

		snprintf(line, sizeof(line), "-M virt-%s -nodefaults", t10[i]);
		cr_assert_eq(build(&qemu_10_0, line), 0, "%s: %s", line, err);
		cr_assert_eq(m.virt_version, ver);
		/* QEMU 7.2 has the types up to its own */
		cr_assert_eq(build(&qemu_7_2, line), ver <= 702 ? 0 : -EINVAL, "%s: %s", line, err);
	}
	expect_error(&qemu_7_2, "-M virt-9.1", "unsupported machine type\nUse -machine help to list supported machines");
	expect_error(&qemu_10_0, "-M virt-11.0",
		     "unsupported machine type: \"virt-11.0\"\nUse -machine help to list supported machines");
	expect_error(&qemu_10_0, "-M virt-2.5",
		     "unsupported machine type: \"virt-2.5\"\nUse -machine help to list supported machines");
	expect_error(&qemu_10_0, "-M virt-5.2",
		     "machine type 'virt-5.2' is not modelled: its compat properties change what the guest sees "
		     "(iommusim models virt-6.0 to virt-10.0 on QEMU 10.0)");
	expect_error(&qemu_7_2, "-M virt-2.6",
		     "machine type 'virt-2.6' is not modelled: its compat properties change what the guest sees "
		     "(iommusim models virt-6.0 to virt-7.2 on QEMU 7.2)");
	/* a board 10.0 has and 7.2 had not, and one 7.2 had that 10.0 dropped */
	expect_error(&qemu_10_0, "-M raspi4b", "machine type 'raspi4b' is not modelled (iommusim models virt)");
	expect_error(&qemu_7_2, "-M raspi4b", "unsupported machine type\nUse -machine help to list supported machines");
	expect_error(&qemu_7_2, "-M akita", "machine type 'akita' is not modelled (iommusim models virt)");
	expect_error(&qemu_10_0, "-M akita",
		     "unsupported machine type: \"akita\"\nUse -machine help to list supported machines");
}

Test(qemu_virt, compat_properties_of_each_type)
{
	/* the newest type keeps nothing old */
	cr_assert_eq(build(&qemu_10_0, "-M virt -nodefaults"), 0, "%s", err);
	cr_assert(!m.compat.pcie_no_ext_tag && !m.compat.pcie_no_err_unc_mask && !m.compat.pcie_ari_nextfn_1);
	cr_assert(!m.compat.pcie_writeable_slt_bug && !m.compat.virtio_net_no_uso);
	cr_assert(!m.compat.virtio_no_queue_reset && !m.compat.no_cpu_map && !m.compat.no_tcg_its);
	/* each hw_compat_X_Y from the first type that has it back */
	struct {
		const char *type;
		bool ext_tag_off, slt_bug, ari_nextfn_1, no_uso, unc_mask_off, no_queue_reset, no_8bit_prio,
			no_cpu_map, no_init_vet;
	} rows[] = {
		{ "virt-9.2", false, false, false, false, false, false, false, false, false },
		{ "virt-9.1", true, false, false, false, false, false, false, false, false },
		{ "virt-8.2", true, false, false, false, false, false, false, false, false },
		{ "virt-8.1", true, true, false, false, false, false, false, false, false },
		{ "virt-8.0", true, true, true, true, false, false, false, false, false },
		{ "virt-7.2", true, true, true, true, true, false, false, false, false },
		{ "virt-7.1", true, true, true, true, true, true, false, false, false },
		{ "virt-7.0", true, true, true, true, true, true, true, false, false },
		{ "virt-6.1", true, true, true, true, true, true, true, true, false },
		{ "virt-6.0", true, true, true, true, true, true, true, true, true },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char line[64];

		snprintf(line, sizeof(line), "-M %s -nodefaults", rows[i].type);
		cr_assert_eq(build(&qemu_10_0, line), 0, "%s: %s", line, err);
		cr_assert_eq(m.compat.pcie_no_ext_tag, rows[i].ext_tag_off, "%s", rows[i].type);
		cr_assert_eq(m.compat.pcie_writeable_slt_bug, rows[i].slt_bug, "%s", rows[i].type);
		cr_assert_eq(m.compat.pcie_ari_nextfn_1, rows[i].ari_nextfn_1, "%s", rows[i].type);
		cr_assert_eq(m.compat.virtio_net_no_uso, rows[i].no_uso, "%s", rows[i].type);
		cr_assert_eq(m.compat.pcie_no_err_unc_mask, rows[i].unc_mask_off, "%s", rows[i].type);
		cr_assert_eq(m.compat.virtio_no_queue_reset, rows[i].no_queue_reset, "%s", rows[i].type);
		cr_assert_eq(m.compat.virtio_rng_pci_no_vectors, rows[i].no_queue_reset, "%s", rows[i].type);
		cr_assert_eq(m.compat.gicv3_no_8bit_prio, rows[i].no_8bit_prio, "%s", rows[i].type);
		cr_assert_eq(m.compat.no_cpu_map, rows[i].no_cpu_map, "%s", rows[i].type);
		cr_assert_eq(m.compat.no_tcg_its, rows[i].no_cpu_map, "%s", rows[i].type);
		cr_assert_eq(m.compat.e1000_no_init_vet, rows[i].no_init_vet, "%s", rows[i].type);
		cr_assert_eq(m.compat.gpex_no_unmapped_accesses, rows[i].no_init_vet, "%s", rows[i].type);
	}
	/* the compat is the machine type's: virt-7.2 is the same on both QEMUs */
	cr_assert_eq(build(&qemu_7_2, "-M virt-7.2 -nodefaults"), 0, "%s", err);
	struct machine_compat c72 = m.compat;
	cr_assert_eq(build(&qemu_10_0, "-M virt-7.2 -nodefaults"), 0, "%s", err);
	cr_assert_eq(memcmp(&c72, &m.compat, sizeof(c72)), 0);
}

Test(qemu_virt, compat_reaches_the_devices)
{
	/* hw_compat_7_1 on QEMU 10.0 as on 7.2: virtio-rng-pci without MSI-X on virt-7.1 */
	cr_assert_eq(build(&qemu_10_0, "-M virt-7.1 -nodefaults -device virtio-rng-pci"), 0, "%s", err);
	cr_assert_not_null(m.pci_root->fn[8]);
	cr_assert_null(m.pci_root->fn[8]->msix);
	cr_assert_eq(build(&qemu_10_0, "-M virt-7.2 -nodefaults -device virtio-rng-pci"), 0, "%s", err);
	cr_assert_not_null(m.pci_root->fn[8]->msix);
}

Test(qemu_virt, smmu_stage_on_qemu_7_2_is_stage_1_without_a_stage_property)
{
	cr_assert_eq(build(&qemu_7_2, "-M virt,iommu=smmuv3 -nodefaults"), 0, "%s", err);
	cr_assert_eq(m.smmu_stage, SMMU_STAGE_1);
	expect_error(&qemu_7_2, "-M virt,iommu=smmuv3 -global arm-smmuv3.stage=2",
		     "can't apply global arm-smmuv3.stage=2: Property 'arm-smmuv3.stage' not found");
	expect_error(&qemu_7_2, "-M virt-7.1,iommu=smmuv3 -global arm-smmuv3.stage=nested",
		     "can't apply global arm-smmuv3.stage=nested: Property 'arm-smmuv3.stage' not found");
	/* without an SMMU the global applies to nothing and is never checked */
	cr_assert_eq(build(&qemu_7_2, "-M virt -nodefaults -global arm-smmuv3.stage=2"), 0, "%s", err);
}

Test(qemu_virt, smmu_stage_on_qemu_10_0_nested_from_virt_9_2)
{
	static const char *const newer[] = { "virt", "virt-10.0", "virt-9.2" };
	static const char *const older[] = { "virt-9.1", "virt-8.0", "virt-7.2", "virt-6.0" };
	static const struct {
		const char *value;
		enum machine_smmu_stage stage;
	} values[] = {
		{ "1", SMMU_STAGE_1 }, { "2", SMMU_STAGE_2 }, { "nested", SMMU_STAGE_NESTED },
		/* smmuv3_init_regs: anything else is stage 1, with no error */
		{ "3", SMMU_STAGE_1 }, { "", SMMU_STAGE_1 }, { "NESTED", SMMU_STAGE_1 },
	};
	char line[128];

	for (size_t t = 0; t < 3; t++) {
		snprintf(line, sizeof(line), "-M %s,iommu=smmuv3 -nodefaults", newer[t]);
		cr_assert_eq(build(&qemu_10_0, line), 0, "%s", err);
		cr_assert_eq(m.smmu_stage, SMMU_STAGE_NESTED, "%s", line);
		/* the machine sets stage=nested after the globals */
		for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			snprintf(line, sizeof(line), "-M %s,iommu=smmuv3 -nodefaults -global arm-smmuv3.stage=%s",
				 newer[t], values[v].value);
			cr_assert_eq(build(&qemu_10_0, line), 0, "%s", err);
			cr_assert_eq(m.smmu_stage, SMMU_STAGE_NESTED, "%s", line);
		}
	}
	for (size_t t = 0; t < 4; t++) {
		snprintf(line, sizeof(line), "-M %s,iommu=smmuv3 -nodefaults", older[t]);
		cr_assert_eq(build(&qemu_10_0, line), 0, "%s", err);
		cr_assert_eq(m.smmu_stage, SMMU_STAGE_1, "%s", line);
		for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			snprintf(line, sizeof(line), "-M %s,iommu=smmuv3 -nodefaults -global arm-smmuv3.stage=%s",
				 older[t], values[v].value);
			cr_assert_eq(build(&qemu_10_0, line), 0, "%s", err);
			cr_assert_eq(m.smmu_stage, values[v].stage, "%s", line);
		}
	}
	/* the last -global wins */
	cr_assert_eq(build(&qemu_10_0, "-M virt-9.1,iommu=smmuv3 -global arm-smmuv3.stage=2 "
				       "-global arm-smmuv3.stage=nested"), 0, "%s", err);
	cr_assert_eq(m.smmu_stage, SMMU_STAGE_NESTED);
}

Test(qemu_virt, smmu_globals_errors_on_both)
{
	const struct qemu_version *qs[] = { &qemu_7_2, &qemu_10_0 };

	for (size_t i = 0; i < 2; i++) {
		expect_error(qs[i], "-M virt,iommu=smmuv3 -global arm-smmuv3.foo=2",
			     "can't apply global arm-smmuv3.foo=2: Property 'arm-smmuv3.foo' not found");
		expect_error(qs[i], "-M virt,iommu=smmuv3 -global arm-smmuv3.bus_num=x",
			     "can't apply global arm-smmuv3.bus_num=x: Parameter 'bus_num' expects uint64");
		expect_error(qs[i], "-M virt,iommu=smmuv3 -global arm-smmuv3.primary-bus=x",
			     "can't apply global arm-smmuv3.primary-bus=x: Device 'x' not found");
		cr_assert_eq(build(qs[i], "-M virt,iommu=smmuv3 -nodefaults -global arm-smmuv3.bus_num=3"), 0, "%s",
			     err);
	}
	/* the SMMU is made after the NICs: a NIC's error comes first (7.2; 10.0 drops the NIC) */
	expect_error(&qemu_7_2, "-M virt,iommu=smmuv3 -nic user,model=foo -global arm-smmuv3.foo=2",
		     "Unsupported NIC model: foo");
	expect_error(&qemu_10_0, "-M virt,iommu=smmuv3 -nic user,model=foo -global arm-smmuv3.foo=2",
		     "can't apply global arm-smmuv3.foo=2: Property 'arm-smmuv3.foo' not found");
}

Test(qemu_virt, unknown_nic_model_refused_by_7_2_left_out_by_10_0)
{
	static const char *const lines[] = { "-M virt -nic user,model=foo", "-M virt -net nic,model=foo -net user" };

	for (size_t i = 0; i < 2; i++) {
		expect_error(&qemu_7_2, lines[i], "Unsupported NIC model: foo");
		/* 10.0 warns that the NIC was not created, and makes no default NIC either */
		cr_assert_eq(build(&qemu_10_0, lines[i]), 0, "%s", err);
		for (int devfn = 1; devfn < 256; devfn++)
			cr_assert_null(m.pci_root->fn[devfn], "%s: 00:%02x.%d", lines[i], devfn >> 3, devfn & 7);
	}
	/* a model both have is made by both */
	cr_assert_eq(build(&qemu_10_0, "-M virt -nic user,model=e1000e"), 0, "%s", err);
	cr_assert_not_null(m.pci_root->fn[8]);
	cr_assert_eq(m.pci_root->fn[8]->device, 0x10d3);
}

static bool root_has(const char *prop)
{
	return fdt_getprop(m.fdt, 0, prop, NULL) != NULL;
}

Test(qemu_virt, dt_of_10_0_has_root_dma_coherent_and_serial_alias)
{
	int off;
	const char *alias;

	cr_assert_eq(build(&qemu_7_2, "-M virt,iommu=smmuv3 -nodefaults"), 0, "%s", err);
	cr_assert(!root_has("dma-coherent"));
	cr_assert_lt(fdt_path_offset(m.fdt, "/aliases"), 0);
	/* whatever the machine type: the DT is the release's */
	static const char *const types[] = { "virt", "virt-9.1", "virt-7.2", "virt-6.0" };
	for (size_t i = 0; i < 4; i++) {
		char line[64];

		snprintf(line, sizeof(line), "-M %s,iommu=smmuv3 -nodefaults", types[i]);
		cr_assert_eq(build(&qemu_10_0, line), 0, "%s", err);
		cr_assert(root_has("dma-coherent"), "%s", types[i]);
		off = fdt_path_offset(m.fdt, "/aliases");
		cr_assert_geq(off, 0, "%s", types[i]);
		alias = fdt_getprop(m.fdt, off, "serial0", NULL);
		cr_assert_str_eq(alias, "/pl011@9000000");
		/* the node order of QEMU's DT: aliases right before chosen */
		cr_assert_eq(fdt_next_subnode(m.fdt, off), fdt_path_offset(m.fdt, "/chosen"));
	}
	/* virt-6.1 still has no cpu-map on 10.0 */
	cr_assert_eq(build(&qemu_10_0, "-M virt-6.1 -nodefaults -smp 2"), 0, "%s", err);
	cr_assert_lt(fdt_path_offset(m.fdt, "/cpus/cpu-map"), 0);
	cr_assert_eq(build(&qemu_10_0, "-M virt-6.2 -nodefaults -smp 2"), 0, "%s", err);
	cr_assert_geq(fdt_path_offset(m.fdt, "/cpus/cpu-map"), 0);
}

static const char *gic_compatible(void)
{
	int off = fdt_path_offset(m.fdt, "/intc@8000000");

	return off < 0 ? NULL : fdt_getprop(m.fdt, off, "compatible", NULL);
}

Test(qemu_virt, gic_version_unset_picks_gicv3_above_8_cpus_on_10_0)
{
	cr_assert_eq(build(&qemu_10_0, "-M virt -nodefaults -smp 8"), 0, "%s", err);
	cr_assert_str_eq(gic_compatible(), "arm,cortex-a15-gic");
	cr_assert_eq(m.gic_version, 2);
	cr_assert_eq(build(&qemu_10_0, "-M virt -nodefaults -smp 9"), 0, "%s", err);
	cr_assert_str_eq(gic_compatible(), "arm,gic-v3");
	cr_assert_eq(m.gic_version, 3);
	/* max_cpus counts, not the CPUs up at boot */
	cr_assert_eq(build(&qemu_10_0, "-M virt -nodefaults -smp 2,maxcpus=9"), 0, "%s", err);
	cr_assert_eq(m.gic_version, 3);
	/* virt-6.1 keeps no ITS under TCG, GICv3 or not */
	cr_assert_eq(build(&qemu_10_0, "-M virt-6.1 -nodefaults -smp 9"), 0, "%s", err);
	cr_assert_eq(m.gic_version, 3);
	cr_assert_eq(m.gic.msi, HW_MSI_NONE);
	expect_error(&qemu_10_0, "-M virt,gic-version=2 -smp 9",
		     "Number of SMP CPUs requested (9) exceeds max CPUs supported by machine 'mach-virt' (8)");
	expect_error(&qemu_7_2, "-M virt -smp 9",
		     "Number of SMP CPUs requested (9) exceeds max CPUs supported by machine 'mach-virt' (8)");
	expect_error(&qemu_7_2, "-M virt,gic-version=4",
		     "gic-version=4 requires virtualization enabled");
	expect_error(&qemu_10_0, "-M virt,gic-version=4",
		     "tcg does not support GICv4 emulation, is virtualization=on?");
}

Test(qemu_virt, smp_rules_of_each_qemu)
{
	expect_error(&qemu_7_2, "-M virt-7.1 -smp 600",
		     "Invalid SMP CPUs 600. The max CPUs supported by machine 'virt-7.1' is 512");
	expect_error(&qemu_10_0, "-M virt -smp 600",
		     "Invalid SMP CPUs 600. The max CPUs supported by machine 'virt-10.0' is 512");
	/* 7.2: an explicit 0 is "not given"; 10.0 refuses it */
	cr_assert_eq(build(&qemu_7_2, "-M virt -nodefaults -smp 4,sockets=0"), 0, "%s", err);
	expect_error(&qemu_10_0, "-M virt -smp 4,sockets=0",
		     "Invalid CPU topology: CPU topology parameters must be greater than zero");
	expect_error(&qemu_7_2, "-M virt -smp 4,dies=2", "dies not supported by this machine's CPU topology");
	expect_error(&qemu_10_0, "-M virt -smp 4,dies=2", "dies > 1 not supported by this machine's CPU topology");
	/* drawers, books and modules: 9.0's keys */
	expect_error(&qemu_7_2, "-M virt -smp 4,books=2", "Parameter 'smp.books' is unexpected");
	expect_error(&qemu_10_0, "-M virt -smp 4,books=2", "books > 1 not supported by this machine's CPU topology");
	expect_error(&qemu_10_0, "-M virt -smp 4,drawers=2",
		     "drawers > 1 not supported by this machine's CPU topology");
	expect_error(&qemu_10_0, "-M virt -smp 4,modules=2",
		     "modules > 1 not supported by this machine's CPU topology");
	cr_assert_eq(build(&qemu_10_0, "-M virt -nodefaults -smp 4,books=1,modules=1"), 0, "%s", err);
	cr_assert_eq(m.smp.cpus, 4);
	expect_error(&qemu_10_0, "-M virt -smp 4,sockets=3",
		     "Invalid CPU topology: product of the hierarchy must match maxcpus: sockets (3) * clusters (1) "
		     "* cores (1) * threads (1) != maxcpus (4)");
}

static const char *cpu0_compatible(void)
{
	int off = fdt_path_offset(m.fdt, "/cpus/cpu@0");

	return off < 0 ? NULL : fdt_getprop(m.fdt, off, "compatible", NULL);
}

Test(qemu_virt, cpu_models_of_each_qemu)
{
	static const char *const newer[] = { "cortex-a55", "cortex-a710", "neoverse-v1", "neoverse-n2" };

	for (size_t i = 0; i < 4; i++) {
		char line[64], compat[32];

		snprintf(line, sizeof(line), "-M virt -nodefaults -cpu %s", newer[i]);
		cr_assert_eq(build(&qemu_10_0, line), 0, "%s", err);
		snprintf(compat, sizeof(compat), "arm,%s", newer[i]);
		cr_assert_str_eq(cpu0_compatible(), compat);
		/* 7.2 has not these models */
		snprintf(line, sizeof(line), "-M virt -cpu %s", newer[i]);
		cr_assert_eq(build(&qemu_7_2, line), -EINVAL);
		snprintf(line, sizeof(line), "unable to find CPU model '%s'", newer[i]);
		cr_assert_str_eq(err, line);
	}
	cr_assert_eq(build(&qemu_10_0, "-M virt -nodefaults -cpu max"), 0, "%s", err);
	cr_assert_str_eq(cpu0_compatible(), "arm,cortex-a57");
	expect_error(&qemu_7_2, "-M virt -cpu cortex-m3", "mach-virt: CPU type cortex-m3-arm-cpu not supported");
	expect_error(&qemu_10_0, "-M virt -cpu cortex-m3",
		     "Invalid CPU model: cortex-m3\nThe valid models are: cortex-a7, cortex-a15, cortex-a35, "
		     "cortex-a55, cortex-a72, cortex-a76, cortex-a710, a64fx, neoverse-n1, neoverse-v1, neoverse-n2, "
		     "cortex-a53, cortex-a57, max");
	/* cortex-r52 is 10.0's only */
	expect_error(&qemu_7_2, "-M virt -cpu cortex-r52", "unable to find CPU model 'cortex-r52'");
	cr_assert_eq(build(&qemu_10_0, "-M virt -cpu cortex-r52"), -EINVAL);
	cr_assert(!strncmp(err, "Invalid CPU model: cortex-r52\n", 30), "%s", err);
	expect_error(&qemu_10_0, "-M virt -cpu foo", "unable to find CPU model 'foo'");
}

Test(qemu_virt, machine_properties_of_each_qemu)
{
	expect_error(&qemu_7_2, "-M virt,foo=1", "Property 'virt-7.2-machine.foo' not found");
	expect_error(&qemu_10_0, "-M virt,foo=1", "Property 'virt-10.0-machine.foo' not found");
	expect_error(&qemu_10_0, "-M virt-9.1,foo=1", "Property 'virt-9.1-machine.foo' not found");
	/* 10.0's own properties */
	expect_error(&qemu_7_2, "-M virt,highmem-ecam=off", "Property 'virt-7.2-machine.highmem-ecam' not found");
	expect_error(&qemu_10_0, "-M virt,highmem-ecam=off",
		     "highmem-ecam=off: the PCIe ECAM below 4 GiB with 16 buses is not modelled");
	cr_assert_eq(build(&qemu_10_0, "-M virt,highmem-ecam=on,highmem-mmio=on,compact-highmem=off,"
				       "aux-ram-share=on,highmem-mmio-size=512G -nodefaults"), 0, "%s", err);
	expect_error(&qemu_10_0, "-M virt,highmem-mmio-size=1T",
		     "highmem-mmio-size=1T: another 64-bit PCIe MMIO window than 512 GiB is not modelled");
	expect_error(&qemu_10_0, "-M virt,compact-highmem=x", "Parameter 'compact-highmem' expects 'on' or 'off'");
	expect_error(&qemu_7_2, "-M virt,compact-highmem=on", "Property 'virt-7.2-machine.compact-highmem' not found");
}

Test(qemu_virt, information_options_of_each_qemu)
{
	int ret;
	char *s = info("10.0", "-M help", &ret);

	cr_assert_eq(ret, 1);
	cr_assert(strstr(s, "Supported machines are:\n"
			    "virt                 QEMU 10.0 ARM Virtual Machine (alias of virt-10.0)\n"
			    "virt-10.0            QEMU 10.0 ARM Virtual Machine\n"
			    "virt-2.10            QEMU 2.10 ARM Virtual Machine (deprecated)\n"), "%s", s);
	cr_assert(strstr(s, "virt-7.0             QEMU 7.0 ARM Virtual Machine (deprecated)\n"
			    "virt-7.1             QEMU 7.1 ARM Virtual Machine\n"), "%s", s);
	cr_assert(strstr(s, "virt-9.2             QEMU 9.2 ARM Virtual Machine\n"), "%s", s);
	free(s);
	s = info("7.2", "-M help", &ret);
	cr_assert(strstr(s, "virt-7.1             QEMU 7.1 ARM Virtual Machine\n"
			    "virt                 QEMU 7.2 ARM Virtual Machine (alias of virt-7.2)\n"
			    "virt-7.2             QEMU 7.2 ARM Virtual Machine\n"), "%s", s);
	cr_assert_null(strstr(s, "deprecated"));
	free(s);
	/* the old call answers as 7.2 */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		char *argv[] = { "-M", "help" };

		cr_assert_eq(iommusim_qemu_info(2, argv, f, err, sizeof(err)), 1);
		fclose(f);
		s = info("7.2", "-M help", &ret);
		cr_assert_str_eq(buf, s);
		free(buf);
		free(s);
	}
	s = info("10.0", "-M virt,help", &ret);
	cr_assert(!strncmp(s, "virt-10.0-machine options:\n  acpi=<OnOffAuto>       - Enable ACPI\n"
			      "  append=<string>        - Linux kernel command line\n  aux-ram-share=<bool>\n", 115),
		  "%s", s);
	free(s);
	s = info("10.0", "-M virt-9.1,help", &ret);
	cr_assert(!strncmp(s, "virt-9.1-machine options:\n", 26), "%s", s);
	free(s);
	s = info("10.0", "-version", &ret);
	cr_assert_str_eq(s, "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)\n"
			    "Copyright (c) 2003-2025 Fabrice Bellard and the QEMU Project developers\n"
			    "(QEMU 10.0 modelled by iommusim)\n");
	free(s);
	s = info("7.2", "-version", &ret);
	cr_assert(!strncmp(s, "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\n", 63), "%s", s);
	free(s);
	s = info("10.0", "-cpu help", &ret);
	cr_assert(strstr(s, "  cortex-a710\n") && strstr(s, "  pxa250 (deprecated)\n"), "%s", s);
	free(s);
	s = info("7.2", "-cpu help", &ret);
	cr_assert(!strstr(s, "cortex-a710") && strstr(s, "  pxa250\n"), "%s", s);
	free(s);
	/* an unknown QEMU: refused, nothing printed */
	s = info("9.0", "-M help", &ret);
	cr_assert_eq(ret, -EINVAL);
	cr_assert_str_eq(s, "");
	cr_assert_str_eq(err, "--qemu 9.0: not a version iommusim models (7.2, 10.0)");
	free(s);
	/* not an information request */
	s = info("10.0", "-M virt", &ret);
	cr_assert_eq(ret, 0);
	free(s);
}

/* The root port 00:01.0's PCIe Device Capabilities and AER UNC mask, booted as QEMU qname. */
static void port_regs(const char *qname, const char *type, uint32_t *devcap, uint32_t *unc_mask)
{
	char line[160];
	char *copy;
	int argc;
	uint32_t ptr = 0, id = 0;
	struct iommusim_options o = { .qemu_version = qname };

	snprintf(line, sizeof(line), "-M %s,iommu=smmuv3 -nodefaults -device pcie-root-port,id=rp1,chassis=1", type);
	char **argv = split(line, &copy, &argc);
	struct iommusim *sim = iommusim_boot(argc, argv, &o, err, sizeof(err));

	cr_assert_not_null(sim, "%s %s: %s", qname, type, err);
	/* the capability list from 0x34 to the PCI Express one (id 0x10) */
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:01.0", 0x34, 1, &ptr), 0);
	while (ptr) {
		cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:01.0", ptr, 1, &id), 0);
		if (id == 0x10)
			break;
		cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:01.0", ptr + 1, 1, &ptr), 0);
	}
	cr_assert_eq(id, 0x10);
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:01.0", ptr + 4, 4, devcap), 0);
	/* QEMU's root port: AER first among the extended capabilities, at 0x100 */
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:01.0", 0x100, 2, &id), 0);
	cr_assert_eq(id, 1);
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:01.0", 0x108, 4, unc_mask), 0);
	iommusim_free(sim);
	free(copy);
	free(argv);
}

Test(qemu_virt, compat_reaches_the_pcie_hardware)
{
	static const struct {
		const char *qemu, *type;
		bool ext_tag;
		uint32_t unc_mask;
	} rows[] = {
		/* QEMU 7.2 has neither, whatever the type */
		{ "7.2", "virt", false, 0 },
		{ "7.2", "virt-6.0", false, 0 },
		/* QEMU 10.0: Extended Tag from virt-9.2 on, the UNC mask's default from virt-8.0 on */
		{ "10.0", "virt", true, 0x02400000 },
		{ "10.0", "virt-9.2", true, 0x02400000 },
		{ "10.0", "virt-9.1", false, 0x02400000 },
		{ "10.0", "virt-8.0", false, 0x02400000 },
		{ "10.0", "virt-7.2", false, 0 },
		{ "10.0", "virt-6.0", false, 0 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint32_t devcap = 0, unc = 0;

		port_regs(rows[i].qemu, rows[i].type, &devcap, &unc);
		cr_assert_eq(!!(devcap & 0x20), rows[i].ext_tag, "%s %s: DevCap %08x", rows[i].qemu, rows[i].type,
			     devcap);
		cr_assert_eq(unc, rows[i].unc_mask, "%s %s: UNC mask %08x", rows[i].qemu, rows[i].type, unc);
	}
}

Test(qemu_virt, object_types_of_each_qemu)
{
	int ret;
	char *s = info("10.0", "-object help", &ret);

	cr_assert_eq(ret, 1);
	cr_assert(!strncmp(s, "List of user creatable objects:\n  acpi-generic-initiator\n  acpi-generic-port\n"
			      "  authz-list\n", 78), "%s", s);
	cr_assert(strstr(s, "  input-linux\n  iommufd\n  iothread\n"), "%s", s);
	cr_assert(strstr(s, "  memory-backend-ram\n  memory-backend-shm\n  pr-manager-helper\n"), "%s", s);
	free(s);
	s = info("7.2", "-object help", &ret);
	cr_assert(!strncmp(s, "List of user creatable objects:\n  authz-list\n", 45), "%s", s);
	cr_assert_null(strstr(s, "iommufd"));
	free(s);
	/* 10.0's memory-backend-shm is a RAM backend there, an unknown type on 7.2 */
	expect_error(&qemu_7_2, "-M virt -object memory-backend-shm,id=m,size=1G",
		     "-object memory-backend-shm,id=m,size=1G: Parameter 'qom-type' does not accept value "
		     "'memory-backend-shm'");
	cr_assert_eq(build(&qemu_10_0, "-M virt,memory-backend=m -nodefaults -object memory-backend-shm,id=m,size=1G"),
		     0, "%s", err);
	cr_assert_eq(m.ram_size, 1ULL << 30);
	expect_error(&qemu_10_0, "-M virt -object memory-backend-shm,id=m", "-object memory-backend-shm,id=m: "
		     "Parameter 'size' is missing");
}
