/*
 * /sys/kernel/debug/iommusim/iommufd (iommusim's own file: Linux 7.3 has no
 * debugfs for iommufd): what a VMM has built through /dev/iommu, read with
 * cat. One block per open iommufd (each fd of the modelled process on
 * /dev/iommu, and a file only a bound vfio device still holds), then each
 * object of its table by id:
 *
 *   device   the PCI function, its IOMMU group, its vfio cdev fd, the HWPT
 *            it is attached to, its vDEVICE, the software MSI window (while
 *            attached)
 *   ioas     the IOVA alignment, huge pages, the allowed and reserved
 *            ranges (with who reserved them), every area (iova-last, the
 *            user memory, prot, pinned or not) and the HWPTs whose domains
 *            map it. The process's user addresses are the model's host
 *            pointers, which change from run to run: an area names its
 *            user memory by the guest-physical address behind it.
 *   hwpt paging   its IOAS, auto or allocated, nest parent; its domain
 *            (stage, ASID or VMID, page sizes, aperture) and its devices
 *   hwpt nested   its parent, its vIOMMU, the guest STE words decoded
 *   viommu   type, SMMU, nest parent, VMID
 *   vdevice  vIOMMU, device, virtual StreamID -> physical StreamID
 *   fault    its fd (or "fd closed"), the page-request groups queued and
 *            those read and awaiting a response
 *   veventq  type, vIOMMU, depth, vEVENTs queued, whether the lost-events
 *            header is queued, the next sequence number, its fd
 *
 * Each object says "users N" (the count the table keeps, what DESTROY
 * checks) and which objects, devices and files hold those references.
 * .../iommufd/FD shows the one iommufd open on FD. A context whose
 * /dev/iommu fd is closed is still shown while a bound vfio device or an
 * event queue's fd keeps its file open.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/bits.h"
#include "iommu/iommu.h"
#include "smmuv3/arm_smmu_v3.h"
#include "smmuv3/iommufd.h"
#include "smmuv3/ste.h"
#include "sysfs/sysfs.h"
#include "uapi/iommufd.h"
#include "uapi/iommufd_eventq.h"
#include "uapi/uapi.h"
#include "uapi/vfio.h"

static u32 obj_id(const struct iommufd_hw_pagetable *hwpt)
{
	return hwpt ? hwpt->obj.id : 0;
}

/* the fd of the process that is the vfio cdev bound as idev, -1: none (closed, the file held elsewhere) */
static int cdev_fd_of(struct kernel *k, const struct iommufd_device *idev)
{
	for (int fd = 0; fd < UAPI_MAX_FDS; fd++) {
		struct uapi_file *f = uapi_fget(k, fd);
		if (f && f->kind == UAPI_FILE_VFIO_DEVICE && f->device && f->device->idev == idev)
			return fd;
	}
	return -1;
}

/* the lowest fd of the process on the event queue's file, -1: none (closed) */
static int eventq_fd_of(struct kernel *k, const struct iommufd_eventq *eventq)
{
	if (!eventq->file)
		return -1;
	for (int fd = 0; fd < UAPI_MAX_FDS; fd++)
		if (uapi_fget(k, fd) == eventq->file)
			return fd;
	return -1;
}

static bool is_eventq(const struct iommufd_object *obj)
{
	return obj->type == IOMMUFD_OBJ_FAULT || obj->type == IOMMUFD_OBJ_VEVENTQ;
}

/* the paging HWPT of ictx whose domain this is, NULL: none (a domain of another context) */
static struct iommufd_hwpt_paging *hwpt_of_domain(struct iommufd_ctx *ictx, const struct iommu_domain *dom)
{
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *o = ictx->objects[id];
		if (o && o->type == IOMMUFD_OBJ_HWPT_PAGING && to_hwpt(o)->domain == dom)
			return to_hwpt_paging(to_hwpt(o));
	}
	return NULL;
}

/* "4K 2M 1G" from a page size bitmap */
static void print_page_sizes(FILE *f, u64 bitmap)
{
	static const char *const unit = "KMGTPE";
	bool first = true;
	for (unsigned b = 0; b < 64; b++) {
		if (!(bitmap & (1ULL << b)))
			continue;
		unsigned u = b / 10;
		fprintf(f, "%s%llu%c", first ? "" : " ", 1ULL << (b % 10), u ? unit[u - 1] : 'B');
		first = false;
	}
	if (first)
		fprintf(f, "none");
}

static const char *prot_str(int prot)
{
	switch (prot & (IOMMU_READ | IOMMU_WRITE)) {
	case IOMMU_READ | IOMMU_WRITE: return "rw";
	case IOMMU_READ: return "r";
	case IOMMU_WRITE: return "w";
	default: return "-";
	}
}

/* ", " between the items of a list after its first */
static void sep(FILE *f, bool *first)
{
	fprintf(f, *first ? " (" : ", ");
	*first = false;
}

static void end_list(FILE *f, bool first)
{
	if (!first)
		fprintf(f, ")");
}

/*
 * Who holds the references counted in obj->users, found by walking the
 * table: the HWPTs on an IOAS; the devices, nested HWPTs and vIOMMUs on a
 * paging HWPT; the devices on a nested HWPT; the vDEVICEs, nested HWPTs and
 * vEVENTQs of a vIOMMU; a device's vDEVICE (and its bind, the cdev's); the
 * HWPTs allocated with a fault object; an event queue's open fd.
 */
static void print_users(FILE *f, struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	fprintf(f, "users %u", obj->users);
	bool first = true;
	if (obj->type == IOMMUFD_OBJ_DEVICE) {
		sep(f, &first);
		fprintf(f, "bind");
	}
	if (is_eventq(obj) && to_eventq(obj)->file) {
		int fd = eventq_fd_of(ictx->k, to_eventq(obj));
		sep(f, &first);
		if (fd >= 0)
			fprintf(f, "fd %d", fd);
		else
			fprintf(f, "its file");
	}
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *o = ictx->objects[id];
		if (!o)
			continue;
		bool holds = false;
		/* a HWPT allocated with IOMMU_HWPT_FAULT_ID_VALID holds its fault object */
		if ((o->type == IOMMUFD_OBJ_HWPT_PAGING || o->type == IOMMUFD_OBJ_HWPT_NESTED) && to_hwpt(o)->fault)
			holds = &to_hwpt(o)->fault->common.obj == obj;
		switch (o->type) {
		case IOMMUFD_OBJ_DEVICE:
			holds = to_idev(o)->hwpt && &to_idev(o)->hwpt->obj == obj;
			break;
		case IOMMUFD_OBJ_HWPT_PAGING: {
			struct iommufd_hwpt_paging *p = to_hwpt_paging(to_hwpt(o));
			holds |= p->ioas && &p->ioas->obj == obj;
			break;
		}
		case IOMMUFD_OBJ_HWPT_NESTED: {
			struct iommufd_hwpt_nested *n = to_hwpt_nested(to_hwpt(o));
			/* through a vIOMMU the vIOMMU is held, its nest parent is not (the vIOMMU holds it) */
			holds |= n->viommu ? &n->viommu->obj == obj : n->parent && &n->parent->common.obj == obj;
			break;
		}
		case IOMMUFD_OBJ_VIOMMU:
			holds = to_viommu(o)->hwpt && &to_viommu(o)->hwpt->common.obj == obj;
			break;
		case IOMMUFD_OBJ_VDEVICE:
			holds = &to_vdevice(o)->viommu->obj == obj || &to_vdevice(o)->idev->obj == obj;
			break;
		case IOMMUFD_OBJ_VEVENTQ:
			holds = &to_veventq(o)->viommu->obj == obj;
			break;
		default:
			break;
		}
		if (!holds)
			continue;
		static const char *const names[] = {
			[IOMMUFD_OBJ_DEVICE] = "device", [IOMMUFD_OBJ_HWPT_PAGING] = "hwpt",
			[IOMMUFD_OBJ_HWPT_NESTED] = "hwpt", [IOMMUFD_OBJ_VIOMMU] = "viommu",
			[IOMMUFD_OBJ_VDEVICE] = "vdevice", [IOMMUFD_OBJ_VEVENTQ] = "veventq",
		};
		sep(f, &first);
		fprintf(f, "%s %zu", names[o->type], id);
	}
	end_list(f, first);
}

/* the devices of ictx attached to hwpt, as " NAME (device ID)..." or " none" */
static void print_attached(FILE *f, struct iommufd_ctx *ictx, const struct iommufd_hw_pagetable *hwpt)
{
	fprintf(f, "      devices:");
	bool any = false;
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *o = ictx->objects[id];
		if (o && o->type == IOMMUFD_OBJ_DEVICE && to_idev(o)->hwpt == hwpt) {
			fprintf(f, " %s (device %zu)", to_idev(o)->dev->name, id);
			any = true;
		}
	}
	fprintf(f, "%s\n", any ? "" : " none");
}

static void print_device(FILE *f, struct kernel *k, struct iommufd_device *idev)
{
	fprintf(f, "device %s: group %d", idev->dev->name, idev->group ? idev->group->id : -1);
	int fd = cdev_fd_of(k, idev);
	if (fd >= 0)
		fprintf(f, ", cdev fd %d", fd);
	if (idev->hwpt)
		fprintf(f, ", attached to hwpt %u", obj_id(idev->hwpt));
	else
		fprintf(f, ", detached (blocking)");
	if (idev->vdev)
		fprintf(f, ", vdevice %u", idev->vdev->obj.id);
	/*
	 * the group's software MSI window, where it matters: while attached (7.3
	 * records it at an attach's reserved regions, even one that fails)
	 */
	if (idev->hwpt && idev->sw_msi_start != UINT64_MAX)
		fprintf(f, ", sw msi 0x%llx", (unsigned long long)idev->sw_msi_start);
	fprintf(f, ", ");
}

/* a reserved range's owner: a device bound here, a domain's aperture, or another context's */
static void print_owner(FILE *f, struct iommufd_ctx *ictx, const void *owner)
{
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *o = ictx->objects[id];
		if (!o)
			continue;
		if (o->type == IOMMUFD_OBJ_DEVICE && owner == to_idev(o)->dev) {
			fprintf(f, " (%s)", to_idev(o)->dev->name);
			return;
		}
		if (o->type == IOMMUFD_OBJ_HWPT_PAGING && owner == to_hwpt(o)->domain) {
			fprintf(f, " (hwpt %zu's aperture)", id);
			return;
		}
	}
	/* a device's reservation outlives nothing here: a device of no bound object */
	const struct device *dev = owner;
	fprintf(f, " (%s)", dev ? dev->name : "?");
}

static void print_ioas(FILE *f, struct kernel *k, struct iommufd_ctx *ictx, struct iommufd_ioas *ioas)
{
	const struct io_pagetable *iopt = &ioas->iopt;
	fprintf(f, "ioas: ");
	print_users(f, ictx, &ioas->obj);
	fprintf(f, "\n      iova alignment 0x%llx, huge pages %s\n", (unsigned long long)iopt->iova_alignment,
		iopt->disable_large_pages ? "off" : "on");
	fprintf(f, "      allowed:");
	if (!iopt->nallowed)
		fprintf(f, " all");
	for (size_t i = 0; i < iopt->nallowed; i++)
		fprintf(f, " 0x%llx-0x%llx", (unsigned long long)iopt->allowed[i].start,
			(unsigned long long)iopt->allowed[i].last);
	fprintf(f, "\n");
	for (size_t i = 0; i < iopt->nreserved; i++) {
		fprintf(f, "      reserved 0x%llx-0x%llx", (unsigned long long)iopt->reserved[i].start,
			(unsigned long long)iopt->reserved[i].last);
		print_owner(f, ictx, iopt->reserved_owner[i]);
		fprintf(f, "\n");
	}
	for (size_t i = 0; i < iopt->nareas; i++) {
		const struct iopt_area *a = &iopt->areas[i];
		u64 uptr = a->pages->uptr + a->start_byte, pa;
		struct uapi_user_block *block;
		fprintf(f, "      area 0x%llx-0x%llx: ", (unsigned long long)a->iova, (unsigned long long)a->last);
		if (!uapi_user_pa(k, uptr, a->last - a->iova + 1, &pa, &block))
			fprintf(f, "user memory at pa 0x%llx", (unsigned long long)pa);
		else
			fprintf(f, "user memory no longer mapped");
		fprintf(f, ", %s%s, %s\n", prot_str(a->iommu_prot), (a->iommu_prot & IOMMU_CACHE) ? " cache" : "",
			a->pinned_block ? "pinned" : "not pinned");
	}
	fprintf(f, "      domains:");
	for (size_t i = 0; i < iopt->ndomains; i++) {
		struct iommufd_hwpt_paging *p = hwpt_of_domain(ictx, iopt->domains[i]);
		if (p)
			fprintf(f, " hwpt %u", p->common.obj.id);
		else
			fprintf(f, " (a domain of no hwpt here)");
	}
	fprintf(f, "%s\n", iopt->ndomains ? "" : " none");
}

/* the SMMU domain behind an iommufd HWPT: stage, tag, page sizes, aperture */
static void print_domain(FILE *f, struct iommu_domain *dom)
{
	if (!dom) {
		fprintf(f, "      domain: none\n");
		return;
	}
	struct arm_smmu_domain *sd = to_smmu_domain(dom);
	const struct arm_smmu_domain_cfg *cfg = sd->cfg;
	fprintf(f, "      domain: ");
	switch (sd->stage) {
	case ARM_SMMU_DOMAIN_S1:
		fprintf(f, "stage 1");
		if (sd->smmu && cfg)
			fprintf(f, ", asid %u", cfg->s1.cd.asid);
		break;
	case ARM_SMMU_DOMAIN_S2:
		fprintf(f, "stage 2");
		if (sd->smmu && cfg)
			fprintf(f, ", vmid %u%s", cfg->s2.vmid, cfg->s2.s2fwb ? ", s2fwb" : "");
		break;
	case ARM_SMMU_DOMAIN_NESTED:
		fprintf(f, "nested (stage 1 of the guest over stage 2)");
		if (cfg && cfg->s2_parent && cfg->s2_parent->cfg)
			fprintf(f, ", vmid %u",
				((const struct arm_smmu_domain_cfg *)cfg->s2_parent->cfg)->s2.vmid);
		break;
	default:
		fprintf(f, "stage %d", (int)sd->stage);
		break;
	}
	if (sd->stage != ARM_SMMU_DOMAIN_NESTED) {
		fprintf(f, ", page sizes ");
		print_page_sizes(f, dom->pgsize_bitmap);
		fprintf(f, ", aperture 0x%llx-0x%llx", (unsigned long long)dom->geometry.aperture_start,
			(unsigned long long)dom->geometry.aperture_end);
	}
	if (sd->smmu)
		fprintf(f, ", smmu %s", sd->smmu->dev->name);
	fprintf(f, "\n");
}

static void print_hwpt_paging(FILE *f, struct iommufd_ctx *ictx, struct iommufd_hwpt_paging *p)
{
	fprintf(f, "hwpt paging: ioas %u, %s%s, ", p->ioas ? p->ioas->obj.id : 0,
		p->auto_domain ? "auto" : "allocated", p->nest_parent ? ", nest parent" : "");
	print_users(f, ictx, &p->common.obj);
	fprintf(f, "\n");
	print_domain(f, p->common.domain);
	print_attached(f, ictx, &p->common);
}

static const char *ste_config_name(unsigned cfg)
{
	switch (cfg) {
	case STRTAB_STE_0_CFG_ABORT: return "abort";
	case STRTAB_STE_0_CFG_BYPASS: return "bypass";
	case STRTAB_STE_0_CFG_S1_TRANS: return "s1-translate";
	case STRTAB_STE_0_CFG_S2_TRANS: return "s2-translate";
	case STRTAB_STE_0_CFG_NESTED: return "nested";
	default: return "reserved";
	}
}

static const char *s1dss_name(unsigned v)
{
	switch (v) {
	case STRTAB_STE_1_S1DSS_TERMINATE: return "terminate";
	case STRTAB_STE_1_S1DSS_BYPASS: return "bypass";
	case STRTAB_STE_1_S1DSS_SSID0: return "ssid0";
	default: return "reserved";
	}
}

/* the guest's STE words as the nested domain keeps them, field by field (SMMUv3 spec 5.2) */
static void print_vste(FILE *f, const u64 ste[2])
{
	fprintf(f, "      vste 0x%016llx 0x%016llx: V %u, Config %s, S1Fmt %u, S1ContextPtr 0x%llx, S1CDMax %u\n",
		(unsigned long long)ste[0], (unsigned long long)ste[1], (unsigned)(ste[0] & STRTAB_STE_0_V),
		ste_config_name((unsigned)FIELD_GET(STRTAB_STE_0_CFG, ste[0])),
		(unsigned)FIELD_GET(STRTAB_STE_0_S1FMT, ste[0]),
		(unsigned long long)(ste[0] & STRTAB_STE_0_S1CTXPTR_MASK),
		(unsigned)FIELD_GET(STRTAB_STE_0_S1CDMAX, ste[0]));
	fprintf(f, "        S1DSS %s, S1CIR %u, S1COR %u, S1CSH %u, S1STALLD %u, EATS %u\n",
		s1dss_name((unsigned)FIELD_GET(STRTAB_STE_1_S1DSS, ste[1])),
		(unsigned)FIELD_GET(STRTAB_STE_1_S1CIR, ste[1]), (unsigned)FIELD_GET(STRTAB_STE_1_S1COR, ste[1]),
		(unsigned)FIELD_GET(STRTAB_STE_1_S1CSH, ste[1]), (unsigned)!!(ste[1] & STRTAB_STE_1_S1STALLD),
		(unsigned)FIELD_GET(STRTAB_STE_1_EATS, ste[1]));
}

static void print_hwpt_nested(FILE *f, struct iommufd_ctx *ictx, struct iommufd_hwpt_nested *n)
{
	fprintf(f, "hwpt nested: parent hwpt %u", n->parent ? n->parent->common.obj.id : 0);
	if (n->viommu)
		fprintf(f, ", viommu %u", n->viommu->obj.id);
	fprintf(f, ", ");
	print_users(f, ictx, &n->common.obj);
	fprintf(f, "\n");
	struct iommu_domain *dom = n->common.domain;
	print_domain(f, dom);
	if (dom && to_smmu_domain(dom)->cfg)
		print_vste(f, ((const struct arm_smmu_domain_cfg *)to_smmu_domain(dom)->cfg)->nested_ste);
	print_attached(f, ictx, &n->common);
}

static void print_viommu(FILE *f, struct iommufd_ctx *ictx, struct iommufd_viommu *v)
{
	fprintf(f, "viommu %s: ", v->type == IOMMU_VIOMMU_TYPE_ARM_SMMUV3 ? "arm-smmuv3" : "?");
	if (v->vsmmu)
		fprintf(f, "smmu %s, ", v->vsmmu->smmu->dev->name);
	fprintf(f, "nest parent hwpt %u", v->hwpt ? v->hwpt->common.obj.id : 0);
	if (v->vsmmu)
		fprintf(f, ", vmid %u", v->vsmmu->vmid);
	fprintf(f, ", ");
	print_users(f, ictx, &v->obj);
	fprintf(f, "\n");
}

/* the physical StreamID the SMMU driver knows the device by (its first stream) */
static void print_vdevice(FILE *f, struct iommufd_ctx *ictx, struct iommufd_vdevice *vd)
{
	fprintf(f, "vdevice: viommu %u, device %u (%s), virtual sid 0x%llx", vd->viommu->obj.id, vd->idev->obj.id,
		vd->idev->dev->name, (unsigned long long)vd->virt_id);
	const struct dev_iommu *di = vd->idev->dev->iommu;
	const struct arm_smmu_master *master = di ? di->priv : NULL;
	if (master && master->num_streams)
		fprintf(f, " -> physical sid 0x%x", master->streams[0].id);
	fprintf(f, ", ");
	print_users(f, ictx, &vd->obj);
	fprintf(f, "\n");
}

/* the entries on an event queue's deliver list (the lost-events header counts as one) */
static size_t deliver_len(const struct iommufd_eventq *eventq)
{
	size_t n = 0;
	for (const struct iommufd_vevent *e = eventq->deliver.next; e && e != &eventq->deliver; e = e->next)
		n++;
	return n;
}

/* the queue's fd, or that it is closed (DESTROY then takes the object) */
static void print_eventq_fd(FILE *f, struct kernel *k, const struct iommufd_eventq *eventq)
{
	int fd = eventq_fd_of(k, eventq);
	if (fd >= 0)
		fprintf(f, "fd %d", fd);
	else if (eventq->file)
		fprintf(f, "its file open, no fd");
	else
		fprintf(f, "fd closed");
}

/*
 * A fault object: the groups on its deliver list, and those read and
 * awaiting a response (7.3's response xarray). No page request reaches a
 * fault queue in the model (no PRI or stall on QEMU), so it keeps no
 * response list: none await one.
 */
static void print_fault(FILE *f, struct kernel *k, struct iommufd_ctx *ictx, struct iommufd_fault *fault)
{
	fprintf(f, "fault: ");
	print_eventq_fd(f, k, &fault->common);
	fprintf(f, ", queued %zu, awaiting response 0, ", deliver_len(&fault->common));
	print_users(f, ictx, &fault->common.obj);
	fprintf(f, "\n");
}

static void print_veventq(FILE *f, struct kernel *k, struct iommufd_ctx *ictx, struct iommufd_veventq *vq)
{
	bool lost = vq->lost_events_header.next != &vq->lost_events_header;
	if (vq->type == IOMMU_VEVENTQ_TYPE_ARM_SMMUV3)
		fprintf(f, "veventq arm-smmuv3: ");
	else
		fprintf(f, "veventq type %u: ", vq->type);
	fprintf(f, "viommu %u, depth %u, queued %u, lost events %s, next sequence %u, ", vq->viommu->obj.id,
		vq->depth, vq->num_events, lost ? "yes (header queued)" : "no", vq->sequence);
	print_eventq_fd(f, k, &vq->common);
	fprintf(f, ", ");
	print_users(f, ictx, &vq->common.obj);
	fprintf(f, "\n");
}

static void print_object(FILE *f, struct kernel *k, struct iommufd_ctx *ictx, struct iommufd_object *o)
{
	fprintf(f, "  %u ", o->id);
	switch (o->type) {
	case IOMMUFD_OBJ_DEVICE:
		print_device(f, k, to_idev(o));
		print_users(f, ictx, o);
		fprintf(f, "\n");
		break;
	case IOMMUFD_OBJ_IOAS:
		print_ioas(f, k, ictx, to_ioas(o));
		break;
	case IOMMUFD_OBJ_HWPT_PAGING:
		print_hwpt_paging(f, ictx, to_hwpt_paging(to_hwpt(o)));
		break;
	case IOMMUFD_OBJ_HWPT_NESTED:
		print_hwpt_nested(f, ictx, to_hwpt_nested(to_hwpt(o)));
		break;
	case IOMMUFD_OBJ_VIOMMU:
		print_viommu(f, ictx, to_viommu(o));
		break;
	case IOMMUFD_OBJ_VDEVICE:
		print_vdevice(f, ictx, to_vdevice(o));
		break;
	case IOMMUFD_OBJ_FAULT:
		print_fault(f, k, ictx, to_fault(o));
		break;
	case IOMMUFD_OBJ_VEVENTQ:
		print_veventq(f, k, ictx, to_veventq(o));
		break;
	case IOMMUFD_OBJ_NONE:
		fprintf(f, "tombstone: the vdevice of an unbound device (its id stays taken until close)\n");
		break;
	default:
		fprintf(f, "object of type %d\n", (int)o->type);
		break;
	}
}

static const char *account_name(enum iopt_pages_account_mode m)
{
	switch (m) {
	case IOPT_PAGES_ACCOUNT_NONE: return "none";
	case IOPT_PAGES_ACCOUNT_USER: return "user";
	case IOPT_PAGES_ACCOUNT_MM: return "mm";
	}
	return "?";
}

static void print_ctx(FILE *f, struct kernel *k, struct iommufd_ctx *ictx, int fd, const char *holder)
{
	if (fd >= 0)
		fprintf(f, "/dev/iommu fd %d:", fd);
	else
		fprintf(f, "/dev/iommu (no fd: held by %s):", holder);
	fprintf(f, " %zu objects, rlimit mode %s\n", iommufd_object_count(ictx), account_name(ictx->account_mode));
	for (size_t id = 1; id < ictx->nobjects; id++)
		if (ictx->objects[id])
			print_object(f, k, ictx, ictx->objects[id]);
}

/*
 * The iommufd files of the process, each once: by its lowest fd on
 * /dev/iommu (a dup'd fd names the same context), then the files only a
 * bound cdev keeps open, then those only an event queue's fd keeps open
 * (-1: no fd; holder says what keeps it).
 */
struct ctx_file {
	struct uapi_file *file;
	int fd;
	const char *holder;
};

static size_t collect_files(struct kernel *k, struct ctx_file *out, size_t max)
{
	size_t n = 0;
	static const char *const holders[] = { NULL, "a bound vfio device", "an event queue's fd" };
	for (int pass = 0; pass < 3; pass++) {
		for (int fd = 0; fd < UAPI_MAX_FDS && n < max; fd++) {
			struct uapi_file *f = uapi_fget(k, fd);
			if (!f)
				continue;
			struct uapi_file *file = NULL;
			if (pass == 0 && f->kind == UAPI_FILE_IOMMUFD)
				file = f;
			else if (pass == 1 && f->kind == UAPI_FILE_VFIO_DEVICE && f->device)
				file = f->device->iommufd;
			else if (pass == 2 && f->kind == UAPI_FILE_IOMMUFD_EVENTQ && f->eventq)
				file = f->eventq->ictx->file;
			if (!file)
				continue;
			bool seen = false;
			for (size_t i = 0; i < n; i++)
				seen |= out[i].file == file;
			if (!seen)
				out[n++] = (struct ctx_file){ file, pass == 0 ? fd : -1, holders[pass] };
		}
	}
	return n;
}

#define MAX_CTX_SHOWN 64

static int iommufd_debug_read(struct kernel *k, const char *rest, struct sysfs_buf *out)
{
	struct ctx_file files[MAX_CTX_SHOWN];
	size_t nfiles = 0;
	if (rest && *rest) {
		char *end;
		long v = strtol(rest, &end, 10);
		if (*end || end == rest || v < 0 || v >= UAPI_MAX_FDS)
			return -ENOENT;
		struct uapi_file *file = uapi_fget(k, (int)v);
		if (!file || file->kind != UAPI_FILE_IOMMUFD)
			return -ENOENT;
		files[nfiles++] = (struct ctx_file){ file, (int)v, NULL };
	} else {
		nfiles = collect_files(k, files, MAX_CTX_SHOWN);
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	if (!iommufd_devnode_present(k))
		fprintf(f, "iommufd: not built (CONFIG_IOMMUFD is not set)\n");
	else if (!nfiles)
		fprintf(f, "no /dev/iommu open\n");
	for (size_t i = 0; i < nfiles; i++)
		print_ctx(f, k, files[i].file->iommufd, files[i].fd, files[i].holder);
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	out->text = buf;
	return 0;
}

void iommufd_register_debugfs(void)
{
	sysfs_register_debug("iommufd", iommufd_debug_read);
}
