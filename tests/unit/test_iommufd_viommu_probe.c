/*
 * oracle/iommufd/viommu_probe.c on the model: the same calls (HWPT_ALLOC,
 * VIOMMU_ALLOC, VDEVICE_ALLOC, HWPT_INVALIDATE, GET_HW_INFO, DESTROY, each
 * argument check) through the model's file calls, on the machine and
 * kernel the oracle ran them on (QEMU 10.0's virt, 7.3 built as the
 * iommufd-canwbs kernel: IOMMUFD, VFIO_DEVICE_CDEV, ARM_SMMU_V3_IOMMUFD, no
 * THP, CANWBS root complexes), and its lines compared with the ones the
 * oracle printed (oracle/iommufd/viommu_probe.expected, written by
 * oracle/iommufd/run_viommu_probe.sh).
 */
#include <linux/vfio.h>
#include "boot_util.h"
#include "iommusim/vfio.h"
#include "uapi/iommufd_abi.h"
#include "uapi/vfio_cdev_abi.h"

static struct iommusim *SIM;
static FILE *OUT;
static long R(int fd, unsigned long c, void *a)
{
	return iommusim_ioctl(SIM, fd, c, a);
}
static int OPEN(const char *path)
{
	return iommusim_open(SIM, path, 2);
}

#define IOMMUFD_PROBE_MODEL
#include "../../oracle/iommufd/viommu_probe.c"

/* the oracle's lines, beside the probe (the build compiles this file by its full path) */
static FILE *open_expected(void)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s", __FILE__);
	char *slash = strrchr(path, '/');
	cr_assert_not_null(slash, "%s", __FILE__);
	snprintf(slash, sizeof(path) - (size_t)(slash - path), "/../../oracle/iommufd/viommu_probe.expected");
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	return f;
}

Test(iommufd_viommu_probe, answers_as_the_oracle)
{
	const char *settings[] = { "IOMMUFD=y,VFIO_DEVICE_CDEV=y,ARM_SMMU_V3_IOMMUFD=y,TRANSPARENT_HUGEPAGE=n", NULL };
	struct iommusim_options opts = { .linux_version = "7.3", .qemu_version = "10.0", .kconfig = settings,
					 .pci_rc_canwbs = true };
	char err[512] = "";
	SIM = boot_str_opts("-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 "
			    "-device virtio-net-pci,bus=rp1", &opts, err, sizeof(err));
	cr_assert_not_null(SIM, "%s", err);
	free(run(SIM, "echo vfio-pci > /sys/bus/pci/devices/0000:01:00.0/driver_override\n"
		      "echo 0000:01:00.0 > /sys/bus/pci/drivers/virtio-pci/unbind\n"
		      "echo 0000:01:00.0 > /sys/bus/pci/drivers_probe\n"));
	char *got = NULL;
	size_t len = 0;
	OUT = open_memstream(&got, &len);
	cr_assert_eq(probe_main(), 0);
	fclose(OUT);
	FILE *f = open_expected();
	char want[256];
	const char *line = got;
	int n = 0;
	while (fgets(want, sizeof(want), f)) {
		n++;
		const char *nl = strchr(line, '\n');
		cr_assert_not_null(nl, "line %d: the model printed fewer lines (oracle: %s)", n, want);
		cr_expect(!strncmp(line, want, strlen(want)) && (size_t)(nl - line + 1) == strlen(want),
			  "line %d: model %.*s, oracle %s", n, (int)(nl - line), line, want);
		line = nl + 1;
	}
	fclose(f);
	cr_expect_eq(*line, 0, "the model printed more lines: %s", line);
	free(got);
	iommusim_free(SIM);
}
