/*
 * VFIO type1's hot path through the public file calls: VFIO_IOMMU_MAP_DMA
 * plus VFIO_IOMMU_UNMAP_DMA of one 4K and one 2M mapping of the process's
 * memory, per pair, on a booted virt + SMMUv3 machine with a device behind a
 * root port handed to vfio-pci; beside it, in the same run, the DMA API's
 * dma_map_single+dma_unmap_single of a 4K page (bench_dma_map's path,
 * strict) for comparison. A type1 unmap is strict: it invalidates the
 * IOTLB before returning, as 6.1 does.
 *
 * usage: bench_vfio_map [pairs]   (default 20000)
 */
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "iommusim/iommusim.h"
#include "iommusim/vfio.h"
#include "script/session.h"
#include "dma/dma_mask.h"
#include "dma/mapping.h"
#include "pci/pci.h"

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
			 "-device", "virtio-net-pci,bus=pcie.0,netdev=n0", "-netdev", "user,id=n0" };
	char err[256] = "";
	struct iommusim *sim = iommusim_boot(14, argv, NULL, err, sizeof(err));
	if (!sim) {
		fprintf(stderr, "boot failed: %s\n", err);
		exit(1);
	}
	return sim;
}

static void must(long ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "%s failed: %ld\n", what, ret);
		exit(1);
	}
}

static double pairs_ns(struct iommusim *sim, int container, void *buf, uint64_t size, unsigned long pairs)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uint64_t)(uintptr_t)buf, .iova = 0x40000000, .size = size,
	};
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap), .iova = map.iova, .size = size };
	for (int w = 0; w < 100; w++) {
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

int main(int argc, char **argv)
{
	unsigned long pairs = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000;
	if (!pairs)
		pairs = 1;
	struct iommusim *sim = boot();
	must(iommusim_sysfs_write(sim, "/sys/bus/pci/devices/0000:01:00.0/driver_override", "vfio-pci"), "override");
	must(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers/virtio-pci/unbind", "0000:01:00.0"), "unbind");
	must(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers_probe", "0000:01:00.0"), "probe");
	int container = iommusim_open(sim, "/dev/vfio/vfio", 2);
	must(container, "open container");
	int group = iommusim_open(sim, "/dev/vfio/0", 2);
	must(group, "open group");
	must(iommusim_ioctl(sim, group, VFIO_GROUP_SET_CONTAINER, &container), "SET_CONTAINER");
	must(iommusim_ioctl(sim, container, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), "SET_IOMMU");
	void *buf = iommusim_user_alloc(sim, 2 << 20);
	if (!buf) {
		fprintf(stderr, "no user memory\n");
		return 1;
	}
	double t4k = pairs_ns(sim, container, buf, 4096, pairs);
	double t2m = pairs_ns(sim, container, buf, 2 << 20, pairs);

	/* the DMA API on the machine's other device, in its strict DMA domain */
	struct device *dev = &pci_get_by_name(sim->k, "0000:00:02.0")->dev;
	dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	const uint64_t pa = 0x41000000ULL;
	for (int w = 0; w < 1000; w++)
		dma_unmap_single(dev, dma_map_single(dev, pa, 4096, DMA_BIDIRECTIONAL), 4096, DMA_BIDIRECTIONAL);
	uint64_t t0 = now_ns();
	for (unsigned long i = 0; i < pairs; i++)
		dma_unmap_single(dev, dma_map_single(dev, pa, 4096, DMA_BIDIRECTIONAL), 4096, DMA_BIDIRECTIONAL);
	double tdma = (double)(now_ns() - t0) / (double)pairs;

	printf("vfio type1 MAP_DMA+UNMAP_DMA 4K: %8.1f ns per pair (%lu pairs)\n", t4k, pairs);
	printf("vfio type1 MAP_DMA+UNMAP_DMA 2M: %8.1f ns per pair (one block mapping)\n", t2m);
	printf("DMA API map+unmap 4K (strict):   %8.1f ns per pair (bench_dma_map's path)\n", tdma);
	iommusim_free(sim);
	return 0;
}
