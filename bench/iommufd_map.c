/*
 * iommufd's map path through the public file calls, on Linux 7.3 / QEMU 10.0
 * with --kconfig IOMMUFD=y,VFIO_DEVICE_CDEV=y: IOMMU_IOAS_MAP (fixed IOVA)
 * plus IOMMU_IOAS_UNMAP of one 4K and one 2M range of the process's memory,
 * per pair, first on an IOAS no device uses (the io_pagetable and its
 * pinned pages only), then, when the machine's vfio-pci function binds to
 * the iommufd through /dev/vfio/devices/vfioN and attaches to the IOAS,
 * with its SMMU domain mapped and invalidated too. Beside them, on the same
 * machine, VFIO type1's MAP_DMA+UNMAP_DMA and the DMA API's
 * dma_map_single+dma_unmap_single of a 4K page, measured as bench_vfio_map
 * does.
 *
 * usage: bench_iommufd_map [pairs]   (default 20000)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iommusim/iommusim.h"
#include "iommusim/vfio.h"
#include "script/session.h"
#include "dma/dma_mask.h"
#include "dma/mapping.h"
#include "pci/pci.h"
#include "uapi/iommufd_abi.h"
#include "uapi/vfio_cdev_abi.h"

#define IOVA 0x40000000ULL

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static struct iommusim *boot(void)
{
	char *argv[] = { "-M", "virt,iommu=smmuv3,gic-version=3", "-m", "1G", "-nic", "none",
			 "-device", "pcie-root-port,id=rp1,chassis=1", "-device", "virtio-rng-pci,bus=rp1",
			 "-device", "pcie-root-port,id=rp2,chassis=2", "-device", "virtio-rng-pci,bus=rp2",
			 "-device", "virtio-net-pci,bus=pcie.0,netdev=n0", "-netdev", "user,id=n0" };
	const char *kconfig[] = { "IOMMUFD=y,VFIO_DEVICE_CDEV=y", NULL };
	struct iommusim_options opts = { .linux_version = "7.3", .qemu_version = "10.0", .kconfig = kconfig };
	char err[256] = "";
	struct iommusim *sim = iommusim_boot((int)(sizeof(argv) / sizeof(argv[0])), argv, &opts, err, sizeof(err));
	if (!sim) {
		fprintf(stderr, "boot failed: %s\n", err);
		exit(1);
	}
	return sim;
}

static void must(long ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "%s failed: %ld (%s)\n", what, ret, strerror((int)-ret));
		exit(1);
	}
}

static void to_vfio_pci(struct iommusim *sim, const char *bdf)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	must(iommusim_sysfs_write(sim, path, "vfio-pci"), "override");
	must(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers/virtio-pci/unbind", bdf), "unbind");
	must(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers_probe", bdf), "probe");
}

static uint32_t ioas_alloc(struct iommusim *sim, int iommufd)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };

	must(iommusim_ioctl(sim, iommufd, IOMMU_IOAS_ALLOC, &a), "IOMMU_IOAS_ALLOC");
	return a.out_ioas_id;
}

static double ioas_pairs_ns(struct iommusim *sim, int iommufd, uint32_t ioas, void *buf, uint64_t size,
			    unsigned long pairs)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas, .user_va = (uint64_t)(uintptr_t)buf, .length = size, .iova = IOVA,
	};
	struct iommu_ioas_unmap unmap = { .size = sizeof(unmap), .ioas_id = ioas, .iova = IOVA, .length = size };

	for (int w = 0; w < 100; w++) {
		unmap.length = size;
		must(iommusim_ioctl(sim, iommufd, IOMMU_IOAS_MAP, &map), "IOMMU_IOAS_MAP");
		must(iommusim_ioctl(sim, iommufd, IOMMU_IOAS_UNMAP, &unmap), "IOMMU_IOAS_UNMAP");
	}
	uint64_t t0 = now_ns();
	for (unsigned long i = 0; i < pairs; i++) {
		unmap.length = size;
		must(iommusim_ioctl(sim, iommufd, IOMMU_IOAS_MAP, &map), "IOMMU_IOAS_MAP");
		must(iommusim_ioctl(sim, iommufd, IOMMU_IOAS_UNMAP, &unmap), "IOMMU_IOAS_UNMAP");
	}
	return (double)(now_ns() - t0) / (double)pairs;
}

static double type1_pairs_ns(struct iommusim *sim, int container, void *buf, uint64_t size, unsigned long pairs)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uint64_t)(uintptr_t)buf, .iova = IOVA, .size = size,
	};
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap), .iova = IOVA, .size = size };

	for (int w = 0; w < 100; w++) {
		unmap.size = size;
		must(iommusim_ioctl(sim, container, VFIO_IOMMU_MAP_DMA, &map), "MAP_DMA");
		must(iommusim_ioctl(sim, container, VFIO_IOMMU_UNMAP_DMA, &unmap), "UNMAP_DMA");
	}
	uint64_t t0 = now_ns();
	for (unsigned long i = 0; i < pairs; i++) {
		unmap.size = size;
		must(iommusim_ioctl(sim, container, VFIO_IOMMU_MAP_DMA, &map), "MAP_DMA");
		must(iommusim_ioctl(sim, container, VFIO_IOMMU_UNMAP_DMA, &unmap), "UNMAP_DMA");
	}
	return (double)(now_ns() - t0) / (double)pairs;
}

/* The device's cdev bound to iommufd and attached to ioas: 0, or why not (-errno). */
static long bind_and_attach(struct iommusim *sim, int iommufd, uint32_t ioas)
{
	char path[128];
	int dfd = -1;

	/* vfioN numbers follow the order vfio-pci bound: try the first few */
	for (int n = 0; n < 8 && dfd < 0; n++) {
		snprintf(path, sizeof(path), "/dev/vfio/devices/vfio%d", n);
		int fd = iommusim_open(sim, path, O_RDWR);
		if (fd < 0)
			continue;
		struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind), .iommufd = iommufd };
		long ret = iommusim_ioctl(sim, fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);
		if (ret < 0) {
			iommusim_close(sim, fd);
			return ret;
		}
		dfd = fd;
	}
	if (dfd < 0)
		return -ENOENT;
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach), .pt_id = ioas };
	return iommusim_ioctl(sim, dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach);
}

int main(int argc, char **argv)
{
	unsigned long pairs = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000;
	if (!pairs)
		pairs = 1;
	struct iommusim *sim = boot();
	void *buf = iommusim_user_alloc(sim, 2 << 20);
	if (!buf) {
		fprintf(stderr, "no user memory\n");
		return 1;
	}
	int iommufd = iommusim_open(sim, "/dev/iommu", O_RDWR);
	must(iommufd, "open /dev/iommu");

	/* An IOAS with no device: the io_pagetable alone. */
	uint32_t ioas = ioas_alloc(sim, iommufd);
	double i4k = ioas_pairs_ns(sim, iommufd, ioas, buf, 4096, pairs);
	double i2m = ioas_pairs_ns(sim, iommufd, ioas, buf, 2 << 20, pairs);
	printf("iommufd IOAS_MAP+IOAS_UNMAP 4K, no device: %8.1f ns per pair (%lu pairs)\n", i4k, pairs);
	printf("iommufd IOAS_MAP+IOAS_UNMAP 2M, no device: %8.1f ns per pair\n", i2m);

	/* One vfio-pci function through its cdev, attached to a second IOAS. */
	to_vfio_pci(sim, "0000:01:00.0");
	uint32_t dev_ioas = ioas_alloc(sim, iommufd);
	long attached = bind_and_attach(sim, iommufd, dev_ioas);
	if (attached < 0) {
		printf("iommufd with a device attached:            not measured (bind/attach: %s)\n",
		       strerror((int)-attached));
	} else {
		double d4k = ioas_pairs_ns(sim, iommufd, dev_ioas, buf, 4096, pairs);
		double d2m = ioas_pairs_ns(sim, iommufd, dev_ioas, buf, 2 << 20, pairs);
		printf("iommufd IOAS_MAP+IOAS_UNMAP 4K, 1 device:  %8.1f ns per pair\n", d4k);
		printf("iommufd IOAS_MAP+IOAS_UNMAP 2M, 1 device:  %8.1f ns per pair (one block mapping)\n", d2m);
	}

	/* VFIO type1 on the other function, through its group and a legacy container. */
	to_vfio_pci(sim, "0000:02:00.0");
	int container = iommusim_open(sim, "/dev/vfio/vfio", O_RDWR);
	int group = -1;
	/* its group is the one a SET_CONTAINER accepts (the other is held through the cdev) */
	for (int g = 0; g < 16 && container >= 0; g++) {
		char gpath[64];
		snprintf(gpath, sizeof(gpath), "/dev/vfio/%d", g);
		int fd = iommusim_open(sim, gpath, O_RDWR);
		if (fd < 0)
			continue;
		if (iommusim_ioctl(sim, fd, VFIO_GROUP_SET_CONTAINER, &container) == 0) {
			group = fd;
			break;
		}
		iommusim_close(sim, fd);
	}
	if (container < 0 || group < 0 ||
	    iommusim_ioctl(sim, container, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU) < 0) {
		printf("vfio type1: not measured (no container/group)\n");
	} else {
		double t4k = type1_pairs_ns(sim, container, buf, 4096, pairs);
		double t2m = type1_pairs_ns(sim, container, buf, 2 << 20, pairs);
		printf("vfio type1 MAP_DMA+UNMAP_DMA 4K:           %8.1f ns per pair\n", t4k);
		printf("vfio type1 MAP_DMA+UNMAP_DMA 2M:           %8.1f ns per pair (one block mapping)\n", t2m);
	}

	/* The DMA API on the machine's virtio-net, in its strict DMA domain. */
	struct device *dev = &pci_get_by_name(sim->k, "0000:00:03.0")->dev;
	dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	const uint64_t pa = 0x41000000ULL;
	for (int w = 0; w < 1000; w++)
		dma_unmap_single(dev, dma_map_single(dev, pa, 4096, DMA_BIDIRECTIONAL), 4096, DMA_BIDIRECTIONAL);
	uint64_t t0 = now_ns();
	for (unsigned long i = 0; i < pairs; i++)
		dma_unmap_single(dev, dma_map_single(dev, pa, 4096, DMA_BIDIRECTIONAL), 4096, DMA_BIDIRECTIONAL);
	double tdma = (double)(now_ns() - t0) / (double)pairs;
	printf("DMA API map+unmap 4K (strict):             %8.1f ns per pair (bench_dma_map's path)\n", tdma);
	iommusim_free(sim);
	return 0;
}
