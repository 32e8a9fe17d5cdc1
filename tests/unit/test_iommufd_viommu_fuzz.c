/*
 * Random sequences of the HWPT / vIOMMU calls (HWPT_ALLOC, VIOMMU_ALLOC,
 * VDEVICE_ALLOC, HWPT_INVALIDATE, GET_HW_INFO, DESTROY, attach and detach)
 * on 7.3 with two bound devices and the vIOMMU path open (CANWBS), with
 * random ids, flags, sizes, vSTEs and command words. Every call answers 0 or
 * an errno 7.3 can give for it; after each, every object's users equal the
 * references the others hold (HWPT -> IOAS, nested -> vIOMMU or parent,
 * vIOMMU -> parent, vDEVICE -> vIOMMU and device, attached device -> HWPT,
 * the bound driver -> device), a device has at most one vDEVICE and a
 * vIOMMU no virtual ID twice. Unbinding and closing frees it all (ASan/LSan).
 */
#include "iommufd_util.h"
#include "smmuv3/ste.h"

static u64 rng_state;

static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

#define PICK(arr) ((arr)[rnd() % (sizeof(arr) / sizeof((arr)[0]))])

/* an id: mostly one of the live ones, sometimes 0 or past the table */
static u32 any_id(struct ifd *c)
{
	if (rnd() % 8 == 0)
		return (u32)(rnd() % 3 ? c->ictx->nobjects + rnd() % 4 : 0);
	return (u32)(1 + rnd() % (c->ictx->nobjects > 1 ? c->ictx->nobjects - 1 : 1));
}

/* mostly a live object of one of the types (when there is one), else any id */
static u32 id_of(struct ifd *c, int t1, int t2)
{
	u32 ids[64];
	size_t n = 0;
	for (size_t id = 1; id < c->ictx->nobjects && n < 64; id++) {
		struct iommufd_object *obj = c->ictx->objects[id];
		if (obj && ((int)obj->type == t1 || (int)obj->type == t2))
			ids[n++] = (u32)id;
	}
	if (!n || rnd() % 4 == 0)
		return any_id(c);
	return ids[rnd() % n];
}

static void check_users(struct ifd *c)
{
	struct iommufd_ctx *x = c->ictx;
	size_t n = x->nobjects;
	unsigned *want = calloc(n, sizeof(*want));
	cr_assert_not_null(want);
	for (size_t id = 1; id < n; id++) {
		struct iommufd_object *obj = x->objects[id];
		if (!obj)
			continue;
		cr_assert_eq(obj->id, id);
		switch (obj->type) {
		case IOMMUFD_OBJ_DEVICE: {
			struct iommufd_device *idev = to_idev(obj);
			want[id]++;	/* the bound driver */
			if (idev->hwpt)
				want[idev->hwpt->obj.id]++;
			break;
		}
		case IOMMUFD_OBJ_HWPT_PAGING:
			want[to_hwpt_paging(to_hwpt(obj))->ioas->obj.id]++;
			break;
		case IOMMUFD_OBJ_HWPT_NESTED: {
			struct iommufd_hwpt_nested *nh = to_hwpt_nested(to_hwpt(obj));
			if (nh->viommu)
				want[nh->viommu->obj.id]++;
			else
				want[nh->parent->common.obj.id]++;
			break;
		}
		case IOMMUFD_OBJ_VIOMMU:
			want[to_viommu(obj)->hwpt->common.obj.id]++;
			break;
		case IOMMUFD_OBJ_VDEVICE: {
			struct iommufd_vdevice *vd = to_vdevice(obj);
			want[vd->viommu->obj.id]++;
			want[vd->idev->obj.id]++;
			cr_assert_eq(vd->idev->vdev, vd);
			for (size_t o = id + 1; o < n; o++) {
				struct iommufd_object *ob = x->objects[o];
				if (ob && ob->type == IOMMUFD_OBJ_VDEVICE && to_vdevice(ob)->viommu == vd->viommu)
					cr_assert_neq(to_vdevice(ob)->virt_id, vd->virt_id);
			}
			break;
		}
		default:
			break;
		}
	}
	for (size_t id = 1; id < n; id++)
		if (x->objects[id])
			cr_assert_eq(x->objects[id]->users, want[id], "object %zu (type %d): users %u, held %u", id,
				     x->objects[id]->type, x->objects[id]->users, want[id]);
	free(want);
}

/* how many calls of each kind succeeded, so that the sequences reach past the checks */
static unsigned done_ok[9];

static bool one_of(long r, const long *ok, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (r == ok[i])
			return true;
	return false;
}
#define EXPECT_ONE_OF(r, what, ...)                                                                  \
	do {                                                                                         \
		static const long ok_[] = { 0, __VA_ARGS__ };                                         \
		long r_ = (r);                                                                        \
		cr_assert(one_of(r_, ok_, sizeof(ok_) / sizeof(ok_[0])), "%s: %ld", what, r_);        \
		done_ok[kind] += r_ == 0;                                                             \
	} while (0)

/* the caller's struct in 64 zeroed bytes: a size field up to 64 reads only zeros past the struct */
static long io_padded(struct ifd *c, unsigned long cmd, void *a, size_t len)
{
	u64 buf[8] = { 0 };
	memcpy(buf, a, len);
	long r = ifd_io(c, cmd, buf);
	memcpy(a, buf, len);
	return r;
}

static void step(struct ifd *c, u32 *devs)
{
	static const u32 sizes[] = { 0, 8, 23, 24, 32, 40, 48, 56 };
	static const u32 hwpt_flags[] = { 0, 0, 0, IOMMU_HWPT_ALLOC_NEST_PARENT, IOMMU_HWPT_ALLOC_NEST_PARENT,
					  IOMMU_HWPT_ALLOC_PASID, IOMMU_HWPT_FAULT_ID_VALID, 2, 0x10 };
	static const u64 ste0[] = { 0, 1, 0x9, 0x4000000b, 0xb, 0xd, 0xf, 0x3, 1ULL << 52, 0x4000000a };
	static const u64 ste1[] = { 0, 0, 1, 1ULL << 28, 2ULL << 28, 1ULL << 44, 1ULL << 63 };
	static const u64 ops[] = { 0x10, 0x11, 0x12, 0x13, 0x30, 0x05, 0x06, 0x03, 0x04, 0x40, 0x46, 0x2a, 0xff };
	u32 dev = devs[rnd() % 2];
	unsigned kind = (unsigned)(rnd() % 9);
	switch (kind) {
	case 0: {
		struct iommu_ioas_alloc a = { .size = sizeof(a) };
		EXPECT_ONE_OF(ifd_io(c, IOMMU_IOAS_ALLOC, &a), "ioas");
		break;
	}
	case 1:
	case 2: {
		u64 data[3] = { PICK(ste0), PICK(ste1), rnd() % 4 ? 0 : rnd() };
		u32 type = rnd() % 4 ? (rnd() % 2 ? IOMMU_HWPT_DATA_ARM_SMMUV3 : 0) : (u32)(rnd() % 4);
		u32 len = type ? (rnd() % 4 ? 16 : (u32)PICK(sizes)) : (rnd() % 8 ? 0 : 16);
		struct iommu_hwpt_alloc a = { .size = rnd() % 8 ? sizeof(a) : PICK(sizes), .flags = PICK(hwpt_flags),
					      .dev_id = rnd() % 8 ? dev : any_id(c),
					      .pt_id = rnd() % 2 ? id_of(c, IOMMUFD_OBJ_IOAS, IOMMUFD_OBJ_VIOMMU)
							 : id_of(c, IOMMUFD_OBJ_HWPT_PAGING, -1),
					      .data_type = type, .data_len = len,
					      .data_uptr = rnd() % 16 ? (u64)(uintptr_t)data : 0,
					      .fault_id = any_id(c) };
		EXPECT_ONE_OF(io_padded(c, IOMMU_HWPT_ALLOC, &a, sizeof(a)), "hwpt", -EINVAL, -ENOENT, -EOPNOTSUPP, -EIO, -EFAULT,
			      -E2BIG, -EADDRINUSE);
		break;
	}
	case 3: {
		struct iommu_viommu_alloc a = { .size = rnd() % 8 ? sizeof(a) : PICK(sizes),
						.flags = rnd() % 8 ? 0 : 1, .type = rnd() % 8 ? 1 : (u32)(rnd() % 3),
						.dev_id = rnd() % 8 ? dev : any_id(c),
						.hwpt_id = id_of(c, IOMMUFD_OBJ_HWPT_PAGING, -1) };
		EXPECT_ONE_OF(io_padded(c, IOMMU_VIOMMU_ALLOC, &a, sizeof(a)), "viommu", -EINVAL, -ENOENT, -EOPNOTSUPP, -E2BIG);
		break;
	}
	case 4: {
		struct iommu_vdevice_alloc a = { .size = rnd() % 8 ? sizeof(a) : PICK(sizes), .viommu_id = id_of(c, IOMMUFD_OBJ_VIOMMU, -1),
						 .dev_id = rnd() % 4 ? dev : any_id(c), .virt_id = rnd() % 6 };
		EXPECT_ONE_OF(io_padded(c, IOMMU_VDEVICE_ALLOC, &a, sizeof(a)), "vdevice", -EINVAL, -ENOENT, -EEXIST, -E2BIG);
		break;
	}
	case 5: {
		u64 cmds[8];
		for (int i = 0; i < 8; i += 2) {
			cmds[i] = PICK(ops) | (rnd() % 4 ? 0 : (u64)(rnd() % 6) << 32) | (rnd() % 4 ? 0 : (u64)(rnd() % 3) << 48);
			cmds[i + 1] = rnd() % 3 ? 0 : (rnd() & ~0xfffULL) | (rnd() % 2);
		}
		struct iommu_hwpt_invalidate a = { .size = rnd() % 8 ? sizeof(a) : PICK(sizes), .hwpt_id = id_of(c, IOMMUFD_OBJ_VIOMMU, IOMMUFD_OBJ_HWPT_NESTED),
						   .data_uptr = rnd() % 16 ? (u64)(uintptr_t)cmds : 0,
						   .data_type = rnd() % 8 ? 1 : 0,
						   .entry_len = rnd() % 8 ? 16 : (u32)(rnd() % 33),
						   .entry_num = (u32)(rnd() % 5) };
		if (a.entry_len * a.entry_num > sizeof(cmds))
			a.entry_num = (u32)(sizeof(cmds) / (a.entry_len ? a.entry_len : 1));
		EXPECT_ONE_OF(io_padded(c, IOMMU_HWPT_INVALIDATE, &a, sizeof(a)), "invalidate", -EINVAL, -ENOENT, -EOPNOTSUPP,
			      -EIO, -EFAULT, -E2BIG);
		break;
	}
	case 6: {
		u32 data[16];
		struct iommu_hw_info a = { .size = rnd() % 8 ? sizeof(a) : PICK(sizes), .flags = (u32)(rnd() % 3),
					   .dev_id = rnd() % 4 ? dev : any_id(c), .data_len = (u32)(rnd() % 64),
					   .data_uptr = rnd() % 8 ? (u64)(uintptr_t)data : 0,
					   .in_data_type = (u32)(rnd() % 4) };
		EXPECT_ONE_OF(io_padded(c, IOMMU_GET_HW_INFO, &a, sizeof(a)), "hw_info", -EINVAL, -ENOENT, -EOPNOTSUPP, -EFAULT,
			      -E2BIG);
		break;
	}
	case 7:
		EXPECT_ONE_OF(ifd_destroy(c, any_id(c)), "destroy", -ENOENT, -EBUSY);
		break;
	case 8: {
		struct iommufd_device *idev = to_idev(c->ictx->objects[dev]);
		if (rnd() % 3 == 0) {
			iommufd_device_detach(idev);
		} else {
			u32 pt = rnd() % 2 ? id_of(c, IOMMUFD_OBJ_IOAS, IOMMUFD_OBJ_HWPT_PAGING)
					   : id_of(c, IOMMUFD_OBJ_HWPT_NESTED, -1);
			EXPECT_ONE_OF(iommufd_device_attach(idev, &pt), "attach", -EINVAL, -ENOENT, -EBUSY, -EADDRINUSE,
				      -EOPNOTSUPP, -ENODEV);
		}
		break;
	}
	}
	check_users(c);
}

Test(iommufd_viommu_fuzz, random_sequences)
{
	for (u64 seed = 1; seed <= 6; seed++) {
		rng_state = seed * 0x9E3779B97F4A7C15ULL;
		struct ifd c = ifd_open((struct ifd_opts){ .canwbs = seed % 2 == 1, .s2fwb = seed % 3 == 0 });
		u32 devs[2] = { c.dev_id, ifd_bind(&c, IFD_DEV2, NULL) };
		for (int i = 0; i < 400; i++)
			step(&c, devs);
		/* unbinding takes the vDEVICEs and the attachments with it */
		for (int d = 0; d < 2; d++)
			iommufd_device_unbind(to_idev(c.ictx->objects[devs[d]]));
		check_users(&c);
		iommusim_close(c.sim, c.fd);
		iommusim_free(c.sim);
	}
	/* every kind of call got through at least once: HWPTs, vIOMMUs, vDEVICEs, batches, attaches */
	for (unsigned k = 0; k < 9; k++)
		cr_expect_gt(done_ok[k], 0, "kind %u never succeeded", k);
}
