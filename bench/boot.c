/*
 * Boot time against machine size: generated virt machines with 1, 64 and
 * 1024 endpoints. Endpoints sit as 8-function devices below root ports
 * (which are themselves multifunction on pcie.0), plus one conventional
 * pci-bridge with a few endpoints, so bridges, aliases and groups all work.
 * Prints ms per boot (parse + build + boot + teardown) and the growth.
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

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	const int sizes[] = { 1, 64, 1024 };
	double ms[3];
	for (int s = 0; s < 3; s++) {
		int argc;
		char **argv = gen_args(sizes[s], &argc);
		char err[512];
		int reps = sizes[s] >= 1024 ? 20 : 100;
		double t0 = now();
		for (int r = 0; r < reps; r++) {
			struct iommusim *sim = iommusim_boot(argc, argv, NULL, err, sizeof(err));
			if (!sim) {
				fprintf(stderr, "boot of %d endpoints failed: %s\n", sizes[s], err);
				return 1;
			}
			iommusim_free(sim);
		}
		ms[s] = (now() - t0) / reps * 1e3;
		printf("boot %5d endpoints: %8.3f ms per boot (%d args)\n", sizes[s], ms[s], argc);
		for (int i = 0; i < argc; i++)
			free(argv[i]);
		free(argv);
	}
	/* n log n from 64 to 1024 would be 16 * 10/6 = 26.7x */
	printf("growth 64 -> 1024 endpoints: %.1fx (n log n: 26.7x, n^2: 256x)\n", ms[2] / ms[1]);
	return 0;
}
