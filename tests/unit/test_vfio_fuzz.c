/*
 * Random VFIO call sequences with random structs: opens, closes, every VFIO
 * ioctl on every kind of file with random argsz, flags, addresses and
 * sizes. Nothing may crash or leak (ASan), and the model's invariants hold
 * after every call: the pinned pages are the locked ones, a group is
 * user-owned exactly while a container holds it, and a released group is
 * back in its default domain with its kernel owner count.
 */
#include <linux/vfio.h>
#include "boot_util.h"
#include "iommusim/vfio.h"
#include "uapi/uapi.h"
#include "uapi/vfio.h"
#include "drivers/drivers.h"

#define RP "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
	   "-device virtio-rng-pci,bus=rp1 -device virtio-rng-pci,bus=pcie.0"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: the same sequence on every run */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint64_t pick(const uint64_t *v, size_t n)
{
	return v[rnd() % n];
}

static void check_invariants(struct iommusim *sim, struct iommu_group *ig, unsigned kernel_owners)
{
	struct uapi_state *st = sim->k->uapi;
	unsigned long pinned = 0;
	for (size_t i = 0; st && i < st->nblocks; i++)
		pinned += st->blocks[i]->pinned;
	cr_assert_eq(pinned, st ? st->locked_vm : 0, "every pinned page is accounted, and only those");
	bool held = false;
	for (size_t i = 0; st && i < st->ngroups; i++)
		if (st->groups[i]->iommu_group == ig)
			held = st->groups[i]->container != NULL;
	if (held) {
		cr_assert_not_null(ig->owner);
		cr_assert_eq(ig->owner_cnt, 1);
		cr_assert_neq(ig->domain, ig->default_domain);
	} else {
		cr_assert_null(ig->owner);
		cr_assert_eq(ig->owner_cnt, kernel_owners);
		cr_assert_eq(ig->domain, ig->default_domain);
	}
}

static void fuzz(uint64_t seed, int steps)
{
	rng_state = seed;
	struct iommusim *sim = boot_ok(RP);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/devices/0000:01:00.0/driver_override", "vfio-pci"), 0);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers/virtio-pci/unbind", "0000:01:00.0"), 0);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers_probe", "0000:01:00.0"), 0);
	struct iommu_group *ig = pdev_of(sim, "0000:01:00.0")->dev.iommu_group;
	u8 *mem[2] = { iommusim_user_alloc(sim, 0x10000), iommusim_user_alloc(sim, 0x400000) };
	cr_assert(mem[0] && mem[1]);
	static const uint64_t sizes[] = { 0, 0x800, 0x1000, 0x2000, 0x10000, 0x200000, 0x400000, 0x401000,
					  ~0ULL, 0x8000000 };
	static const uint64_t iovas[] = { 0, 0x800, 0x1000, 0x7fff000, 0x8000000, 0x80ff000, 0x8100000,
					  1ULL << 40, 1ULL << 47, 1ULL << 48, ~0xfffULL, 0x200000 };
	static const unsigned long reqs[] = {
		VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION, VFIO_SET_IOMMU, VFIO_GROUP_GET_STATUS,
		VFIO_GROUP_SET_CONTAINER, VFIO_GROUP_UNSET_CONTAINER, VFIO_GROUP_GET_DEVICE_FD,
		VFIO_DEVICE_GET_INFO, VFIO_DEVICE_RESET, VFIO_IOMMU_GET_INFO, VFIO_IOMMU_MAP_DMA,
		VFIO_IOMMU_UNMAP_DMA, VFIO_IOMMU_DIRTY_PAGES, _IO(VFIO_TYPE, VFIO_BASE + 40),
		VFIO_DEVICE_GET_REGION_INFO, VFIO_DEVICE_GET_IRQ_INFO,
	};
	for (int s = 0; s < steps; s++) {
		if (s % 250 == 0) {
			/* now and then a VMM's usual start, so that the ioctls meet a live container */
			for (int fd = 0; fd < 64; fd++)
				iommusim_close(sim, fd);
			int c = iommusim_open(sim, "/dev/vfio/vfio", 2);
			int g = iommusim_open(sim, "/dev/vfio/0", 2);
			cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_SET_CONTAINER, &c), 0);
			cr_assert_eq(iommusim_ioctl(sim, c, VFIO_SET_IOMMU, (void *)(rnd() % 2 ? 1UL : 3UL)), 0);
			check_invariants(sim, ig, 0);
		}
		/* mostly the fds that are open (from 3), sometimes others */
		int fd = rnd() % 8 ? 3 + (int)(rnd() % 4) : (int)(rnd() % 16) - 2;
		uint64_t r = rnd() % 100;
		if (r < 8) {
			iommusim_open(sim, rnd() % 2 ? "/dev/vfio/vfio" : "/dev/vfio/0", 2);
		} else if (r < 10) {
			iommusim_close(sim, fd);
		} else if (r < 11) {
			iommusim_user_set_memlock(sim, pick(sizes, 10), rnd() % 2);
		} else if (r < 14) {
			/* a region's bytes: mostly the config region, around its end too */
			unsigned char b[64];
			uint64_t index = rnd() % 3 ? VFIO_PCI_CONFIG_REGION_INDEX : rnd() % 12;
			off_t off = (off_t)((index << 40) + rnd() % 0x1010);
			ssize_t ret = rnd() % 4 ? iommusim_pread(sim, fd, b, rnd() % sizeof(b), off)
						: iommusim_pwrite(sim, fd, b, rnd() % sizeof(b), off);
			cr_assert(ret >= 0 || ret == -EBADF || ret == -EINVAL || ret == -EFAULT || ret == -EOPNOTSUPP,
				  "%zd", ret);
		} else {
			unsigned long req = reqs[rnd() % (sizeof(reqs) / sizeof(reqs[0]))];
			_Alignas(8) unsigned char buf[512];
			for (size_t i = 0; i < sizeof(buf); i++)
				buf[i] = (unsigned char)rnd();
			void *arg = buf;
			int other = rnd() % 8 ? 3 + (int)(rnd() % 4) : (int)(rnd() % 16) - 2;
			switch (req) {
			case VFIO_CHECK_EXTENSION:
			case VFIO_SET_IOMMU:
				arg = (void *)(uintptr_t)(rnd() % 2 ? 1 + 2 * (rnd() % 2) : rnd() % 12);
				break;
			case VFIO_GROUP_SET_CONTAINER:
				arg = &other;
				break;
			case VFIO_GROUP_GET_DEVICE_FD:
				arg = rnd() % 2 ? "0000:01:00.0" : "0000:00:01.0";
				break;
			case VFIO_IOMMU_MAP_DMA: {
				struct vfio_iommu_type1_dma_map *m = (void *)buf;
				m->argsz = rnd() % 4 ? sizeof(*m) : (uint32_t)(rnd() % 64);
				m->flags = rnd() % 4 ? (uint32_t)(rnd() % 4) : (uint32_t)rnd();
				m->iova = pick(iovas, 12) + (rnd() % 3) * 0x1000;
				m->size = pick(sizes, 10);
				m->vaddr = rnd() % 5 ? (uint64_t)(uintptr_t)(mem[rnd() % 2] + (rnd() % 4) * 0x1000)
						     : rnd();
				break;
			}
			case VFIO_IOMMU_UNMAP_DMA: {
				struct vfio_iommu_type1_dma_unmap *u = (void *)buf;
				u->argsz = rnd() % 4 ? sizeof(*u) : (uint32_t)(rnd() % 64);
				u->flags = rnd() % 3 ? 0 : (uint32_t)(rnd() % 8);
				u->iova = pick(iovas, 12);
				u->size = pick(sizes, 10);
				break;
			}
			default:
				((uint32_t *)(void *)buf)[0] = rnd() % 3 ? 512 : (uint32_t)(rnd() % 64);
				/* region and irq indexes: mostly in range */
				if ((req == VFIO_DEVICE_GET_REGION_INFO || req == VFIO_DEVICE_GET_IRQ_INFO) && rnd() % 4)
					((uint32_t *)(void *)buf)[2] = (uint32_t)(rnd() % 10);
				if (rnd() % 8 == 0)
					arg = NULL;
			}
			long ret = iommusim_ioctl(sim, fd, req, arg);
			if (getenv("VFIO_FUZZ_TRACE") && ret >= 0)
				fprintf(stderr, "ioctl 0x%lx: %ld\n", req, ret);
		}
		check_invariants(sim, ig, 0);
	}
	/* the process exits: every file closes, nothing stays pinned or owned */
	for (int fd = 0; fd < 64; fd++)
		iommusim_close(sim, fd);
	cr_assert_eq(sim->k->uapi->locked_vm, 0);
	/* the last device file's close disabled the function vfio-pci's open enabled */
	cr_assert_eq(pdev_of(sim, "0000:01:00.0")->enable_cnt, 0);
	/* the files' module references all went with them */
	struct module_info mods[64];
	size_t n = module_list(sim->k, mods, 64);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(mods[i].name, "vfio"))
			cr_assert_eq(mods[i].refcnt, 3, "vfio_iommu_type1, vfio_pci, vfio_pci_core");
		if (!strcmp(mods[i].name, "vfio_iommu_type1") || !strcmp(mods[i].name, "vfio_pci"))
			cr_assert_eq(mods[i].refcnt, 0, "%s", mods[i].name);
	}
	cr_assert_null(ig->owner);
	cr_assert_eq(ig->domain, ig->default_domain);
	cr_assert_eq(iommusim_user_free(sim, mem[0]), 0);
	cr_assert_eq(iommusim_user_free(sim, mem[1]), 0);
	iommusim_free(sim);
}

Test(vfio_fuzz, random_sequences)
{
	for (uint64_t seed = 1; seed <= 6; seed++)
		fuzz(seed * 0x9E3779B97F4A7C15ULL, 1500);
}
