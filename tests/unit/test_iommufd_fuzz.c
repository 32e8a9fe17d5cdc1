/*
 * Random iommufd ioctl sequences on /dev/iommu (7.3, IOMMUFD=y) with random
 * structs: every call returns 0 or one of the errnos 7.3 can give for it, a
 * refused MAP, COPY, ALLOW_IOVAS or IOAS_ALLOC leaves every IOAS as it was,
 * and after each call the model's invariants hold: areas sorted and apart,
 * every iopt_pages referenced exactly by the areas that use it, the object
 * table's count. Closing the file frees it all (ASan/LSan say).
 */
#include "boot_util.h"
#include "iommusim/vfio.h"
#include "uapi/iommufd.h"
#include "uapi/uapi.h"

static u64 rng_state;

static u64 rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static u64 pick(const u64 *v, size_t n)
{
	return v[rnd() % n];
}

#define PICK(arr) pick(arr, sizeof(arr) / sizeof(arr[0]))

static const u64 iovas[] = { 0, 0x1000, 0x1800, 0x2000, 0x4000, 0x10000, 0x200000, UINT64_MAX - 0xfff,
			     UINT64_MAX, 0x10010 };
static const u64 lens[] = { 0, 1, 0x100, 0x1000, 0x2000, 0x3000, 0x10000, 0x400000, UINT64_MAX / 2,
			    UINT64_MAX };
static const u64 uvas[] = { 0x10000000000ULL, 0x10000001000ULL, 0x10000000010ULL, 0x1000, 0,
			    UINT64_MAX - 0xfff };

struct world {
	struct iommusim *sim;
	int fd;
	struct iommufd_ctx *ictx;
};

/* every area's pages reference counted once per area, areas sorted and apart */
static void check_invariants(struct world *w)
{
	struct iommufd_ctx *ictx = w->ictx;
	size_t nobj = 0;
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *obj = ictx->objects[id];
		if (!obj)
			continue;
		nobj++;
		cr_assert_eq(obj->id, id);
		cr_assert_eq(obj->type, IOMMUFD_OBJ_IOAS);
		cr_assert_eq(obj->users, 0);
		struct io_pagetable *iopt = &to_ioas(obj)->iopt;
		for (size_t i = 0; i < iopt->nareas; i++) {
			struct iopt_area *a = &iopt->areas[i];
			cr_assert_leq(a->iova, a->last);
			if (i + 1 < iopt->nareas)
				cr_assert_lt(a->last, iopt->areas[i + 1].iova);
			/* the pages' references: all areas of all IOASes that share them */
			unsigned users = 0;
			for (size_t id2 = 1; id2 < ictx->nobjects; id2++) {
				struct iommufd_object *o2 = ictx->objects[id2];
				if (!o2)
					continue;
				struct io_pagetable *t = &to_ioas(o2)->iopt;
				for (size_t j = 0; j < t->nareas; j++)
					users += t->areas[j].pages == a->pages;
			}
			cr_assert_eq(a->pages->refs, users);
			cr_assert_leq(a->start_byte + (a->last - a->iova), a->pages->npages * 4096 - 1);
		}
	}
	cr_assert_eq(nobj, iommufd_object_count(ictx));
}

/* a copy of every IOAS's areas and allowed ranges, to compare after a refused call */
struct image {
	size_t n;
	u64 words[4096];
};

static void image(struct world *w, struct image *im)
{
	im->n = 0;
	for (size_t id = 1; id < w->ictx->nobjects; id++) {
		struct iommufd_object *obj = w->ictx->objects[id];
		if (!obj)
			continue;
		struct io_pagetable *t = &to_ioas(obj)->iopt;
		im->words[im->n++] = id;
		im->words[im->n++] = t->iova_alignment;
		for (size_t j = 0; j < t->nareas && im->n + 4 < 4096; j++) {
			im->words[im->n++] = t->areas[j].iova;
			im->words[im->n++] = t->areas[j].last;
			im->words[im->n++] = t->areas[j].start_byte;
			im->words[im->n++] = (u64)(uintptr_t)t->areas[j].pages;
		}
		for (size_t j = 0; j < t->nallowed && im->n + 2 < 4096; j++) {
			im->words[im->n++] = t->allowed[j].start;
			im->words[im->n++] = t->allowed[j].last;
		}
	}
}

static bool one_of(long ret, const long *ok, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ret == ok[i])
			return true;
	return false;
}

/* the struct's size as the caller gives it: short, exact, longer with a zero or a non-zero tail */
static u32 fuzz_size(u32 exact, u8 *buf, size_t cap)
{
	switch (rnd() % 8) {
	case 0:
		return (u32)(rnd() % exact);
	case 1:
		if (exact + 8 <= cap) {
			memset(buf + exact, 0, 8);
			return exact + 8;
		}
		return exact;
	case 2:
		if (exact + 8 <= cap) {
			memset(buf + exact, 0, 8);
			buf[exact + rnd() % 8] = 1;
			return exact + 8;
		}
		return exact;
	default:
		return exact;
	}
}

static void step(struct world *w)
{
	u8 buf[128];
	memset(buf, 0, sizeof(buf));
	struct iommu_iova_range ranges[4];
	memset(ranges, 0, sizeof(ranges));
	u32 id = (u32)(rnd() % 6), id2 = (u32)(rnd() % 6);
	/* mostly valid map flags: readable and/or writeable, fixed or not */
	u32 flags = rnd() % 8 ? (u32)(1 + rnd() % 7) : (u32)(rnd() % 16);
	unsigned long cmd;
	u32 exact;
	/* the errnos 7.3 can give for each (E2BIG, EINVAL for sizes, ENOENT for ids always possible) */
	long ok[16] = { 0, -E2BIG, -EINVAL, -ENOENT };
	size_t nok = 4;
	bool keeps = false;	/* a refusal must leave every IOAS as it was */
	switch (rnd() % 8) {
	case 0: {
		struct iommu_destroy *d = (void *)buf;
		d->id = id;
		cmd = IOMMU_DESTROY;
		exact = sizeof(*d);
		break;
	}
	case 1: {
		struct iommu_ioas_alloc *a = (void *)buf;
		a->flags = rnd() % 4 == 0;
		cmd = IOMMU_IOAS_ALLOC;
		exact = sizeof(*a);
		ok[nok++] = -EOPNOTSUPP;
		keeps = true;
		break;
	}
	case 2: {
		struct iommu_ioas_iova_ranges *r = (void *)buf;
		r->ioas_id = id;
		r->num_iovas = (u32)(rnd() % 3);
		r->__reserved = rnd() % 8 == 0;
		r->allowed_iovas = rnd() % 8 ? (u64)(uintptr_t)ranges : 0;
		cmd = IOMMU_IOAS_IOVA_RANGES;
		exact = sizeof(*r);
		ok[nok++] = -EOPNOTSUPP;
		ok[nok++] = -EMSGSIZE;
		ok[nok++] = -EFAULT;
		keeps = true;
		break;
	}
	case 3: {
		struct iommu_ioas_allow_iovas *a = (void *)buf;
		a->ioas_id = id;
		a->num_iovas = (u32)(rnd() % 3);
		for (int i = 0; i < 2; i++) {
			ranges[i].start = PICK(iovas);
			ranges[i].last = ranges[i].start + PICK(lens);
		}
		a->__reserved = rnd() % 8 == 0;
		a->allowed_iovas = rnd() % 8 ? (u64)(uintptr_t)ranges : 0;
		cmd = IOMMU_IOAS_ALLOW_IOVAS;
		exact = sizeof(*a);
		ok[nok++] = -EOPNOTSUPP;
		ok[nok++] = -EFAULT;
		ok[nok++] = -EADDRINUSE;
		keeps = true;
		break;
	}
	case 4: {
		struct iommu_ioas_map *m = (void *)buf;
		m->flags = flags;
		m->ioas_id = id;
		m->__reserved = rnd() % 8 == 0;
		m->user_va = PICK(uvas);
		m->length = PICK(lens);
		m->iova = PICK(iovas);
		cmd = IOMMU_IOAS_MAP;
		exact = sizeof(*m);
		long more[] = { -EOPNOTSUPP, -EOVERFLOW, -EEXIST, -ENOSPC, -EPERM };
		memcpy(ok + nok, more, sizeof(more));
		nok += 5;
		keeps = true;
		break;
	}
	case 5: {
		struct iommu_ioas_copy *k = (void *)buf;
		k->flags = flags;
		k->dst_ioas_id = id;
		k->src_ioas_id = id2;
		k->length = PICK(lens);
		k->dst_iova = PICK(iovas);
		k->src_iova = PICK(iovas);
		/* mostly a range some IOAS has mapped */
		struct iommufd_ioas *src = iommufd_get_ioas(w->ictx, id2);
		if (src && src->iopt.nareas && rnd() % 4) {
			struct iopt_area *a = &src->iopt.areas[rnd() % src->iopt.nareas];
			k->src_iova = a->iova;
			k->length = a->last - a->iova + 1;
		}
		cmd = IOMMU_IOAS_COPY;
		exact = sizeof(*k);
		long more[] = { -EOPNOTSUPP, -EOVERFLOW, -EEXIST, -ENOSPC, -EPERM };
		memcpy(ok + nok, more, sizeof(more));
		nok += 5;
		keeps = true;
		break;
	}
	case 6: {
		struct iommu_ioas_unmap *u = (void *)buf;
		u->ioas_id = id;
		u->iova = PICK(iovas);
		u->length = rnd() % 4 ? PICK(lens) : UINT64_MAX;
		cmd = IOMMU_IOAS_UNMAP;
		exact = sizeof(*u);
		ok[nok++] = -EOVERFLOW;
		break;
	}
	default: {
		struct iommu_option *o = (void *)buf;
		o->option_id = (u32)(rnd() % 3);
		o->op = (u16)(rnd() % 3);
		o->__reserved = rnd() % 8 == 0;
		o->object_id = rnd() % 2 ? id : 0;
		o->val64 = rnd() % 3;
		cmd = IOMMU_OPTION;
		exact = sizeof(*o);
		ok[nok++] = -EOPNOTSUPP;
		ok[nok++] = -EBUSY;
		ok[nok++] = -EADDRINUSE;
		break;
	}
	}
	u32 size = fuzz_size(exact, buf, sizeof(buf));
	memcpy(buf, &size, sizeof(size));
	struct image *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	cr_assert_not_null(before);
	cr_assert_not_null(after);
	image(w, before);
	long ret = iommusim_ioctl(w->sim, w->fd, cmd, buf);
	cr_assert(one_of(ret, ok, nok), "cmd %#lx size %u: %ld", cmd, size, ret);
	check_invariants(w);
	if (ret && keeps) {
		image(w, after);
		cr_assert_eq(before->n, after->n, "cmd %#lx: %ld changed the model", cmd, ret);
		cr_assert_arr_eq(before->words, after->words, before->n * sizeof(u64));
	}
	free(before);
	free(after);
}

Test(iommufd_fuzz, random_ioctl_sequences)
{
	const char *settings[] = { "IOMMUFD=y", NULL };
	for (u64 seed = 1; seed <= 8; seed++) {
		struct iommusim_options opts = { .linux_version = "7.3", .qemu_version = "10.0", .kconfig = settings };
		char err[512] = "";
		struct world w = { .sim = boot_str_opts("-M virt,iommu=smmuv3 -nic none", &opts, err, sizeof(err)) };
		cr_assert_not_null(w.sim, "%s", err);
		w.fd = iommusim_open(w.sim, "/dev/iommu", 2);
		cr_assert_geq(w.fd, 3);
		w.ictx = uapi_fget(w.sim->k, w.fd)->iommufd;
		rng_state = seed * 0x9E3779B97F4A7C15ULL;
		for (int i = 0; i < 2000; i++)
			step(&w);
		cr_assert_eq(iommusim_close(w.sim, w.fd), 0);
		iommusim_free(w.sim);
	}
}
