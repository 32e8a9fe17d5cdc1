/*
 * virtio: feature negotiation per transport, vring_use_dma_api(), queue
 * limits, the ring's addresses (IOVA vs PA), data through the SMMU and
 * through swiotlb bounce buffers, and the QEMU-side fault behaviour.
 */
#include <stdint.h>
#include <unistd.h>
#include "boot_util.h"
#include "base/page_alloc.h"
#include "drivers/virtio_blk.h"
#include "drivers/virtio_ring.h"
#include "hw/system.h"
#include "hw/virtio_blk_dev.h"
#include "hw/virtqueue_dev.h"

static char disk_path[64];

/* A 64 KiB disk whose byte i is (i * 7 + 3) & 0xff. */
static void make_disk(void)
{
	strcpy(disk_path, "/tmp/iommusim_vdisk_XXXXXX");
	int fd = mkstemp(disk_path);
	cr_assert(fd >= 0);
	static u8 buf[65536];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i * 7 + 3);
	cr_assert_eq(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
}

static void rm_disk(void)
{
	unlink(disk_path);
}

static struct iommusim *boot_disk(const char *machine, const char *dev, const char *extra)
{
	char args[1024];
	snprintf(args, sizeof(args), "-M %s -nic none -drive file=%s,if=none,id=d0 -device %s,drive=d0 %s", machine,
		 disk_path, dev, extra ? extra : "");
	return boot_ok(args);
}

static struct virtio_blk *vda(struct iommusim *sim)
{
	struct virtio_blk *v = virtblk_find(sim->k, "vda");
	cr_assert_not_null(v, "no vda");
	return v;
}

TestSuite(virtio, .init = make_disk, .fini = rm_disk);

/* --- negotiation and vring_use_dma_api per transport --- */

Test(virtio, transitional_pci_is_driven_modern_without_dma_api)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3", "virtio-blk-pci", NULL);
	struct virtio_device *vdev = vda(sim)->vdev;
	cr_assert_not(vdev->legacy);
	cr_assert(vdev->features & BIT(VIRTIO_F_VERSION_1));
	cr_assert_not(vdev->features & BIT(VIRTIO_F_ACCESS_PLATFORM));
	/* modern PCI keeps RING_RESET (vp_transport_features); BAD_FEATURE never shows */
	cr_assert(vdev->features & BIT(VIRTIO_F_RING_RESET));
	cr_assert_not(vdev->features & BIT(VIRTIO_F_BAD_FEATURE));
	/* NOTIFY_ON_EMPTY and ANY_LAYOUT are offered but no driver table has them */
	cr_assert(vdev->vhw->host_features & BIT(VIRTIO_F_NOTIFY_ON_EMPTY));
	cr_assert_not(vdev->features & (BIT(VIRTIO_F_NOTIFY_ON_EMPTY) | BIT(VIRTIO_F_ANY_LAYOUT)));
	cr_assert_not(vring_use_dma_api(vdev));
	cr_assert_not(vda(sim)->vqs[0]->use_dma_api);
	cr_assert(vdev_hw_bypass_iommu(vdev->vhw));
	iommusim_free(sim);
}

Test(virtio, legacy_pci_has_32_bit_features)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3", "virtio-blk-pci,disable-modern=on", NULL);
	struct virtio_device *vdev = vda(sim)->vdev;
	cr_assert(vdev->legacy);
	cr_assert_eq(vdev->features >> 32, 0);
	/* the legacy register shows BAD_FEATURE; vring_transport_features drops it */
	cr_assert(vdev_hw_device_features(vdev->vhw, true) & BIT(VIRTIO_F_BAD_FEATURE));
	cr_assert_not(vdev->features & BIT(VIRTIO_F_BAD_FEATURE));
	cr_assert(vdev->features & BIT(VIRTIO_RING_F_INDIRECT_DESC));
	cr_assert_not(vring_use_dma_api(vdev));
	/* the legacy ring is aligned to 4096 and the device derives avail/used from the PFN */
	struct virtqueue *vq = vda(sim)->vqs[0];
	cr_assert_eq(vq->align, 4096);
	cr_assert_eq(vdev->vhw->vq[0].desc, vq->desc_pa);
	cr_assert_eq(vdev->vhw->vq[0].used, vq->used_pa);
	iommusim_free(sim);
}

Test(virtio, iommu_platform_negotiates_access_platform)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3", "virtio-blk-pci,disable-legacy=on,iommu_platform=on", NULL);
	struct virtio_device *vdev = vda(sim)->vdev;
	cr_assert(vdev->features & BIT(VIRTIO_F_ACCESS_PLATFORM));
	cr_assert(vring_use_dma_api(vdev));
	cr_assert_not(vdev_hw_bypass_iommu(vdev->vhw));
	cr_assert_eq(vda(sim)->vqs[0]->dma_dev, vdev->dev.parent);
	iommusim_free(sim);
}

Test(virtio, mmio_legacy_and_version_2)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3", "virtio-blk-device", NULL);
	struct virtio_device *vdev = vda(sim)->vdev;
	cr_assert(vdev->legacy);
	cr_assert_not(vdev->features & BIT(VIRTIO_F_VERSION_1));
	/* a legacy-only virtio-blk offers SCSI (no driver takes it) and no ANY_LAYOUT */
	cr_assert(vdev->vhw->host_features & BIT(VIRTIO_BLK_F_SCSI));
	cr_assert_not(vdev->vhw->host_features & BIT(VIRTIO_F_ANY_LAYOUT));
	cr_assert_not(vring_use_dma_api(vdev));
	iommusim_free(sim);

	sim = boot_disk("virt,iommu=smmuv3 -global virtio-mmio.force-legacy=false", "virtio-blk-device", NULL);
	vdev = vda(sim)->vdev;
	cr_assert_not(vdev->legacy);
	cr_assert(vdev->features & BIT(VIRTIO_F_VERSION_1));
	/* only virtio-pci keeps RING_RESET in 6.1 */
	cr_assert_not(vdev->features & BIT(VIRTIO_F_RING_RESET));
	cr_assert_not(vring_use_dma_api(vdev));
	iommusim_free(sim);

	sim = boot_disk("virt,iommu=smmuv3 -global virtio-mmio.force-legacy=false", "virtio-blk-device,iommu_platform=on", NULL);
	cr_assert(vring_use_dma_api(vda(sim)->vdev));
	iommusim_free(sim);
}

Test(virtio, negotiate_tables_and_transport_bits)
{
	static const unsigned modern[] = { 2, 5 };
	static const unsigned legacy[] = { 2, 5, 6 };
	struct virtio_driver drv = { .feature_table = modern, .feature_table_size = 2,
				     .feature_table_legacy = legacy, .feature_table_size_legacy = 3 };
	u64 dev = BIT(2) | BIT(6) | BIT(24) | BIT(28) | BIT(30) | BIT(40);
	/* no VERSION_1: the legacy table */
	cr_assert_eq(virtio_negotiate(&drv, dev), BIT(2) | BIT(6) | BIT(28) | BIT(30) | BIT(40));
	/* VERSION_1: the modern table; transport bits 28..40 kept for finalize */
	cr_assert_eq(virtio_negotiate(&drv, dev | BIT(32)),
		     BIT(2) | BIT(28) | BIT(30) | BIT(32) | BIT(40));
	struct virtio_device v = { .features = ~0ULL };
	vring_transport_features(&v);
	u64 cleared = 0;
	for (unsigned i = VIRTIO_TRANSPORT_F_START; i < VIRTIO_TRANSPORT_F_END; i++)
		if (!(v.features & BIT(i)))
			cleared |= BIT(i);
	cr_assert_eq(cleared, BIT(30) | BIT(31) | BIT(35) | BIT(37) | BIT(38) | BIT(39) | BIT(40));
	cr_assert(v.features & BIT(24));
	/* no ACCESS_PLATFORM: no DMA API; with it: the DMA API */
	struct virtio_device q = { .features = BIT(VIRTIO_F_VERSION_1) };
	cr_assert_not(vring_use_dma_api(&q));
	q.features |= BIT(VIRTIO_F_ACCESS_PLATFORM);
	cr_assert(vring_use_dma_api(&q));
}

Test(virtio, features_attribute_format)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3", "virtio-blk-pci,disable-legacy=on,iommu_platform=on", NULL);
	char *o = run(sim, "cat /sys/bus/virtio/devices/virtio0/features\n");
	/* SEG_MAX GEOMETRY BLK_SIZE FLUSH TOPOLOGY CONFIG_WCE DISCARD WRITE_ZEROES, INDIRECT EVENT_IDX, VERSION_1 ACCESS_PLATFORM, RING_RESET */
	cr_assert_str_eq(o, "0010101001110110000000000000110011000000100000000000000000000000\n");
	free(o);
	iommusim_free(sim);
}

/*
 * virtio_dev_remove() resets the device and acknowledges it again but leaves
 * dev->features alone: after the driver goes, features_show still prints the
 * last negotiation.
 */
Test(virtio, features_survive_driver_removal)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3", "virtio-blk-pci,disable-legacy=on,iommu_platform=on", NULL);
	char *before = run(sim, "cat /sys/bus/virtio/devices/virtio0/features\n");
	free(run(sim, "rmmod virtio_blk\n"));
	struct virtio_device *vdev = virtio_device_by_index(sim->k, 0);
	cr_assert_not_null(vdev);
	cr_assert_null(vdev->dev.driver, "unbound");
	cr_assert_eq(vdev->config->get_status(vdev), VIRTIO_CONFIG_S_ACKNOWLEDGE);
	char *after = run(sim, "cat /sys/bus/virtio/devices/virtio0/features\n");
	cr_assert_str_eq(after, before);
	cr_assert_str_eq(after, "0010101001110110000000000000110011000000100000000000000000000000\n");
	free(before);
	free(after);
	iommusim_free(sim);
}

/* --- queue limits --- */

Test(virtio, limits_without_dma_api)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3", "virtio-blk-pci,queue-size=64", NULL);
	const struct blk_limits *l = &vda(sim)->lim;
	cr_assert_eq(l->max_segments, 62);		/* seg_max = queue_size - 2 */
	cr_assert_eq(l->max_segment_size, UINT32_MAX);	/* SIZE_MAX truncated to u32 */
	cr_assert_eq(l->max_hw_sectors, UINT32_MAX);
	cr_assert_eq(l->max_sectors, 2560);
	cr_assert_eq(l->logical_block_size, 512);
	cr_assert_eq(vda(sim)->vqs[0]->num, 64);
	char *o = run(sim, "cat /sys/block/vda/queue/max_hw_sectors_kb\ncat /sys/block/vda/queue/max_sectors_kb\n"
			   "cat /sys/block/vda/size\ncat /sys/block/vda/queue/frob\n");
	cr_assert_str_eq(o, "2147483647\n1280\n128\ncat: can't open '/sys/block/vda/queue/frob': No such file or directory\n");
	free(o);
	iommusim_free(sim);
}

Test(virtio, limits_capped_by_swiotlb)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3 -global virtio-mmio.force-legacy=false",
					 "virtio-blk-device,iommu_platform=on", "-append swiotlb=force");
	struct virtio_blk *v = vda(sim);
	cr_assert_eq(virtio_max_dma_size(v->vdev), 262144);
	cr_assert_eq(v->lim.max_segment_size, 262144);
	cr_assert_eq(v->lim.max_hw_sectors, UINT32_MAX);
	iommusim_free(sim);
}

Test(virtio, string_get_size_and_names)
{
	char b[10];
	string_get_size(2048, 512, false, b, sizeof(b));
	cr_assert_str_eq(b, "1.05 MB");
	string_get_size(2048, 512, true, b, sizeof(b));
	cr_assert_str_eq(b, "1.00 MiB");
	string_get_size(41943040, 512, false, b, sizeof(b));
	cr_assert_str_eq(b, "21.5 GB");
	string_get_size(41943040, 512, true, b, sizeof(b));
	cr_assert_str_eq(b, "20.0 GiB");
	string_get_size(1, 512, true, b, sizeof(b));
	cr_assert_str_eq(b, "512 B");
	string_get_size(5, 0, true, b, sizeof(b));
	cr_assert_str_eq(b, "0 B");
	char n[16];
	cr_assert_eq(virtblk_name_format("vd", 0, n, sizeof(n)), 0);
	cr_assert_str_eq(n, "vda");
	virtblk_name_format("vd", 25, n, sizeof(n));
	cr_assert_str_eq(n, "vdz");
	virtblk_name_format("vd", 26, n, sizeof(n));
	cr_assert_str_eq(n, "vdaa");
	virtblk_name_format("vd", 701, n, sizeof(n));
	cr_assert_str_eq(n, "vdzz");
	cr_assert_eq(virtblk_name_format("vd", -1, n, sizeof(n)), -EINVAL);
	cr_assert_eq(virtblk_name_format("vd", 0, n, 3), -EINVAL);
}

/* --- ring layout: IOVAs with the DMA API, PAs without --- */

static u64 desc_addr(struct iommusim *sim, struct virtqueue *vq, u16 i)
{
	u64 a = 0;
	guest_mem_read(((struct hw_system *)sim->k->hw)->mem, vq->desc_pa + 16ULL * i, &a, 8);
	return a;
}

Test(virtio, ring_addresses_are_iovas_with_dma_api)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3", "virtio-blk-pci,disable-legacy=on,iommu_platform=on", NULL);
	struct virtqueue *vq = vda(sim)->vqs[0];
	struct device *pdev = vda(sim)->vdev->dev.parent;
	struct iommu_domain *dom = iommu_get_domain_for_dev(pdev);
	cr_assert_not_null(dom);
	cr_assert_neq(vq->ring_dma, vq->ring_pa);
	cr_assert_eq(iommu_iova_to_phys(dom, vq->ring_dma), vq->ring_pa);
	cr_assert_eq(vda(sim)->vdev->vhw->vq[0].desc, vq->desc_dma);
	/* one buffer: a direct descriptor holding the IOVA dma_map_page gave */
	u64 buf = page_alloc(sim->k->pages, PAGE_SIZE);
	struct vring_sg sg = { buf + 0x100, 64 };
	u16 head = vq->free_head;
	int tag;
	cr_assert_eq(virtqueue_add_sgs(vq, &sg, 1, 0, &tag), 0);
	u64 a = desc_addr(sim, vq, head);
	cr_assert_neq(a, buf + 0x100);
	cr_assert_eq(iommu_iova_to_phys(dom, a), buf + 0x100);
	iommusim_free(sim);
}

Test(virtio, ring_addresses_are_pas_without_dma_api)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3", "virtio-blk-pci", NULL);
	struct virtqueue *vq = vda(sim)->vqs[0];
	cr_assert_eq(vq->ring_dma, vq->ring_pa);
	cr_assert_eq(vq->align, 64);
	cr_assert_eq(vq->used_pa - vq->ring_pa, ALIGN_UP(16 * 256 + 2 * (3 + 256), 64));
	u64 buf = page_alloc(sim->k->pages, PAGE_SIZE);
	struct vring_sg sg = { buf + 8, 64 };
	u16 head = vq->free_head;
	int tag;
	cr_assert_eq(virtqueue_add_sgs(vq, &sg, 1, 0, &tag), 0);
	cr_assert_eq(desc_addr(sim, vq, head), buf + 8);
	/* bad arguments change nothing */
	u16 before = vq->num_free;
	struct vring_sg zero = { buf, 0 };
	cr_assert_eq(virtqueue_add_sgs(vq, &zero, 1, 0, &tag), -EINVAL);
	cr_assert_eq(virtqueue_add_sgs(vq, &sg, 0, 0, &tag), -EINVAL);
	cr_assert_eq(virtqueue_add_sgs(vq, &sg, 1, 0, NULL), -EINVAL);
	cr_assert_eq(vq->num_free, before);
	cr_assert_null(vring_create_virtqueue(0, 3, 64, vda(sim)->vdev, NULL));
	cr_assert_eq(vdev_hw_queue_set(vda(sim)->vdev->vhw, 7, 8, 0, 0, 0), -EINVAL);
	cr_assert_eq(vdev_hw_queue_set(vda(sim)->vdev->vhw, 0, 512, 0, 0, 0), -EINVAL);
	iommusim_free(sim);
}

/* --- data: what was written is read back, through the SMMU and through bounce buffers --- */

static void write_then_read(struct iommusim *sim)
{
	struct virtio_blk *v = vda(sim);
	struct guest_mem *mem = ((struct hw_system *)sim->k->hw)->mem;
	u64 len = 16 * 512;
	u64 pa = page_alloc(sim->k->pages, len);
	static u8 out[16 * 512], in[16 * 512];
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (u8)(i ^ 0x5a);
	guest_mem_write(mem, pa, out, len);
	cr_assert_eq(virtblk_rw(v, true, 8, 16, pa, false), 0);
	guest_mem_fill(mem, pa, 0, len);
	cr_assert_eq(virtblk_rw(v, false, 8, 16, pa, false), 0);
	guest_mem_read(mem, pa, in, len);
	cr_assert_eq(memcmp(in, out, len), 0);
	/* the bytes are in the drive file, and sector 0..7 kept the original pattern */
	FILE *f = fopen(disk_path, "rb");
	static u8 file[65536];
	cr_assert_eq(fread(file, 1, sizeof(file), f), sizeof(file));
	fclose(f);
	cr_assert_eq(memcmp(file + 8 * 512, out, len), 0);
	cr_assert_eq(file[100], (u8)(100 * 7 + 3));
	cr_assert_eq(v->vdev->vhw->dma_faults, 0);
}

/*
 * The path, through the public counters: the bytes arriving is not enough,
 * a model that let the device bypass the SMMU or swiotlb would pass that too.
 */
static struct iommusim_smmu_counters smmu_now(struct iommusim *sim)
{
	struct iommusim_smmu_counters c;
	cr_assert_eq(iommusim_smmu_counters(sim, &c), 0);
	return c;
}

static struct iommusim_dma_counters dma_now(struct iommusim *sim)
{
	struct iommusim_dma_counters c;
	/* the DMA API is called on the transport's device, not on virtioN */
	cr_assert_eq(iommusim_dma_counters(sim, vda(sim)->vdev->dev.parent->name, &c), 0);
	return c;
}

#define DELTA(after, before, field) ((after).field - (before).field)

Test(virtio, data_through_the_smmu)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3", "virtio-blk-pci,disable-legacy=on,iommu_platform=on", NULL);
	struct iommusim_smmu_counters s0 = smmu_now(sim);
	struct iommusim_dma_counters d0 = dma_now(sim);
	write_then_read(sim);
	struct iommusim_smmu_counters s1 = smmu_now(sim);
	struct iommusim_dma_counters d1 = dma_now(sim);
	/* the device's DMA was translated: at least the data's two pages each way, every one in the TLB */
	cr_assert_geq(DELTA(s1, s0, translations), 4);
	cr_assert_eq(DELTA(s1, s0, tlb_hits) + DELTA(s1, s0, tlb_misses), DELTA(s1, s0, translations));
	cr_assert_gt(DELTA(s1, s0, walks), 0, "new IOVAs were walked");
	/* dma-iommu mapped header, data, status and the indirect table of each request; nothing bounced */
	cr_assert_eq(DELTA(d1, d0, maps), 8);
	cr_assert_eq(DELTA(d1, d0, unmaps), 8);
	cr_assert_eq(DELTA(d1, d0, bounces), 0);
	iommusim_free(sim);
}

Test(virtio, data_through_swiotlb_bounce)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3 -global virtio-mmio.force-legacy=false",
					 "virtio-blk-device,iommu_platform=on", "-append swiotlb=force");
	struct iommusim_smmu_counters s0 = smmu_now(sim);
	struct iommusim_dma_counters d0 = dma_now(sim);
	write_then_read(sim);
	struct iommusim_smmu_counters s1 = smmu_now(sim);
	struct iommusim_dma_counters d1 = dma_now(sim);
	/*
	 * 6.1's swiotlb_tbl_map_single() copies every buffer in at map time,
	 * whatever the direction; unmap copies back what the device may have
	 * written. Write: header 16 + data 8192 + status 1 + indirect table 48
	 * in, status 1 back. Read: 16 + 8192 + 1 + 48 in, data 8192 and status
	 * 1 back. 11 copies, 24708 bytes.
	 */
	cr_assert_eq(DELTA(d1, d0, maps), 8);
	cr_assert_eq(DELTA(d1, d0, bounces), 11);
	cr_assert_eq(DELTA(d1, d0, bounce_bytes), 2 * (16 + 8192 + 1 + 48) + 1 + 8192 + 1);
	/* virtio-mmio sits outside the SMMU on virt: it saw nothing */
	cr_assert_eq(memcmp(&s1, &s0, sizeof(s0)), 0, "no SMMU access");
	iommusim_free(sim);
}

Test(virtio, data_by_pa_legacy)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3", "virtio-blk-pci,disable-modern=on", NULL);
	struct iommusim_smmu_counters s0 = smmu_now(sim);
	struct iommusim_dma_counters d0 = dma_now(sim);
	struct vdev_hw *d = vda(sim)->vdev->vhw;
	u64 msi0 = d->irq.msi_sent;
	write_then_read(sim);
	struct iommusim_smmu_counters s1 = smmu_now(sim);
	struct iommusim_dma_counters d1 = dma_now(sim);
	/*
	 * no DMA API and QEMU's plain memory address space: no map, no bounce,
	 * and the data never meets the SMMU; the completion interrupts do (MSIs
	 * go through the function's bus-master address space): one translation
	 * each, the doorbell's page already in the TLB
	 */
	cr_assert_eq(memcmp(&d1, &d0, sizeof(d0)), 0, "no DMA API call");
	u64 msis = d->irq.msi_sent - msi0;
	cr_assert_eq(msis, 2, "one completion MSI per request");
	cr_assert_eq(d->irq.msi_faulted, 0);
	cr_assert_eq(DELTA(s1, s0, translations), msis, "only the MSIs reached the SMMU");
	cr_assert_eq(DELTA(s1, s0, tlb_hits), msis);
	cr_assert_eq(DELTA(s1, s0, faults), 0);
	iommusim_free(sim);
}

/* The counters' own errors, and reading them changes nothing. */
Test(virtio, public_counters_errors)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3", "virtio-blk-pci,disable-modern=on", NULL);
	struct iommusim_smmu_counters s;
	struct iommusim_dma_counters d, before;
	memset(&d, 0xa5, sizeof(d));
	before = d;
	cr_assert_eq(iommusim_smmu_counters(NULL, &s), -EINVAL);
	cr_assert_eq(iommusim_smmu_counters(sim, NULL), -EINVAL);
	cr_assert_eq(iommusim_dma_counters(sim, NULL, &d), -EINVAL);
	cr_assert_eq(iommusim_dma_counters(sim, "0000:00:01.0", NULL), -EINVAL);
	cr_assert_eq(iommusim_dma_counters(NULL, "0000:00:01.0", &d), -EINVAL);
	cr_assert_eq(iommusim_dma_counters(sim, "0000:09:00.0", &d), -ENOENT);
	cr_assert_eq(memcmp(&d, &before, sizeof(d)), 0, "left alone on error");
	/* a device that never used the DMA API reads as zeros and is not listed after */
	char *list = run(sim, "cat /sys/kernel/debug/iommusim/dma\n");
	cr_assert_eq(iommusim_dma_counters(sim, "virtio0", &d), 0);
	struct iommusim_dma_counters zero = { 0 };
	cr_assert_eq(memcmp(&d, &zero, sizeof(d)), 0);
	char *again = run(sim, "cat /sys/kernel/debug/iommusim/dma\n");
	cr_assert_str_eq(again, list);
	free(list);
	free(again);
	iommusim_free(sim);

	sim = boot_ok("-M virt -nic none -device virtio-rng-pci");
	cr_assert_eq(iommusim_smmu_counters(sim, &s), -ENODEV);
	iommusim_free(sim);
}

Test(virtio, oversize_segment_fails_to_map_and_leaves_nothing_mapped)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3 -global virtio-mmio.force-legacy=false",
					 "virtio-blk-device,iommu_platform=on", "-append swiotlb=force");
	struct virtio_blk *v = vda(sim);
	u16 free_before = v->vqs[0]->num_free;
	u64 pa = page_alloc(sim->k->pages, 512 * 1024);
	/* 1024 sectors past the 128-sector disk: the limits split; raw is one 512 KiB segment */
	cr_assert_eq(virtblk_rw(v, false, 0, 1024, pa, true), -ENOMEM);
	cr_assert_eq(v->vqs[0]->num_free, free_before);
	cr_assert_eq(v->vqs[0]->map_errors, 1);
	cr_assert_eq(virtblk_rw(v, false, 0, 1024, pa, false), -EINVAL);	/* past the end */
	cr_assert_eq(virtblk_rw(v, false, 0, 128, pa, false), 0);
	cr_assert_eq(v->last_segments, 1);
	iommusim_free(sim);
}

/* --- faults: the device reads an empty queue and never completes --- */

Test(virtio, translate_all_faults_and_hangs)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3,x-smmu-translate-all=on", "virtio-blk-pci", NULL);
	struct virtio_blk *v = vda(sim);
	struct vdev_hw *d = v->vdev->vhw;
	/* the partition scan's kick: avail idx read 4 times, avail_event written once */
	cr_assert_eq(d->dma_faults, 5);
	cr_assert_eq(d->vq[0].popped, 0);
	cr_assert_not(d->broken);
	cr_assert_eq(v->stuck, 1);
	u64 pa = page_alloc(sim->k->pages, PAGE_SIZE);
	cr_assert_eq(virtblk_rw(v, false, 0, 1, pa, false), -ETIMEDOUT);
	/* avail_event was never written: Linux does not even notify */
	cr_assert_eq(d->dma_faults, 5);
	cr_assert_eq(v->vqs[0]->kicks, 1);
	iommusim_free(sim);
}

Test(virtio, bogus_avail_entry_is_virtio_error)
{
	struct iommusim *sim = boot_disk("virt,iommu=smmuv3", "virtio-blk-pci", NULL);
	struct virtio_blk *v = vda(sim);
	struct virtqueue *vq = v->vqs[0];
	struct guest_mem *mem = ((struct hw_system *)sim->k->hw)->mem;
	/* publish a head out of range */
	u16 slot = vq->avail_idx_shadow & (vq->num - 1), bad = 999, idx = (u16)(vq->avail_idx_shadow + 1);
	guest_mem_write(mem, vq->avail_pa + 4 + 2 * slot, &bad, 2);
	guest_mem_write(mem, vq->avail_pa + 2, &idx, 2);
	vdev_hw_notify(v->vdev->vhw, 0);
	cr_assert(v->vdev->vhw->broken);
	cr_assert_str_eq(v->vdev->vhw->error, "Guest says index 999 is available");
	/* VERSION_1 device: NEEDS_RESET */
	cr_assert(v->vdev->vhw->status & VIRTIO_CONFIG_S_NEEDS_RESET);
	iommusim_free(sim);
}

Test(virtio, blk_verbs_errors_change_nothing)
{
	char args[512];
	snprintf(args, sizeof(args), "-M virt,iommu=smmuv3 -nic none -drive file=%s,if=none,id=d0,readonly=on -device virtio-blk-pci,drive=d0", disk_path);
	struct iommusim *sim = boot_ok(args);
	u64 reqs = vda(sim)->requests;
	char *o = run(sim, "blk write vda 0 1 0xff\nblk read vdq 0 1\nblk read vda 128 1\nblk read vda x 1\nblk read vda 0 40000\nblk\n");
	cr_assert_str_eq(o, "blk: vda: write error: Operation not permitted\n"
			    "blk: vdq: no such disk\n"
			    "blk: vda: sectors 128..128 are beyond the end of the disk (128 sectors)\n"
			    "blk: bad sector or count 'x 1' (count 1..32768 sectors)\n"
			    "blk: bad sector or count '0 40000' (count 1..32768 sectors)\n"
			    "blk: usage: blk read|raw-read [-q] DEVICE SECTOR COUNT | blk write DEVICE SECTOR COUNT PATTERN\n");
	free(o);
	cr_assert_eq(vda(sim)->requests, reqs);
	o = run(sim, "blk read virtio0 0 1\n");
	cr_assert(!strncmp(o, "0000000000: 030a 1118 1f26 2d34", 31), "%s", o);
	free(o);
	iommusim_free(sim);
}
