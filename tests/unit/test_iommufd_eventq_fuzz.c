/*
 * Random sequences over iommufd's event queues on Linux 7.3 (beside
 * test_iommufd_fuzz*.c, which cover the other objects): FAULT_QUEUE_ALLOC,
 * VEVENTQ_ALLOC with random types, depths, flags and sizes, HWPT_ALLOC
 * naming random fault ids, DESTROY of random ids, events reported to random
 * queue types, reads of random lengths, writes, closes of the queues' fds,
 * and the /dev/iommu fd closed before them. After every step: only 7.3's
 * errnos; a fault object's users are its open fd plus the HWPTs naming it;
 * a vEVENTQ's users its open fd, a vIOMMU's users its vEVENTQs (and nested
 * HWPTs); no two vEVENTQs of one type on a vIOMMU; a queue never holds more
 * vEVENTs than its depth. ASan/LSan check that nothing leaks at the end.
 */
#include "iommufd_util.h"
#include "uapi/iommufd_eventq.h"

static u64 rnd_state;
static u32 rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (u32)(rnd_state >> 33);
}

#define MAX_FDS 64

struct fuzz {
	struct ifd c;
	int fds[MAX_FDS];	/* the queues' fds still open */
	u32 fd_ids[MAX_FDS];
	int nfds;
	u32 viommu, ioas;
};

/* how often each kind of call succeeded, over all seeds: every kind must */
static unsigned reached[6];
enum { R_FAULT, R_VEVENTQ, R_HWPT_FAULT, R_DESTROY, R_QUEUED, R_READ_DATA };

static void check_invariants(struct fuzz *z)
{
	struct iommufd_ctx *ictx = z->c.ictx;
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *o = ictx->objects[id];
		if (!o || (o->type != IOMMUFD_OBJ_FAULT && o->type != IOMMUFD_OBJ_VEVENTQ))
			continue;
		unsigned want = to_eventq(o)->file ? 1 : 0;
		for (size_t j = 1; j < ictx->nobjects; j++) {
			struct iommufd_object *h = ictx->objects[j];
			if (h && (h->type == IOMMUFD_OBJ_HWPT_PAGING || h->type == IOMMUFD_OBJ_HWPT_NESTED) &&
			    to_hwpt(h)->fault && &to_hwpt(h)->fault->common.obj == o)
				want++;
		}
		cr_assert_eq(o->users, want, "object %zu (type %d): users %u, references %u", id, (int)o->type,
			     o->users, want);
		if (o->type == IOMMUFD_OBJ_VEVENTQ) {
			struct iommufd_veventq *q = to_veventq(o);
			cr_assert_leq(q->num_events, q->depth);
			size_t n = 0;
			for (struct iommufd_vevent *e = q->common.deliver.next; e != &q->common.deliver; e = e->next)
				n += e != &q->lost_events_header;
			cr_assert_eq(n, q->num_events);
			for (size_t j = id + 1; j < ictx->nobjects; j++) {
				struct iommufd_object *p = ictx->objects[j];
				cr_assert(!(p && p->type == IOMMUFD_OBJ_VEVENTQ && to_veventq(p)->viommu == q->viommu &&
					    to_veventq(p)->type == q->type),
					  "two vEVENTQs of type %u", q->type);
			}
		}
	}
	/* the vIOMMU: its vEVENTQs are its only users here */
	struct iommufd_object *v = iommufd_get_object(ictx, z->viommu, IOMMUFD_OBJ_VIOMMU);
	cr_assert_not_null(v);
	unsigned queues = 0;
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *o = ictx->objects[id];
		queues += o && o->type == IOMMUFD_OBJ_VEVENTQ && to_veventq(o)->viommu == to_viommu(v);
	}
	cr_assert_eq(v->users, queues);
}

static void expect_errno(long ret, const char *what)
{
	static const long ok[] = { 0, -EOPNOTSUPP, -EINVAL, -ENOENT, -EEXIST, -EBUSY, -E2BIG, -EBADF, -ESPIPE };
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ret == ok[i] || (ret > 0 && ok[i] == 0))
			return;
	cr_assert_fail("%s: %ld", what, ret);
}

static void add_fd(struct fuzz *z, int fd, u32 id)
{
	cr_assert_lt(z->nfds, MAX_FDS);
	z->fds[z->nfds] = fd;
	z->fd_ids[z->nfds++] = id;
}

static void step(struct fuzz *z)
{
	struct ifd *c = &z->c;
	u32 id = rnd() % 12;
	switch (rnd() % 9) {
	case 0: {
		struct {
			struct iommu_fault_alloc a;
			u32 tail;
		} f = { { .size = sizeof(f.a), .flags = rnd() % 4 ? 0 : rnd() }, rnd() % 4 ? 0 : rnd() };
		if (!(rnd() % 4))
			f.a.size = rnd() % sizeof(f);
		long ret = ifd_io(c, IOMMU_FAULT_QUEUE_ALLOC, &f);
		expect_errno(ret, "FAULT_QUEUE_ALLOC");
		if (!ret) {
			add_fd(z, (int)f.a.out_fault_fd, f.a.out_fault_id);
			reached[R_FAULT]++;
		}
		break;
	}
	case 1: {
		static const u32 depths[] = { 0, 1, 2, 3, 1U << 19, (1U << 19) + 1 };
		struct iommu_veventq_alloc a = { .size = sizeof(a), .viommu_id = rnd() % 3 ? z->viommu : id,
						 .type = rnd() % 4, .veventq_depth = depths[rnd() % 6],
						 .flags = rnd() % 8 ? 0 : 1, .__reserved = rnd() % 8 ? 0 : 1 };
		long ret = ifd_io(c, IOMMU_VEVENTQ_ALLOC, &a);
		expect_errno(ret, "VEVENTQ_ALLOC");
		if (!ret) {
			add_fd(z, (int)a.out_veventq_fd, a.out_veventq_id);
			reached[R_VEVENTQ]++;
		}
		break;
	}
	case 2: {
		struct iommu_hwpt_alloc a = { .size = sizeof(a), .flags = IOMMU_HWPT_FAULT_ID_VALID, .dev_id = c->dev_id,
					      .pt_id = z->ioas, .fault_id = id };
		long ret = ifd_io(c, IOMMU_HWPT_ALLOC, &a);
		expect_errno(ret, "HWPT_ALLOC fault");
		reached[R_HWPT_FAULT] += !ret;
		break;
	}
	case 3:
		/* never the vIOMMU's own chain: the nest parent, IOAS and device stay */
		if (id != z->viommu && id != z->ioas && id != c->dev_id && id != z->viommu - 1)
		{
			long ret = ifd_destroy(c, id);
			expect_errno(ret, "DESTROY");
			reached[R_DESTROY] += !ret;
		}
		break;
	case 4: {
		u64 evt[4] = { rnd(), rnd(), rnd(), rnd() };
		struct iommufd_viommu *v = to_viommu(iommufd_get_object(c->ictx, z->viommu, IOMMUFD_OBJ_VIOMMU));
		int ret = iommufd_viommu_report_event(v, rnd() % 4, evt, 8 * (1 + rnd() % 4));
		cr_assert(ret == 0 || ret == -EOPNOTSUPP, "report: %d", ret);
		reached[R_QUEUED] += !ret;
		break;
	}
	case 5:
	case 6: {
		if (!z->nfds)
			break;
		int i = (int)(rnd() % (u32)z->nfds);
		unsigned char buf[512];
		size_t len = rnd() % sizeof(buf);
		long ret = rnd() % 4 ? uapi_read(c->sim->k, z->fds[i], buf, len)
				     : uapi_write(c->sim->k, z->fds[i], buf, len & ~7UL);
		expect_errno(ret, "read/write");
		reached[R_READ_DATA] += ret > 8;
		break;
	}
	case 7: {
		if (!z->nfds)
			break;
		int i = (int)(rnd() % (u32)z->nfds);
		cr_assert_eq(iommusim_close(c->sim, z->fds[i]), 0);
		z->fds[i] = z->fds[--z->nfds];
		z->fd_ids[i] = z->fd_ids[z->nfds];
		break;
	}
	default: {
		/* the ioctls with nothing to do here, with random ids */
		struct iommu_hwpt_set_dirty_tracking s = { .size = sizeof(s), .hwpt_id = id, .flags = rnd() % 3 };
		expect_errno(ifd_io(c, IOMMU_HWPT_SET_DIRTY_TRACKING, &s), "SET_DIRTY_TRACKING");
		struct iommu_vfio_ioas v = { .size = sizeof(v), .ioas_id = id, .op = (u16)(rnd() % 4) };
		long ret = ifd_io(c, IOMMU_VFIO_IOAS, &v);
		cr_assert(ret == 0 || ret == -ENODEV || ret == -ENOENT || ret == -EOPNOTSUPP, "VFIO_IOAS: %ld", ret);
		break;
	}
	}
}

static void run_seed(u64 seed)
{
	rnd_state = seed;
	struct fuzz z = { .c = ifd_open((struct ifd_opts){ .s2fwb = true }) };
	z.ioas = ifd_ioas(&z.c);
	u32 parent = ifd_nest_parent(&z.c, z.ioas);
	cr_assert_eq(ifd_viommu_alloc(&z.c, z.c.dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &z.viommu), 0);
	cr_assert_eq(z.viommu, parent + 1);
	for (int n = 0; n < 400; n++) {
		step(&z);
		check_invariants(&z);
	}
	/* half the time /dev/iommu goes first: the queues' fds keep the context until the process ends */
	if (rnd() % 2) {
		for (size_t id = 1; id < z.c.ictx->nobjects; id++) {
			struct iommufd_object *obj = z.c.ictx->objects[id];
			if (obj && obj->type == IOMMUFD_OBJ_DEVICE)
				iommufd_device_unbind(to_idev(obj));
		}
		cr_assert_eq(iommusim_close(z.c.sim, z.c.fd), 0);
		iommusim_free(z.c.sim);
		return;
	}
	ifd_close(&z.c);
}

Test(iommufd_eventq_fuzz, random_sequences)
{
	for (u64 seed = 1; seed <= 6; seed++)
		run_seed(seed * 0x9e3779b97f4a7c15ULL);
	for (int i = 0; i < 6; i++)
		cr_expect_gt(reached[i], 0, "kind %d never succeeded", i);
}
