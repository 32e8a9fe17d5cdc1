/*
 * iommusim: boot a QEMU virt + SMMUv3 machine (or a DT) the way Linux 6.1 or
 * 7.3 does and print what Linux would answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include "iommusim/iommusim.h"
#include "verify.h"
#include "compare.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: iommusim verify [--linux-output FILE] [--stack classic|modern] [--kernel debian|iommufd|iommufd-canwbs]\n"
		"                       [--linux V] [--qemu V]\n"
		"                       [--script FILE] [--dts FILE | --dtb FILE] [--timeout SEC] QEMU-ARGS...\n"
		"       iommusim boot QEMU-ARGS... [--linux 6.1|7.3] [--qemu 7.2|10.0]\n"
		"                     [--dtb FILE | --dts FILE] [--kconfig NAME=VALUE[,...]]...\n"
		"                     [--script FILE|-] [--json] [--dot] [--dump-dts] [--cmdline] [--no-init]\n"
		"                     [--x-smmu-s2fwb] [--x-pci-rc-canwbs]\n"
		"       iommusim compare [--linux A --linux B] [--qemu A --qemu B] [-append A -append B]\n"
		"                        [--json] QEMU-ARGS...\n"
		"       iommusim versions\n"
		"\n"
		"--linux and --qemu choose which kernel answers and on which QEMU (Linux 6.1 on QEMU 7.2\n"
		"by default; any pairing); iommusim versions lists them. compare boots one machine two\n"
		"ways and prints what differs, group by group and function by function.\n"
		"QEMU-ARGS is a qemu-system-aarch64 command line (-M virt,iommu=smmuv3 -device ...,\n"
		"libvirt's JSON -device and -blockdev too); iommusim boot -help lists every option\n"
		"and what iommusim does with it. --cmdline prints the options as read.\n"
		"\n"
		"With no --script, prints the IOMMU groups and every PCI function\n"
		"(--json for programs, --dot for a Graphviz picture of the topology).\n"
		"--script runs shell-style commands on the booted system (echo/cat/ls/readlink/\n"
		"dmesg/sleep/modprobe/rmmod/lsmod, and the model's verbs mem/dma/iommu/smmu/blk);\n"
		"'-' reads them from stdin.\n"
		"--kconfig sets options of the modelled kernel's configuration (repeatable, a later one\n"
		"wins); --kconfig help lists those it can set, their values and what each changes.\n"
		"--x-smmu-s2fwb and --x-pci-rc-canwbs are iommusim's own hardware beyond QEMU's: an SMMU\n"
		"with IDR3.FWB (when it has stage 2) and PCI root complexes the firmware marks CANWBS;\n"
		"Linux 7.3's IOMMU_VIOMMU_ALLOC needs one of them (QEMU 10.0 has neither).\n"
		"verify boots the same arguments on real QEMU with a real Linux (oracle/setup builds\n"
		"it) or reads what real Linux printed (--linux-output), and diffs the summary, the\n"
		"script's output and the kernel log; exit 0 when they agree. See README.md.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "verify"))
		return verify_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "compare"))
		return compare_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "versions")) {
		iommusim_versions(stdout);
		return 0;
	}
	if (strcmp(argv[1], "boot")) {
		fprintf(stderr, "iommusim: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	/* iommusim's own options come out; the rest is QEMU's command line */
	char **qargv = calloc(argc + 1, sizeof(*qargv));
	int qargc = 0;
	const char *script = NULL;
	bool json = false, dump_dts = false, dot = false, show_cmdline = false;
	static const char *const no_modules[] = { NULL };
	struct iommusim_options opts = { 0 };
	const char **kconfig = calloc(argc + 1, sizeof(*kconfig));
	size_t nkconfig = 0;
	bool kconfig_help = false;
	if (!qargv || !kconfig) {
		free(qargv);
		free(kconfig);
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;
		if (!strcmp(a, "--script") || !strcmp(a, "--dtb") || !strcmp(a, "--dts") || !strcmp(a, "--kconfig") ||
		    !strcmp(a, "--linux") || !strcmp(a, "--qemu")) {
			if (!has_val) {
				fprintf(stderr, "iommusim: %s needs an argument\n", a);
				free(qargv);
				free(kconfig);
				return 2;
			}
			const char *v = argv[++i];
			if (!strcmp(a, "--kconfig") && !strcmp(v, "help"))
				kconfig_help = true;
			else if (!strcmp(a, "--kconfig"))
				kconfig[nkconfig++] = v;
			else if (!strcmp(a, "--script"))
				script = v;
			else if (!strcmp(a, "--linux"))
				opts.linux_version = v;
			else if (!strcmp(a, "--qemu"))
				opts.qemu_version = v;
			else if (!strcmp(a, "--dtb"))
				opts.dtb_path = v;
			else
				opts.dts_path = v;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--dot")) {
			dot = true;
		} else if (!strcmp(a, "--dump-dts")) {
			dump_dts = true;
		} else if (!strcmp(a, "--cmdline")) {
			show_cmdline = true;
		} else if (!strcmp(a, "--no-init")) {
			opts.init_modules = no_modules;
		} else if (!strcmp(a, "--x-smmu-s2fwb")) {
			opts.smmu_s2fwb = true;
		} else if (!strcmp(a, "--x-pci-rc-canwbs")) {
			opts.pci_rc_canwbs = true;
		} else {
			qargv[qargc++] = argv[i];
		}
	}
	char err[1024] = "";
	if (nkconfig)
		opts.kconfig = kconfig;
	if (kconfig_help) {
		int r = iommusim_kconfig_help_for(&opts, stdout, err, sizeof(err));
		if (r)
			fprintf(stderr, "iommusim: %s\n", err);
		free(qargv);
		free(kconfig);
		return r ? 2 : 0;
	}
	/* -help, -version, -M help ...: what QEMU prints, and nothing boots (QEMU exits 0) */
	if (iommusim_qemu_info_opts(qargc, qargv, &opts, stdout, err, sizeof(err)) == 1) {
		free(qargv);
		free(kconfig);
		return 0;
	}
	err[0] = '\0';
	struct iommusim *sim = iommusim_boot(qargc, qargv, &opts, err, sizeof(err));
	free(qargv);
	free(kconfig);
	if (!sim) {
		fprintf(stderr, "iommusim: %s\n", err);
		return 2;
	}
	int rc = 0;
	if (show_cmdline) {
		iommusim_print_cmdline(sim, stdout);
	} else if (dump_dts) {
		rc = iommusim_dump_dts(sim, stdout) ? 1 : 0;
	} else if (dot) {
		iommusim_print_dot(sim, stdout);
	} else if (script) {
		FILE *in = strcmp(script, "-") ? fopen(script, "r") : stdin;
		if (!in) {
			fprintf(stderr, "iommusim: --script %s: %s\n", script, strerror(errno));
			rc = 2;
		} else {
			iommusim_run_script(sim, in, stdout);
			if (in != stdin)
				fclose(in);
		}
	} else {
		iommusim_print_summary(sim, stdout, json);
	}
	iommusim_free(sim);
	return rc;
}
