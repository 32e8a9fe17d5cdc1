/*
 * Boot time against machine size: generated virt machines with 1, 64 and
 * 1024 endpoints. Endpoints sit as 8-function devices below root ports
 * (which are themselves multifunction on pcie.0), plus one conventional
 * pci-bridge with a few endpoints, so bridges, aliases and groups all work.
 * And 16384 endpoints behind a PCIe switch fan-out: a root port, an
 * upstream port, 64 downstream ports (8 functions in each of 8 slots) and
 * below each a pci-bridge without SHPC holding 256 functions (Linux scans
 * only device 0 below a port, and there are 256 bus numbers: 130 used).
 * As on real Linux, the functions behind a conventional bridge share its
 * requester ID: the first gets the StreamID, the others no group.
 * Prints ms per boot (parse + build + boot + teardown) and the growth, on
 * Linux 6.1 / QEMU 7.2 and on Linux 7.3 / QEMU 10.0 (which probes every
 * function when the SMMU registers), and the ratio of the two.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "iommusim/iommusim.h"

static char **gen_args(int endpoints, int *argc)
{
	int cap = 16 + endpoints * 4;
	char **argv = calloc(cap, sizeof(*argv));
	int n = 0;
	argv[n++] = strdup("-M");
	argv[n++] = strdup("virt,iommu=smmuv3,gic-version=3");
	/* no default NIC: the root ports take the slots from 1 */
	argv[n++] = strdup("-nic");
	argv[n++] = strdup("none");
	/* a conventional bridge in slot 31 with up to 4 endpoints */
	int bridged = endpoints >= 8 ? 4 : 0;
	if (bridged) {
		argv[n++] = strdup("-device");
		argv[n++] = strdup("pci-bridge,id=br,bus=pcie.0,addr=1f,chassis_nr=255");
		for (int i = 0; i < bridged; i++) {
			argv[n++] = strdup("-device");
			if (asprintf(&argv[n++], "virtio-rng-pci,bus=br,addr=%x", i + 1) < 0)
				exit(1);
		}
	}
	int left = endpoints - bridged;
	int ports = (left + 7) / 8;
	for (int p = 0; p < ports; p++) {
		int slot = 1 + p / 8, fn = p % 8;
		argv[n++] = strdup("-device");
		if (asprintf(&argv[n++], "pcie-root-port,id=rp%d,bus=pcie.0,chassis=%d,addr=%x.%x%s", p, p + 1,
			     slot, fn, fn == 0 ? ",multifunction=on" : "") < 0)
			exit(1);
		int here = left - p * 8 < 8 ? left - p * 8 : 8;
		for (int f = 0; f < here; f++) {
			argv[n++] = strdup("-device");
			if (asprintf(&argv[n++], "virtio-net-pci,bus=rp%d,addr=0.%d%s", p, f,
				     f == 0 && here > 1 ? ",multifunction=on" : "") < 0)
				exit(1);
		}
	}
	*argc = n;
	return argv;
}

static char **gen_switch_args(int endpoints, int *argc)
{
	int bridges = (endpoints + 255) / 256;
	int cap = 16 + endpoints * 2 + bridges * 4;
	char **argv = calloc(cap, sizeof(*argv));
	int n = 0;
	argv[n++] = strdup("-M");
	argv[n++] = strdup("virt,iommu=smmuv3,gic-version=3");
	argv[n++] = strdup("-nic");
	argv[n++] = strdup("none");
	argv[n++] = strdup("-device");
	argv[n++] = strdup("pcie-root-port,id=rp,chassis=1");
	argv[n++] = strdup("-device");
	argv[n++] = strdup("x3130-upstream,id=up,bus=rp");
	for (int d = 0; d < bridges; d++) {
		argv[n++] = strdup("-device");
		if (asprintf(&argv[n++], "xio3130-downstream,id=dn%d,bus=up,chassis=2,slot=%d,addr=%x.%x%s", d, d, d / 8,
			     d % 8, d % 8 == 0 ? ",multifunction=on" : "") < 0)
			exit(1);
		argv[n++] = strdup("-device");
		if (asprintf(&argv[n++], "pci-bridge,id=br%d,bus=dn%d,chassis_nr=%d,shpc=off", d, d, d + 3) < 0)
			exit(1);
		int here = endpoints - d * 256 < 256 ? endpoints - d * 256 : 256;
		for (int e = 0; e < here; e++) {
			argv[n++] = strdup("-device");
			if (asprintf(&argv[n++], "virtio-net-pci,bus=br%d,addr=%x.%x%s", d, e / 8, e % 8,
				     e % 8 == 0 && here - e > 1 ? ",multifunction=on" : "") < 0)
				exit(1);
		}
	}
	*argc = n;
	return argv;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* the process's CPU time: on a loaded machine, what the boots cost without the wait for a CPU */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Boot each size on one kernel and QEMU; ms[] gets the wall time per boot. */
static int bench_stack(const char *linux_version, const char *qemu_version, double ms[4])
{
	const int sizes[] = { 1, 64, 1024, 16384 };
	struct iommusim_options opts = { .linux_version = linux_version, .qemu_version = qemu_version };
	printf("Linux %s on QEMU %s:\n", linux_version, qemu_version);
	for (int s = 0; s < 4; s++) {
		int argc;
		char **argv = sizes[s] > 1024 ? gen_switch_args(sizes[s], &argc) : gen_args(sizes[s], &argc);
		char err[512];
		int reps = sizes[s] > 1024 ? 1 : sizes[s] >= 1024 ? 20 : 100;
		double t0 = now(), c0 = cpu_now();
		for (int r = 0; r < reps; r++) {
			struct iommusim *sim = iommusim_boot(argc, argv, &opts, err, sizeof(err));
			if (!sim) {
				fprintf(stderr, "boot of %d endpoints failed: %s\n", sizes[s], err);
				return 1;
			}
			iommusim_free(sim);
		}
		ms[s] = (now() - t0) / reps * 1e3;
		double cpu = (cpu_now() - c0) / reps * 1e3;
		printf("  boot %5d endpoints: %8.3f ms per boot, %8.3f ms CPU (%d args)%s\n", sizes[s], ms[s], cpu,
		       argc, sizes[s] > 1024 ? ", behind a switch" : "");
		for (int i = 0; i < argc; i++)
			free(argv[i]);
		free(argv);
	}
	/* n log n from 64 to 1024 would be 16 * 10/6 = 26.7x; from 1024 to 16384 16 * 14/10 = 22.4x */
	printf("  growth 64 -> 1024 endpoints: %.1fx (n log n: 26.7x, n^2: 256x)\n", ms[2] / ms[1]);
	printf("  growth 1024 -> 16384 endpoints: %.1fx (n log n: 22.4x, n^2: 256x)\n", ms[3] / ms[2]);
	return 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	double classic[4], modern[4];
	if (bench_stack("6.1", "7.2", classic) || bench_stack("7.3", "10.0", modern))
		return 1;
	/* issue 12: 7.3 probes every function at the SMMU's registration; within 2x of 6.1 */
	printf("7.3/10.0 against 6.1/7.2: 1024 endpoints %.2fx, 16384 endpoints %.2fx\n",
	       modern[2] / classic[2], modern[3] / classic[3]);
	return 0;
}
