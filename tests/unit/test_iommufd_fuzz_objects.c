/*
 * Random sequences over every iommufd object, all through the public file
 * calls a VMM makes (iommusim_open/ioctl/close): the IOAS ioctls, IOMMU_OPTION,
 * DESTROY of random ids, HWPT_ALLOC (paging, nest parent, nested from random
 * vSTEs on a parent or a vIOMMU), VIOMMU_ALLOC, VDEVICE_ALLOC,
 * HWPT_INVALIDATE with random command batches, GET_HW_INFO,
 * FAULT_QUEUE_ALLOC and HWPT_ALLOC with a fault id, VEVENTQ_ALLOC, read(2),
 * write(2) and close of the queues' fds, a device's DMA (a nested device's
 * stage-1 or CD fault goes to its vIOMMU's vEVENTQ), a VMM's nested setup
 * (IOAS, nest parent, vIOMMU, vDEVICE, nested HWPT, attach, vEVENTQ: each
 * call checked as the others, so that DMAs reach a vEVENTQ), and the vfio
 * cdev's open, BIND_IOMMUFD, ATTACH/DETACH_IOMMUFD_PT and close, for two
 * vfio-pci functions and two opens of /dev/iommu on Linux 7.3 with the
 * vIOMMU path open (--x-pci-rc-canwbs). Structs come with random sizes (short, exact, longer
 * with a zero or a non-zero tail) and random flags.
 *
 * After each call, recounted here from the table and the device files,
 * not from the users fields: every object's users equal the references
 * the other objects, the devices and the queues' open fds hold (a HWPT
 * holds its fault object, a vEVENTQ its vIOMMU, a queue's fd its object);
 * no object points at one that is
 * not in the table (or of another type); a vEVENTQ never holds more vEVENTs
 * than its depth; a queue fd appears only from a successful ALLOC; a bound cdev's device object is
 * in its context's table; a refused call leaves the debugfs view
 * (/sys/kernel/debug/iommusim/iommufd, every object and every IOAS area)
 * byte for byte as it was. At the end the files close in a random order,
 * the view then shows nothing open, and LSan finds no object left.
 */
#include "boot_util.h"
#include "hw/smmuv3/smmu_hw.h"
#include "hw/system.h"
#include "iommusim/vfio.h"
#include "smmuv3/arm_smmu_v3.h"
#include "smmuv3/ste.h"
#include "uapi/iommufd.h"
#include "uapi/iommufd_eventq.h"
#include "uapi/uapi.h"
#include "uapi/vfio.h"
#include "uapi/vfio_cdev_abi.h"

#define VIEW "/sys/kernel/debug/iommusim/iommufd"
#define NDEV 2
#define MAX_QUEUES 64
static const char *const dev_names[NDEV] = { "0000:01:00.0", "0000:02:00.0" };

static u64 rng_state;

static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

#define PICK(arr) ((arr)[rnd() % (sizeof(arr) / sizeof((arr)[0]))])

struct world {
	struct iommusim *sim;
	/* two opens of /dev/iommu: a device may be bound to either */
	int ifds[2];
	struct iommufd_ctx *ictxs[2];
	int ifd;				/* the step's context */
	struct iommufd_ctx *ictx;
	char cdev_path[NDEV][64];		/* /dev/vfio/devices/vfioN */
	int dev_fd[NDEV];			/* -1: closed */
	void *mem;				/* user memory the maps come from */
	int queue_fd[MAX_QUEUES];		/* the event queues' open fds */
	int nqueues;
};

enum op {
	OP_IOAS_ALLOC, OP_IOAS_MAP, OP_IOAS_UNMAP, OP_IOAS_COPY, OP_IOVA_RANGES, OP_ALLOW_IOVAS, OP_OPTION,
	OP_DESTROY, OP_HWPT_PAGING, OP_HWPT_NESTED, OP_VIOMMU, OP_VDEVICE, OP_INVALIDATE, OP_HW_INFO,
	OP_FAULT_ALLOC, OP_HWPT_FAULT, OP_VEVENTQ, OP_QUEUE_READ, OP_QUEUE_WRITE, OP_QUEUE_CLOSE, OP_DMA, OP_VMM_NESTED,
	OP_CDEV_OPEN, OP_CDEV_BIND, OP_CDEV_ATTACH, OP_CDEV_DETACH, OP_CDEV_CLOSE, OP_COUNT
};
static const char *const op_names[OP_COUNT] = {
	"IOAS_ALLOC", "IOAS_MAP", "IOAS_UNMAP", "IOAS_COPY", "IOVA_RANGES", "ALLOW_IOVAS", "OPTION", "DESTROY",
	"HWPT_ALLOC paging", "HWPT_ALLOC nested", "VIOMMU_ALLOC", "VDEVICE_ALLOC", "HWPT_INVALIDATE",
	"GET_HW_INFO", "FAULT_QUEUE_ALLOC", "HWPT_ALLOC fault", "VEVENTQ_ALLOC", "queue read", "queue write",
	"queue close", "DMA", "VMM nested setup", "cdev open", "BIND_IOMMUFD", "ATTACH_IOMMUFD_PT", "DETACH_IOMMUFD_PT", "cdev close",
};
static unsigned succeeded[OP_COUNT];
static unsigned forwarded;		/* DMAs whose fault reached a vEVENTQ */
static unsigned records_read;		/* reads of a queue that gave bytes */

/* an id: mostly a live object of one of the types, sometimes any slot, 0 or past the table */
static u32 id_of(struct world *w, int t1, int t2)
{
	u32 ids[128];
	size_t n = 0;
	for (size_t id = 1; id < w->ictx->nobjects && n < 128; id++) {
		struct iommufd_object *o = w->ictx->objects[id];
		if (o && ((int)o->type == t1 || (int)o->type == t2))
			ids[n++] = (u32)id;
	}
	if (n && rnd() % 5)
		return ids[rnd() % n];
	switch (rnd() % 3) {
	case 0: return 0;
	case 1: return (u32)(w->ictx->nobjects + rnd() % 3);
	default: return (u32)(1 + rnd() % (w->ictx->nobjects + 1));
	}
}

/* a bound device's id, or a random one */
static u32 dev_id(struct world *w)
{
	return id_of(w, IOMMUFD_OBJ_DEVICE, -1);
}

/* the struct's first word as the caller claims: short, exact, longer with a zero or a non-zero tail */
static u32 fuzz_size(u32 exact, u8 *buf, size_t cap)
{
	switch (rnd() % 10) {
	case 0:
		/*
		 * short by whole 8-byte words: a user pointer field is there or
		 * zero, never half of one (the model's user pointers are host
		 * pointers: a truncated one is no address it could refuse)
		 */
		return (u32)(rnd() % (exact / 8)) * 8;
	case 1:
	case 2:
		if (exact + 16 <= cap) {
			memset(buf + exact, 0, 16);
			if (rnd() % 2)
				buf[exact + rnd() % 16] = (u8)(1 + rnd() % 255);
			return exact + 16;
		}
		return exact;
	default:
		return exact;
	}
}

/* mostly no flags, sometimes a known one, sometimes a random bit */
static u32 fuzz_flags(u32 known)
{
	switch (rnd() % 8) {
	case 0: return 1u << (rnd() % 32);
	case 1:
	case 2: return known;
	default: return 0;
	}
}

static const u64 iovas[] = { 0, 0x1000, 0x1800, 0x100000, 0x200000, 0x8000000, 0x40000000, 0xfffffffff000ULL,
			     0x100000000000ULL, UINT64_MAX - 0xfff };
static const u64 lens[] = { 0, 0x800, 0x1000, 0x2000, 0x10000, 0x200000, UINT64_MAX };

/* a vSTE: mostly the shapes 7.3 takes (abort, bypass, S1 translate), sometimes any bits */
static void random_vste(u64 ste[2], u64 cd_ipa)
{
	static const unsigned cfgs[] = { STRTAB_STE_0_CFG_ABORT, STRTAB_STE_0_CFG_BYPASS, STRTAB_STE_0_CFG_S1_TRANS,
					 STRTAB_STE_0_CFG_S1_TRANS, STRTAB_STE_0_CFG_S2_TRANS, STRTAB_STE_0_CFG_NESTED, 1 };
	ste[0] = (rnd() % 8 ? STRTAB_STE_0_V : 0) | FIELD_PREP(STRTAB_STE_0_CFG, PICK(cfgs)) |
		 (cd_ipa & STRTAB_STE_0_S1CTXPTR_MASK) | FIELD_PREP(STRTAB_STE_0_S1CDMAX, rnd() % 4 ? 0 : rnd() % 32);
	ste[1] = rnd() % 3 ? FIELD_PREP(STRTAB_STE_1_S1DSS, rnd() % 3) : 0;
	if (rnd() % 6 == 0)
		ste[rnd() % 2] ^= 1ULL << (rnd() % 64);
}

/* a guest command: mostly the ones 7.3 forwards, sometimes another opcode or stray bits */
static void random_cmd(u64 cmd[2])
{
	static const u8 good[] = { 0x10, 0x11, 0x12, 0x13 };	/* TLBI_NH_ALL, _ASID, _VA, _VAA */
	static const u8 other[] = { 0x05, 0x06, 0x03, 0x04, 0x40, 0x46, 0x2a, 0x30, 0xff };
	cmd[0] = rnd() % 4 ? PICK(good) : PICK(other);
	if (cmd[0] == 0x11 || cmd[0] == 0x12)
		cmd[0] |= (rnd() % 16) << 48;		/* ASID */
	cmd[1] = cmd[0] == 0x12 || cmd[0] == 0x13 ? (rnd() % 0x100) << 12 : 0;
	if (rnd() % 4 == 0)
		cmd[0] |= (u64)(rnd() % 16) << 32;	/* a VMID or a StreamID field */
	if (rnd() % 8 == 0)
		cmd[rnd() % 2] ^= 1ULL << (rnd() % 64);
}

static char *view(struct world *w)
{
	char *text = NULL;
	cr_assert_geq(iommusim_sysfs_read(w->sim, VIEW, &text), 0);
	return text;
}

/* the object at id is live in x's table and of type t (or one of the HWPT types for t = -1) */
static void assert_live(struct iommufd_ctx *x, const struct iommufd_object *o, int t, const char *what)
{
	cr_assert_not_null(o, "%s: NULL", what);
	cr_assert_lt(o->id, x->nobjects, "%s: id %u past the table", what, o->id);
	cr_assert_eq(x->objects[o->id], o, "%s: object %u is not in the table", what, o->id);
	if (t >= 0)
		cr_assert_eq((int)o->type, t, "%s: object %u of type %d", what, o->id, (int)o->type);
	else
		cr_assert(o->type == IOMMUFD_OBJ_HWPT_PAGING || o->type == IOMMUFD_OBJ_HWPT_NESTED);
}

/*
 * The users each object should have, from the references the others hold:
 * a paging HWPT holds its IOAS; a nested HWPT its vIOMMU, or its parent
 * when made on the parent directly; a vIOMMU its nest parent; a vDEVICE
 * its vIOMMU and its device; an attached device its HWPT; the bind (the
 * cdev's driver) its device; a HWPT allocated with a fault id its fault
 * object; a vEVENTQ its vIOMMU; a queue's open fd its fault object or
 * vEVENTQ. Every pointer goes to a live object.
 */
static void check_ctx(struct world *w, struct iommufd_ctx *x)
{
	size_t n = x->nobjects;
	unsigned *want = calloc(n + 1, sizeof(*want));
	cr_assert_not_null(want);
	size_t count = 0;
	for (size_t id = 1; id < n; id++) {
		struct iommufd_object *o = x->objects[id];
		if (!o)
			continue;
		count += o->type != IOMMUFD_OBJ_NONE;	/* a tombstone holds an id, it is no object */
		cr_assert_eq(o->id, id);
		if ((o->type == IOMMUFD_OBJ_HWPT_PAGING || o->type == IOMMUFD_OBJ_HWPT_NESTED) && to_hwpt(o)->fault) {
			assert_live(x, &to_hwpt(o)->fault->common.obj, IOMMUFD_OBJ_FAULT, "hwpt's fault");
			want[to_hwpt(o)->fault->common.obj.id]++;
		}
		switch (o->type) {
		case IOMMUFD_OBJ_DEVICE: {
			struct iommufd_device *idev = to_idev(o);
			want[id]++;		/* the bind */
			if (idev->hwpt) {
				assert_live(x, &idev->hwpt->obj, -1, "device's hwpt");
				want[idev->hwpt->obj.id]++;
			}
			if (idev->vdev) {
				assert_live(x, &idev->vdev->obj, IOMMUFD_OBJ_VDEVICE, "device's vdevice");
				cr_assert_eq(idev->vdev->idev, idev);
			}
			break;
		}
		case IOMMUFD_OBJ_HWPT_PAGING: {
			struct iommufd_hwpt_paging *p = to_hwpt_paging(to_hwpt(o));
			assert_live(x, &p->ioas->obj, IOMMUFD_OBJ_IOAS, "hwpt's ioas");
			want[p->ioas->obj.id]++;
			/* its domain is one of its IOAS's */
			bool found = false;
			for (size_t i = 0; i < p->ioas->iopt.ndomains; i++)
				found |= p->ioas->iopt.domains[i] == p->common.domain;
			cr_assert(found, "hwpt %zu's domain is not on ioas %u", id, p->ioas->obj.id);
			break;
		}
		case IOMMUFD_OBJ_HWPT_NESTED: {
			struct iommufd_hwpt_nested *h = to_hwpt_nested(to_hwpt(o));
			assert_live(x, &h->parent->common.obj, IOMMUFD_OBJ_HWPT_PAGING, "nested's parent");
			cr_assert(h->parent->nest_parent);
			if (h->viommu) {
				assert_live(x, &h->viommu->obj, IOMMUFD_OBJ_VIOMMU, "nested's viommu");
				cr_assert_eq(h->viommu->hwpt, h->parent);
				want[h->viommu->obj.id]++;
			} else {
				want[h->parent->common.obj.id]++;
			}
			break;
		}
		case IOMMUFD_OBJ_VIOMMU: {
			struct iommufd_viommu *v = to_viommu(o);
			assert_live(x, &v->hwpt->common.obj, IOMMUFD_OBJ_HWPT_PAGING, "viommu's parent");
			cr_assert(v->hwpt->nest_parent);
			want[v->hwpt->common.obj.id]++;
			break;
		}
		case IOMMUFD_OBJ_VDEVICE: {
			struct iommufd_vdevice *vd = to_vdevice(o);
			assert_live(x, &vd->viommu->obj, IOMMUFD_OBJ_VIOMMU, "vdevice's viommu");
			assert_live(x, &vd->idev->obj, IOMMUFD_OBJ_DEVICE, "vdevice's device");
			cr_assert_eq(vd->idev->vdev, vd);
			want[vd->viommu->obj.id]++;
			want[vd->idev->obj.id]++;
			break;
		}
		case IOMMUFD_OBJ_IOAS: {
			/* each domain of the IOAS belongs to a paging HWPT on it */
			struct io_pagetable *t = &to_ioas(o)->iopt;
			for (size_t i = 0; i < t->ndomains; i++) {
				bool owned = false;
				for (size_t j = 1; j < n; j++) {
					struct iommufd_object *h = x->objects[j];
					owned |= h && h->type == IOMMUFD_OBJ_HWPT_PAGING &&
						 to_hwpt(h)->domain == t->domains[i] &&
						 to_hwpt_paging(to_hwpt(h))->ioas == to_ioas(o);
				}
				cr_assert(owned, "ioas %zu: a domain of no hwpt", id);
			}
			for (size_t i = 0; i + 1 < t->nareas; i++)
				cr_assert_lt(t->areas[i].last, t->areas[i + 1].iova);
			break;
		}
		case IOMMUFD_OBJ_FAULT:
			cr_assert_eq(to_eventq(o)->ictx, x);
			/* no page request reaches it: nothing queued */
			cr_assert_eq(to_eventq(o)->deliver.next, &to_eventq(o)->deliver);
			break;
		case IOMMUFD_OBJ_VEVENTQ: {
			struct iommufd_veventq *vq = to_veventq(o);
			cr_assert_eq(vq->common.ictx, x);
			assert_live(x, &vq->viommu->obj, IOMMUFD_OBJ_VIOMMU, "veventq's viommu");
			want[vq->viommu->obj.id]++;
			/* never more vEVENTs than the depth; the deliver list holds them and at most the header */
			cr_assert_leq(vq->num_events, vq->depth);
			size_t len = 0;
			bool header = false;
			for (struct iommufd_vevent *e = vq->common.deliver.next; e != &vq->common.deliver; e = e->next) {
				len++;
				header |= e == &vq->lost_events_header;
			}
			cr_assert_eq(len, vq->num_events + header, "veventq %zu: %zu on the list, %u events", id, len,
				     vq->num_events);
			break;
		}
		case IOMMUFD_OBJ_NONE:
			break;		/* a vDEVICE's tombstone */
		default:
			cr_assert_fail("object %zu of type %d", id, (int)o->type);
		}
	}
	/* each queue fd of the process holds its object */
	for (int i = 0; i < w->nqueues; i++) {
		struct uapi_file *f = uapi_fget(w->sim->k, w->queue_fd[i]);
		cr_assert(f && f->kind == UAPI_FILE_IOMMUFD_EVENTQ, "queue fd %d", w->queue_fd[i]);
		struct iommufd_eventq *eq = f->eventq;
		if (eq->ictx != x)
			continue;
		cr_assert(eq->obj.type == IOMMUFD_OBJ_FAULT || eq->obj.type == IOMMUFD_OBJ_VEVENTQ);
		assert_live(x, &eq->obj, (int)eq->obj.type, "queue fd's object");
		cr_assert_eq(eq->file, f);
		want[eq->obj.id]++;
	}
	for (size_t id = 1; id < n; id++) {
		struct iommufd_object *o = x->objects[id];
		if (o && o->type != IOMMUFD_OBJ_NONE)
			cr_assert_eq(o->users, want[id], "object %zu (type %d): users %u, references %u", id,
				     (int)o->type, o->users, want[id]);
	}
	cr_assert_eq(count, iommufd_object_count(x));
	free(want);
}

static void check_table(struct world *w)
{
	for (int c = 0; c < 2; c++)
		check_ctx(w, w->ictxs[c]);
	/* a bound cdev's device object is in the table of the context it was bound to */
	for (int i = 0; i < NDEV; i++) {
		if (w->dev_fd[i] < 0)
			continue;
		struct uapi_file *f = uapi_fget(w->sim->k, w->dev_fd[i]);
		cr_assert(f && f->kind == UAPI_FILE_VFIO_DEVICE);
		if (f->device->idev) {
			struct iommufd_ctx *x = f->device->idev->ictx;
			cr_assert(x == w->ictxs[0] || x == w->ictxs[1]);
			cr_assert_eq(f->device->iommufd->iommufd, x);
			assert_live(x, &f->device->idev->obj, IOMMUFD_OBJ_DEVICE, "cdev's device");
		}
	}
}

static bool one_of(long r, const long *ok)
{
	for (; *ok != 1; ok++)
		if (r == *ok)
			return true;
	return false;
}

/* the errnos 7.3 gives for these calls, one list for all (1 ends it) */
static const long any_errno[] = { 0, -EINVAL, -E2BIG, -ENOENT, -EOPNOTSUPP, -EBUSY, -EEXIST, -EADDRINUSE, -EIO,
				  -EFAULT, -ENOSPC, -EOVERFLOW, -EPERM, -EMSGSIZE, -ENODEV, -EBADF, -EBADFD,
				  -EINVAL, 1 };
/* what read(2) and write(2) of a queue's fd refuse with (7.3's eventq fops, vfs_write without a write op) */
static const long queue_errno[] = { -EINVAL, -ESPIPE, -EFAULT, 1 };

static bool tracked(const struct world *w, int fd)
{
	for (int i = 0; i < w->nqueues; i++)
		if (w->queue_fd[i] == fd)
			return true;
	return false;
}

/* the process's event queue fds not yet tracked, tracked from now on: how many */
static int adopt_queue_fds(struct world *w)
{
	int added = 0;
	for (int fd = 0; fd < UAPI_MAX_FDS; fd++) {
		struct uapi_file *f = uapi_fget(w->sim->k, fd);
		if (!f || f->kind != UAPI_FILE_IOMMUFD_EVENTQ || tracked(w, fd))
			continue;
		cr_assert_lt(w->nqueues, MAX_QUEUES);
		w->queue_fd[w->nqueues++] = fd;
		added++;
	}
	return added;
}

/* a queue's fd: read(2) or write(2) of a random length, or its close */
static void queue_call(struct world *w, enum op op)
{
	if (!w->nqueues)
		return;
	int i = (int)(rnd() % (u64)w->nqueues), fd = w->queue_fd[i];
	if (op == OP_QUEUE_CLOSE) {
		cr_assert_eq(iommusim_close(w->sim, fd), 0);
		w->queue_fd[i] = w->queue_fd[--w->nqueues];
		succeeded[op]++;
		check_table(w);
		return;
	}
	static const size_t rw_lens[] = { 0, 4, 8, 16, 24, 32, 40, 48, 64, 80, 96, 200 };
	u8 buf[256];
	memset(buf, 0, sizeof(buf));
	/* a response: a random cookie and code (SUCCESS, INVALID or another) */
	for (size_t o = 0; o + 8 <= sizeof(buf); o += 8) {
		u32 cookie = (u32)(rnd() % 4), code = (u32)(rnd() % 3);
		memcpy(buf + o, &cookie, 4);
		memcpy(buf + o + 4, &code, 4);
	}
	size_t len = PICK(rw_lens);
	void *p = rnd() % 16 ? buf : NULL;
	char *before = view(w);
	ssize_t r = op == OP_QUEUE_READ ? iommusim_read(w->sim, fd, p, len) : iommusim_write(w->sim, fd, p, len);
	cr_assert(r >= 0 || one_of(r, queue_errno), "%s fd %d len %zu: %zd", op_names[op], fd, len, r);
	cr_assert_leq(r, (ssize_t)len);
	check_table(w);
	if (r >= 0) {
		succeeded[op]++;
		records_read += op == OP_QUEUE_READ && r > 0;
	} else {
		char *after = view(w);
		cr_assert_str_eq(after, before, "%s refused (%zd) but changed the view", op_names[op], r);
		free(after);
	}
	free(before);
}

/* the sequence numbers the vEVENTQs of both contexts have handed out */
static u64 veventq_sequences(struct world *w)
{
	u64 sum = 0;
	for (int c = 0; c < 2; c++)
		for (size_t id = 1; id < w->ictxs[c]->nobjects; id++) {
			struct iommufd_object *o = w->ictxs[c]->objects[id];
			if (o && o->type == IOMMUFD_OBJ_VEVENTQ)
				sum += to_veventq(o)->sequence;
		}
	return sum;
}

/*
 * The function's DMA read at a random IOVA through its STE: a nested
 * device's stage-1 or CD fault goes to its vIOMMU's vEVENTQ (or is lost
 * there when full), anything else stays the host's.
 */
static void device_dma(struct world *w, int di)
{
	struct pci_dev *pdev = pdev_of(w->sim, dev_names[di]);
	struct arm_smmu_master *master = pdev->dev.iommu ? pdev->dev.iommu->priv : NULL;
	if (!master || !master->num_streams)
		return;
	u64 b = 0, seq = veventq_sequences(w);
	if (!smmu_hw_dma(w->sim->k->hw->smmu, master->streams[0].id, SMMU_NO_SSID,
			 PICK(iovas) + 0x1000 * (rnd() % 16), &b, sizeof(b), false))
		succeeded[OP_DMA]++;
	forwarded += veventq_sequences(w) != seq;
	check_table(w);
}

/*
 * One ioctl whose struct (its size word set) is in buf, then the checks: one
 * of 7.3's errnos, a queue fd only from a successful ALLOC (the fd it
 * answered), the table recounted, a refusal (but a partial one) leaving
 * the view as it was.
 */
static long checked_call(struct world *w, enum op op, int fd, unsigned long cmd, u8 *buf, bool partial)
{
	u32 size;
	memcpy(&size, buf, sizeof(size));
	char *before = view(w);
	long r = iommusim_ioctl(w->sim, fd, cmd, buf);
	cr_assert(one_of(r, any_errno), "%s size %u: %ld", op_names[op], size, r);
	int added = adopt_queue_fds(w);
	if (r == 0 && (cmd == IOMMU_FAULT_QUEUE_ALLOC || cmd == IOMMU_VEVENTQ_ALLOC)) {
		cr_assert_eq(added, 1, "%s: %d new queue fds", op_names[op], added);
		u32 out_fd = cmd == IOMMU_FAULT_QUEUE_ALLOC ? ((struct iommu_fault_alloc *)buf)->out_fault_fd
							    : ((struct iommu_veventq_alloc *)buf)->out_veventq_fd;
		cr_assert_eq((int)out_fd, w->queue_fd[w->nqueues - 1]);
	} else {
		cr_assert_eq(added, 0, "%s (%ld) opened a queue fd", op_names[op], r);
	}
	check_table(w);
	if (r == 0) {
		succeeded[op]++;
	} else if (!partial) {
		char *after = view(w);
		cr_assert_str_eq(after, before, "%s size %u refused (%ld) but changed the view from\n%s\nto\n%s",
				 op_names[op], size, r, before, after);
		free(after);
	}
	free(before);
	return r;
}

/* the first live object of type t in the step's context matching, 0: none */
static u32 find_obj(struct world *w, enum iommufd_object_type t, bool (*match)(struct iommufd_object *, const void *),
		    const void *arg)
{
	for (size_t id = 1; id < w->ictx->nobjects; id++) {
		struct iommufd_object *o = w->ictx->objects[id];
		if (o && o->type == t && (!match || match(o, arg)))
			return (u32)id;
	}
	return 0;
}

static bool parent_on(struct iommufd_object *o, const void *ioas)
{
	struct iommufd_hwpt_paging *p = to_hwpt_paging(to_hwpt(o));
	return p->nest_parent && p->ioas == ioas;
}

static bool viommu_on(struct iommufd_object *o, const void *parent)
{
	return to_viommu(o)->hwpt == parent;
}

/*
 * What a VMM does for a nested device, with exact structs and each call
 * checked as any other (each reuses what is there): an IOAS with the
 * guest's RAM at 0x40000000, a nest parent on it, a vIOMMU, the device's
 * vDEVICE, a nested HWPT from an S1-translate vSTE whose CD lies in that
 * RAM (zeros: the device's DMA then takes a C_BAD_CD the driver forwards),
 * the attach, a vEVENTQ a few records deep. Random paths rarely get there.
 */
static void vmm_nested(struct world *w, int di)
{
	if (w->dev_fd[di] < 0)
		return;
	struct uapi_file *f = uapi_fget(w->sim->k, w->dev_fd[di]);
	struct iommufd_device *idev = f && f->device ? f->device->idev : NULL;
	if (!idev)
		return;
	int cur = idev->ictx == w->ictxs[1];
	w->ifd = w->ifds[cur];
	w->ictx = w->ictxs[cur];
	u8 buf[256];
	u32 ioas = find_obj(w, IOMMUFD_OBJ_IOAS, NULL, NULL);
	if (!ioas) {
		struct iommu_ioas_alloc a = { .size = sizeof(a) };
		memcpy(buf, &a, sizeof(a));
		if (checked_call(w, OP_IOAS_ALLOC, w->ifd, IOMMU_IOAS_ALLOC, buf, false))
			return;
		ioas = ((struct iommu_ioas_alloc *)buf)->out_ioas_id;
	}
	struct iommu_ioas_map m = { .size = sizeof(m), .ioas_id = ioas,
				    .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
					     IOMMU_IOAS_MAP_WRITEABLE,
				    .user_va = (u64)(uintptr_t)w->mem + 0x100000, .length = 0x10000, .iova = 0x40000000 };
	memcpy(buf, &m, sizeof(m));
	checked_call(w, OP_IOAS_MAP, w->ifd, IOMMU_IOAS_MAP, buf, false);	/* EEXIST when mapped */
	struct iommufd_ioas *ioas_obj = iommufd_get_ioas(w->ictx, ioas);
	u32 parent = find_obj(w, IOMMUFD_OBJ_HWPT_PAGING, parent_on, ioas_obj);
	if (!parent) {
		struct iommu_hwpt_alloc a = { .size = sizeof(a), .flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
					      .dev_id = idev->obj.id, .pt_id = ioas };
		memcpy(buf, &a, sizeof(a));
		if (checked_call(w, OP_HWPT_PAGING, w->ifd, IOMMU_HWPT_ALLOC, buf, false))
			return;
		parent = ((struct iommu_hwpt_alloc *)buf)->out_hwpt_id;
	}
	struct iommufd_object *pobj = iommufd_get_object(w->ictx, parent, IOMMUFD_OBJ_HWPT_PAGING);
	u32 viommu = find_obj(w, IOMMUFD_OBJ_VIOMMU, viommu_on, to_hwpt_paging(to_hwpt(pobj)));
	if (!viommu) {
		struct iommu_viommu_alloc a = { .size = sizeof(a), .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
						.dev_id = idev->obj.id, .hwpt_id = parent };
		memcpy(buf, &a, sizeof(a));
		if (checked_call(w, OP_VIOMMU, w->ifd, IOMMU_VIOMMU_ALLOC, buf, false))
			return;
		viommu = ((struct iommu_viommu_alloc *)buf)->out_viommu_id;
	}
	if (!idev->vdev) {
		struct iommu_vdevice_alloc a = { .size = sizeof(a), .viommu_id = viommu, .dev_id = idev->obj.id,
						 .virt_id = rnd() % 16 };
		memcpy(buf, &a, sizeof(a));
		if (checked_call(w, OP_VDEVICE, w->ifd, IOMMU_VDEVICE_ALLOC, buf, false))
			return;
	}
	u64 ste[2] = { STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_S1_TRANS) |
			       (0x40000000 + 0x1000 * (rnd() % 16)), 0 };
	struct iommu_hwpt_alloc h = { .size = sizeof(h), .dev_id = idev->obj.id, .pt_id = viommu,
				      .data_type = IOMMU_HWPT_DATA_ARM_SMMUV3, .data_len = sizeof(ste),
				      .data_uptr = (u64)(uintptr_t)ste };
	memcpy(buf, &h, sizeof(h));
	if (checked_call(w, OP_HWPT_NESTED, w->ifd, IOMMU_HWPT_ALLOC, buf, false))
		return;
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at),
						    .pt_id = ((struct iommu_hwpt_alloc *)buf)->out_hwpt_id };
	memcpy(buf, &at, sizeof(at));
	if (checked_call(w, OP_CDEV_ATTACH, w->dev_fd[di], VFIO_DEVICE_ATTACH_IOMMUFD_PT, buf, false))
		return;
	if (w->nqueues < MAX_QUEUES - 1) {
		struct iommu_veventq_alloc q = { .size = sizeof(q), .viommu_id = viommu,
						 .type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, .veventq_depth = 1 + rnd() % 4 };
		memcpy(buf, &q, sizeof(q));
		checked_call(w, OP_VEVENTQ, w->ifd, IOMMU_VEVENTQ_ALLOC, buf, false);	/* EEXIST: there */
	}
	succeeded[OP_VMM_NESTED]++;
}

static void step(struct world *w)
{
	u8 buf[256];
	memset(buf, 0, sizeof(buf));
	u64 data[64];
	memset(data, 0, sizeof(data));
	struct iommu_iova_range ranges[4];
	memset(ranges, 0, sizeof(ranges));
	/* the cdev's open and close less often than the rest: a close unbinds the device and undoes much */
	static const u8 weight[OP_COUNT] = { [OP_HWPT_NESTED] = 3, [OP_INVALIDATE] = 3, [OP_VIOMMU] = 2, [OP_VDEVICE] = 2,
					     [OP_CDEV_BIND] = 2, [OP_CDEV_ATTACH] = 3, [OP_HWPT_PAGING] = 2,
					     [OP_DESTROY] = 3, [OP_VEVENTQ] = 2, [OP_HWPT_FAULT] = 2, [OP_DMA] = 3 };
	unsigned total = 0, pick;
	for (int i = 0; i < OP_COUNT; i++)
		total += weight[i] ? weight[i] : (i == OP_CDEV_OPEN || i == OP_CDEV_CLOSE) ? 0 : 1;
	total += 1;	/* open or close */
	pick = (unsigned)(rnd() % total);
	enum op op = OP_COUNT;
	for (int i = 0; i < OP_COUNT && op == OP_COUNT; i++) {
		unsigned wi = weight[i] ? weight[i] : (i == OP_CDEV_OPEN || i == OP_CDEV_CLOSE) ? 0 : 1;
		if (pick < wi)
			op = (enum op)i;
		else
			pick -= wi;
	}
	if (op == OP_COUNT)
		op = rnd() % 2 ? OP_CDEV_OPEN : OP_CDEV_CLOSE;
	int di = (int)(rnd() % NDEV);
	unsigned long cmd = 0;
	u32 exact = 0;
	int cur = rnd() % 4 == 0;	/* mostly the first context */
	w->ifd = w->ifds[cur];
	w->ictx = w->ictxs[cur];
	int fd = w->ifd;
	/* a refusal that may have done part of its work: an unmap stops at the area it cannot split */
	bool partial = false;
	switch (op) {
	case OP_IOAS_ALLOC:
		cmd = IOMMU_IOAS_ALLOC;
		((struct iommu_ioas_alloc *)buf)->flags = fuzz_flags(0);
		exact = sizeof(struct iommu_ioas_alloc);
		break;
	case OP_IOAS_MAP: {
		struct iommu_ioas_map *m = (void *)buf;
		m->flags = rnd() % 8 ? (u32)(rnd() % 8) : fuzz_flags(7);
		m->ioas_id = id_of(w, IOMMUFD_OBJ_IOAS, -1);
		m->length = rnd() % 4 ? 0x1000 * (1 + rnd() % 16) : PICK(lens);
		m->user_va = (u64)(uintptr_t)w->mem + (rnd() % 6 ? 0x1000 * (rnd() % 16) : rnd() % 0x100000);
		m->iova = PICK(iovas) + (rnd() % 2 ? 0x1000 * (rnd() % 64) : 0);
		m->__reserved = rnd() % 16 == 0;
		cmd = IOMMU_IOAS_MAP;
		exact = sizeof(*m);
		break;
	}
	case OP_IOAS_UNMAP: {
		struct iommu_ioas_unmap *u = (void *)buf;
		u->ioas_id = id_of(w, IOMMUFD_OBJ_IOAS, -1);
		struct iommufd_ioas *ioas = iommufd_get_ioas(w->ictx, u->ioas_id);
		if (ioas && ioas->iopt.nareas && rnd() % 2) {
			struct iopt_area *a = &ioas->iopt.areas[rnd() % ioas->iopt.nareas];
			u->iova = a->iova;
			u->length = a->last - a->iova + 1;
		} else {
			u->iova = PICK(iovas);
			u->length = PICK(lens);
		}
		cmd = IOMMU_IOAS_UNMAP;
		exact = sizeof(*u);
		partial = true;
		break;
	}
	case OP_IOAS_COPY: {
		struct iommu_ioas_copy *k = (void *)buf;
		k->flags = rnd() % 8 ? (u32)(rnd() % 8) : fuzz_flags(7);
		k->dst_ioas_id = id_of(w, IOMMUFD_OBJ_IOAS, -1);
		k->src_ioas_id = id_of(w, IOMMUFD_OBJ_IOAS, -1);
		struct iommufd_ioas *src = iommufd_get_ioas(w->ictx, k->src_ioas_id);
		if (src && src->iopt.nareas && rnd() % 4) {
			struct iopt_area *a = &src->iopt.areas[rnd() % src->iopt.nareas];
			k->src_iova = a->iova;
			k->length = a->last - a->iova + 1;
		} else {
			k->src_iova = PICK(iovas);
			k->length = PICK(lens);
		}
		k->dst_iova = PICK(iovas) + 0x1000 * (rnd() % 64);
		cmd = IOMMU_IOAS_COPY;
		exact = sizeof(*k);
		break;
	}
	case OP_IOVA_RANGES: {
		struct iommu_ioas_iova_ranges *r = (void *)buf;
		r->ioas_id = id_of(w, IOMMUFD_OBJ_IOAS, -1);
		r->num_iovas = (u32)(rnd() % 5);
		r->allowed_iovas = rnd() % 8 ? (u64)(uintptr_t)ranges : 0;
		r->__reserved = rnd() % 16 == 0;
		cmd = IOMMU_IOAS_IOVA_RANGES;
		exact = sizeof(*r);
		break;
	}
	case OP_ALLOW_IOVAS: {
		struct iommu_ioas_allow_iovas *a = (void *)buf;
		a->ioas_id = id_of(w, IOMMUFD_OBJ_IOAS, -1);
		a->num_iovas = (u32)(rnd() % 3);
		for (int i = 0; i < 2; i++) {
			ranges[i].start = PICK(iovas);
			ranges[i].last = ranges[i].start + (rnd() % 2 ? 0xfffffff : PICK(lens));
		}
		a->allowed_iovas = (u64)(uintptr_t)ranges;
		a->__reserved = rnd() % 16 == 0;
		cmd = IOMMU_IOAS_ALLOW_IOVAS;
		exact = sizeof(*a);
		break;
	}
	case OP_OPTION: {
		struct iommu_option *o = (void *)buf;
		o->option_id = (u32)(rnd() % 3);
		o->op = (u16)(rnd() % 3);
		o->object_id = rnd() % 2 ? id_of(w, IOMMUFD_OBJ_IOAS, -1) : 0;
		o->val64 = rnd() % 3;
		o->__reserved = rnd() % 16 == 0;
		cmd = IOMMU_OPTION;
		exact = sizeof(*o);
		break;
	}
	case OP_DESTROY:
		((struct iommu_destroy *)buf)->id = id_of(w, IOMMUFD_OBJ_ANY, IOMMUFD_OBJ_ANY);
		if (rnd() % 2)
			((struct iommu_destroy *)buf)->id = (u32)(1 + rnd() % (w->ictx->nobjects + 1));
		cmd = IOMMU_DESTROY;
		exact = sizeof(struct iommu_destroy);
		break;
	case OP_HWPT_PAGING: {
		struct iommu_hwpt_alloc *a = (void *)buf;
		a->flags = rnd() % 2 ? IOMMU_HWPT_ALLOC_NEST_PARENT : fuzz_flags(IOMMU_HWPT_ALLOC_NEST_PARENT);
		a->dev_id = dev_id(w);
		a->pt_id = id_of(w, IOMMUFD_OBJ_IOAS, -1);
		cmd = IOMMU_HWPT_ALLOC;
		exact = sizeof(*a);
		break;
	}
	case OP_HWPT_NESTED: {
		struct iommu_hwpt_alloc *a = (void *)buf;
		a->flags = fuzz_flags(IOMMU_HWPT_ALLOC_NEST_PARENT);
		a->dev_id = dev_id(w);
		a->pt_id = id_of(w, IOMMUFD_OBJ_VIOMMU, rnd() % 2 ? IOMMUFD_OBJ_HWPT_PAGING : -1);
		a->data_type = rnd() % 8 ? IOMMU_HWPT_DATA_ARM_SMMUV3 : (u32)(rnd() % 4);
		random_vste(data, 0x40000000 + 0x1000 * (rnd() % 16));
		a->data_len = rnd() % 8 ? 16 : (u32)(rnd() % 32);
		a->data_uptr = rnd() % 16 ? (u64)(uintptr_t)data : 0;
		a->__reserved = rnd() % 16 == 0;
		cmd = IOMMU_HWPT_ALLOC;
		exact = sizeof(*a);
		break;
	}
	case OP_VIOMMU: {
		struct iommu_viommu_alloc *a = (void *)buf;
		a->flags = fuzz_flags(0);
		a->type = rnd() % 8 ? IOMMU_VIOMMU_TYPE_ARM_SMMUV3 : (u32)(rnd() % 4);
		a->dev_id = dev_id(w);
		a->hwpt_id = id_of(w, IOMMUFD_OBJ_HWPT_PAGING, -1);
		cmd = IOMMU_VIOMMU_ALLOC;
		exact = sizeof(*a);
		break;
	}
	case OP_VDEVICE: {
		struct iommu_vdevice_alloc *a = (void *)buf;
		a->viommu_id = id_of(w, IOMMUFD_OBJ_VIOMMU, -1);
		a->dev_id = dev_id(w);
		a->virt_id = rnd() % 8 ? rnd() % 16 : rnd();
		cmd = IOMMU_VDEVICE_ALLOC;
		exact = sizeof(*a);
		break;
	}
	case OP_INVALIDATE: {
		struct iommu_hwpt_invalidate *v = (void *)buf;
		v->hwpt_id = id_of(w, IOMMUFD_OBJ_VIOMMU, rnd() % 4 ? -1 : IOMMUFD_OBJ_HWPT_NESTED);
		v->data_type = rnd() % 8 ? IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 : (u32)(rnd() % 3);
		v->entry_len = rnd() % 8 ? 16 : (u32)(rnd() % 40);
		v->entry_num = (u32)(rnd() % 5);
		for (u32 i = 0; i < 8; i++)
			random_cmd(&data[2 * i]);
		v->data_uptr = rnd() % 16 ? (u64)(uintptr_t)data : 0;
		v->__reserved = rnd() % 16 == 0;
		cmd = IOMMU_HWPT_INVALIDATE;
		exact = sizeof(*v);
		break;
	}
	case OP_HW_INFO: {
		struct iommu_hw_info *h = (void *)buf;
		h->flags = fuzz_flags(IOMMU_HW_INFO_FLAG_INPUT_TYPE);
		h->dev_id = dev_id(w);
		h->data_len = (u32)(rnd() % 48);
		h->data_uptr = rnd() % 8 ? (u64)(uintptr_t)data : 0;
		h->in_data_type = (u32)(rnd() % 4);
		cmd = IOMMU_GET_HW_INFO;
		exact = sizeof(*h);
		break;
	}
	case OP_FAULT_ALLOC:
		if (w->nqueues >= MAX_QUEUES - 1)
			return;
		((struct iommu_fault_alloc *)buf)->flags = fuzz_flags(0);
		cmd = IOMMU_FAULT_QUEUE_ALLOC;
		exact = sizeof(struct iommu_fault_alloc);
		break;
	case OP_HWPT_FAULT: {
		/* a paging HWPT on an IOAS, or a nested one on a vIOMMU, naming a fault object */
		struct iommu_hwpt_alloc *a = (void *)buf;
		a->flags = IOMMU_HWPT_FAULT_ID_VALID | (rnd() % 4 ? 0 : IOMMU_HWPT_ALLOC_NEST_PARENT);
		if (rnd() % 8 == 0)
			a->flags ^= fuzz_flags(IOMMU_HWPT_FAULT_ID_VALID);
		a->dev_id = dev_id(w);
		a->pt_id = id_of(w, IOMMUFD_OBJ_IOAS, rnd() % 3 ? -1 : IOMMUFD_OBJ_VIOMMU);
		struct iommufd_object *pt = iommufd_get_object(w->ictx, a->pt_id, IOMMUFD_OBJ_ANY);
		if (pt && pt->type == IOMMUFD_OBJ_VIOMMU) {
			a->data_type = IOMMU_HWPT_DATA_ARM_SMMUV3;
			random_vste(data, 0x40000000 + 0x1000 * (rnd() % 16));
			a->data_len = 16;
			a->data_uptr = (u64)(uintptr_t)data;
		}
		a->fault_id = id_of(w, IOMMUFD_OBJ_FAULT, rnd() % 4 ? -1 : IOMMUFD_OBJ_VEVENTQ);
		a->__reserved2 = rnd() % 16 == 0;
		cmd = IOMMU_HWPT_ALLOC;
		exact = sizeof(*a);
		break;
	}
	case OP_VEVENTQ: {
		static const u32 depths[] = { 0, 1, 2, 2, 4, 16, 1u << 19, (1u << 19) + 1 };
		if (w->nqueues >= MAX_QUEUES - 1)
			return;
		struct iommu_veventq_alloc *a = (void *)buf;
		a->flags = fuzz_flags(0);
		a->viommu_id = id_of(w, IOMMUFD_OBJ_VIOMMU, -1);
		a->type = rnd() % 6 ? IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 : (u32)(rnd() % 4);
		a->veventq_depth = PICK(depths);
		a->__reserved = rnd() % 16 == 0;
		cmd = IOMMU_VEVENTQ_ALLOC;
		exact = sizeof(*a);
		break;
	}
	case OP_QUEUE_READ:
	case OP_QUEUE_WRITE:
	case OP_QUEUE_CLOSE:
		queue_call(w, op);
		return;
	case OP_DMA:
		device_dma(w, di);
		return;
	case OP_VMM_NESTED:
		vmm_nested(w, di);
		return;
	case OP_CDEV_OPEN:
		if (w->dev_fd[di] >= 0)
			return;
		w->dev_fd[di] = iommusim_open(w->sim, w->cdev_path[di], 2);
		cr_assert_geq(w->dev_fd[di], 0, "open %s: %d", w->cdev_path[di], w->dev_fd[di]);
		succeeded[op]++;
		check_table(w);
		return;
	case OP_CDEV_CLOSE:
		if (w->dev_fd[di] < 0)
			return;
		cr_assert_eq(iommusim_close(w->sim, w->dev_fd[di]), 0);
		w->dev_fd[di] = -1;
		succeeded[op]++;
		check_table(w);
		return;
	case OP_CDEV_BIND: {
		struct vfio_device_bind_iommufd *b = (void *)buf;
		b->flags = fuzz_flags(0);
		b->iommufd = rnd() % 8 ? w->ifd : (int32_t)(rnd() % 8) - 1;
		cmd = VFIO_DEVICE_BIND_IOMMUFD;
		exact = sizeof(*b);
		fd = w->dev_fd[di];
		break;
	}
	case OP_CDEV_ATTACH: {
		struct vfio_device_attach_iommufd_pt *a = (void *)buf;
		a->flags = fuzz_flags(VFIO_DEVICE_ATTACH_PASID);
		a->pt_id = id_of(w, IOMMUFD_OBJ_IOAS, rnd() % 2 ? IOMMUFD_OBJ_HWPT_PAGING : IOMMUFD_OBJ_HWPT_NESTED);
		a->pasid = a->flags ? (u32)(rnd() % 2) : 0;
		cmd = VFIO_DEVICE_ATTACH_IOMMUFD_PT;
		exact = sizeof(*a);
		fd = w->dev_fd[di];
		break;
	}
	case OP_CDEV_DETACH: {
		struct vfio_device_detach_iommufd_pt *d = (void *)buf;
		d->flags = fuzz_flags(VFIO_DEVICE_DETACH_PASID);
		cmd = VFIO_DEVICE_DETACH_IOMMUFD_PT;
		exact = sizeof(*d);
		fd = w->dev_fd[di];
		break;
	}
	default:
		return;
	}
	if (fd < 0)
		return;		/* the cdev is not open */
	u32 size = fuzz_size(exact, buf, sizeof(buf));
	memcpy(buf, &size, sizeof(size));
	checked_call(w, op, fd, cmd, buf, partial);
}

/* /dev/vfio/devices/vfioN of a vfio-pci function: its vfio-dev directory's entry */
static void cdev_path(struct world *w, int i)
{
	char dir[128];
	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/vfio-dev", dev_names[i]);
	char **names = NULL;
	long n = iommusim_sysfs_list(w->sim, dir, &names);
	cr_assert_eq(n, 1, "%s: %ld entries", dir, n);
	snprintf(w->cdev_path[i], sizeof(w->cdev_path[i]), "/dev/vfio/devices/%s", names[0]);
	free(names[0]);
	free(names);
}

Test(iommufd_fuzz_objects, random_sequences_over_every_object, .timeout = 60)
{
	const char *settings[] = { "IOMMUFD=y,VFIO_DEVICE_CDEV=y,ARM_SMMU_V3_IOMMUFD=y", NULL };
	memset(succeeded, 0, sizeof(succeeded));
	forwarded = records_read = 0;
	for (u64 seed = 1; seed <= 8; seed++) {
		struct iommusim_options opts = { .linux_version = "7.3", .qemu_version = "10.0", .kconfig = settings,
						 .pci_rc_canwbs = true };
		char err[512] = "";
		struct world w = { .sim = boot_str_opts("-M virt,iommu=smmuv3,gic-version=3 -nic none "
							"-device pcie-root-port,id=rp1,chassis=1 -device virtio-net-pci,bus=rp1 "
							"-device pcie-root-port,id=rp2,chassis=2 -device virtio-net-pci,bus=rp2",
							&opts, err, sizeof(err)) };
		cr_assert_not_null(w.sim, "%s", err);
		for (int i = 0; i < NDEV; i++) {
			char lines[512];
			snprintf(lines, sizeof(lines),
				 "echo vfio-pci > /sys/bus/pci/devices/%s/driver_override\n"
				 "echo %s > /sys/bus/pci/drivers/virtio-pci/unbind\n"
				 "echo %s > /sys/bus/pci/drivers_probe\n", dev_names[i], dev_names[i], dev_names[i]);
			free(run(w.sim, lines));
			cdev_path(&w, i);
			w.dev_fd[i] = -1;
		}
		for (int c = 0; c < 2; c++) {
			w.ifds[c] = iommusim_open(w.sim, "/dev/iommu", 2);
			cr_assert_geq(w.ifds[c], 3);
			w.ictxs[c] = uapi_fget(w.sim->k, w.ifds[c])->iommufd;
		}
		w.mem = iommusim_user_alloc(w.sim, 0x200000);
		cr_assert_not_null(w.mem);
		rng_state = seed * 0x9E3779B97F4A7C15ULL;
		for (int i = 0; i < 1500; i++)
			step(&w);
		/* the files close in a random order (a context outlives its fd while a bound cdev holds it) */
		int fds[2 + NDEV + MAX_QUEUES], nfds = 0;
		for (int c = 0; c < 2; c++)
			fds[nfds++] = w.ifds[c];
		for (int i = 0; i < NDEV; i++)
			if (w.dev_fd[i] >= 0)
				fds[nfds++] = w.dev_fd[i];
		for (int i = 0; i < w.nqueues; i++)
			fds[nfds++] = w.queue_fd[i];
		for (int i = nfds - 1; i > 0; i--) {
			int j = (int)(rnd() % (u64)(i + 1)), t = fds[i];
			fds[i] = fds[j];
			fds[j] = t;
		}
		for (int i = 0; i < nfds; i++)
			cr_assert_eq(iommusim_close(w.sim, fds[i]), 0);
		char *text = view(&w);
		cr_assert_str_eq(text, "no /dev/iommu open\n");
		free(text);
		/* every object is freed by now: LSan at the end finds any that is not */
		iommusim_free(w.sim);
	}
	for (int op = 0; op < OP_COUNT; op++)
		cr_expect_gt(succeeded[op], 0, "%s never succeeded", op_names[op]);
	cr_expect_gt(forwarded, 0, "no DMA fault reached a vEVENTQ");
	cr_expect_gt(records_read, 0, "no read gave a vEVENT");

}
