/*
 * iommufd's event queues (7.3's eventq.c and driver.c's report): the fault
 * object and the vEVENTQ, their anonymous files, what read(2) and write(2)
 * on those give. See uapi/iommufd_eventq.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "uapi/iommufd_eventq.h"
#include "uapi/uapi.h"

/* ---- the deliver list (a list_head with its sentinel in the queue) ---- */

static void list_init(struct iommufd_vevent *head)
{
	head->prev = head->next = head;
}

static bool list_empty(const struct iommufd_vevent *head)
{
	return head->next == head;
}

static void list_add_after(struct iommufd_vevent *node, struct iommufd_vevent *pos)
{
	node->prev = pos;
	node->next = pos->next;
	pos->next->prev = node;
	pos->next = node;
}

static void list_del(struct iommufd_vevent *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	node->prev = node->next = node;
}

/* ---- the anonymous file of a queue (iommufd_eventq_init) ---- */

/*
 * A file named name for the queue: it holds a user of the object and a
 * reference on the context's /dev/iommu file; the fd (the lowest free), or
 * -errno with nothing taken.
 */
static int eventq_init(struct iommufd_eventq *eventq, struct iommufd_ctx *ictx, enum uapi_file_kind kind)
{
	struct uapi_file *file = calloc(1, sizeof(*file));
	if (!file)
		return -ENOMEM;
	list_init(&eventq->deliver);
	file->kind = kind;
	file->eventq = eventq;
	eventq->ictx = ictx;
	eventq->file = file;
	uapi_file_opened(ictx->k, file);
	int fd = uapi_install(ictx->k, file);
	if (fd < 0) {
		free(file);
		eventq->file = NULL;
		return fd;
	}
	/* the fd holds the file's one reference */
	eventq->obj.users++;
	if (ictx->file)
		uapi_file_get(ictx->file);
	return fd;
}

void iommufd_eventq_fops_release(struct kernel *k, struct iommufd_eventq *eventq)
{
	/* the object may go once its user is dropped: the context's reference last */
	struct uapi_file *ictx_file = eventq->ictx->file;
	eventq->obj.users--;
	eventq->file = NULL;
	if (ictx_file)
		uapi_file_put(k, ictx_file);
}

/* ---- IOMMU_FAULT_QUEUE_ALLOC ---- */

int iommufd_fault_alloc(struct iommufd_ucmd *ucmd, struct iommu_fault_alloc *cmd)
{
	if (cmd->flags)
		return -EOPNOTSUPP;
	struct iommufd_fault *fault = calloc(1, sizeof(*fault));
	if (!fault)
		return -ENOMEM;
	fault->common.obj.type = IOMMUFD_OBJ_FAULT;
	int rc = iommufd_object_add(ucmd->ictx, &fault->common.obj);
	if (rc) {
		free(fault);
		return rc;
	}
	int fd = eventq_init(&fault->common, ucmd->ictx, UAPI_FILE_IOMMUFD_EVENTQ);
	if (fd < 0) {
		ucmd->ictx->objects[fault->common.obj.id] = NULL;
		free(fault);
		return fd;
	}
	cmd->out_fault_id = fault->common.obj.id;
	cmd->out_fault_fd = (u32)fd;
	iommufd_ucmd_respond(ucmd, cmd, sizeof(*cmd));
	return 0;
}

void iommufd_fault_destroy(struct iommufd_fault *fault)
{
	/* no page request ever waits here (no PRI, no stall): nothing to answer */
	free(fault);
}

/*
 * The fault file's read: whole struct iommu_hwpt_pgfault records only
 * (ESPIPE otherwise); with no group queued, 0.
 */
static ssize_t fault_fops_read(struct iommufd_fault *fault, void *buf, size_t count)
{
	(void)fault;
	(void)buf;
	if (count % sizeof(struct iommu_hwpt_pgfault))
		return -ESPIPE;
	return 0;
}

/*
 * The fault file's write: whole struct iommu_hwpt_page_response records
 * (ESPIPE otherwise); a code other than SUCCESS/INVALID, or a cookie no
 * read handed out (all of them here), stops it: EINVAL when it is the first.
 */
static ssize_t fault_fops_write(struct iommufd_fault *fault, const void *buf, size_t count)
{
	(void)fault;
	if (count % sizeof(struct iommu_hwpt_page_response))
		return -ESPIPE;
	if (!count)
		return 0;
	if (!buf)
		return -EFAULT;
	/* the first response: its code is checked, then its cookie looked up */
	return -EINVAL;
}

/* ---- IOMMU_VEVENTQ_ALLOC ---- */

/* an arbitrary bound on veventq_depth (VEVENTQ_MAX_DEPTH) */
#define VEVENTQ_MAX_DEPTH (1U << 19)

struct iommufd_veventq *iommufd_viommu_find_veventq(struct iommufd_viommu *viommu, u32 type)
{
	struct iommufd_ctx *ictx = viommu->ictx;
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *obj = ictx->objects[id];
		if (obj && obj->type == IOMMUFD_OBJ_VEVENTQ && to_veventq(obj)->viommu == viommu &&
		    to_veventq(obj)->type == type)
			return to_veventq(obj);
	}
	return NULL;
}

int iommufd_veventq_alloc(struct iommufd_ucmd *ucmd, struct iommu_veventq_alloc *cmd)
{
	/* the type is not checked against the vIOMMU's: any but DEFAULT is taken */
	if (cmd->flags || cmd->__reserved || cmd->type == IOMMU_VEVENTQ_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->veventq_depth || cmd->veventq_depth > VEVENTQ_MAX_DEPTH)
		return -EINVAL;
	struct iommufd_object *vobj = iommufd_get_object(ucmd->ictx, cmd->viommu_id, IOMMUFD_OBJ_VIOMMU);
	if (!vobj)
		return -ENOENT;
	struct iommufd_viommu *viommu = to_viommu(vobj);
	if (iommufd_viommu_find_veventq(viommu, cmd->type))
		return -EEXIST;
	struct iommufd_veventq *veventq = calloc(1, sizeof(*veventq));
	if (!veventq)
		return -ENOMEM;
	veventq->common.obj.type = IOMMUFD_OBJ_VEVENTQ;
	veventq->type = cmd->type;
	veventq->viommu = viommu;
	veventq->depth = cmd->veventq_depth;
	list_init(&veventq->lost_events_header);
	veventq->lost_events_header.header.flags = IOMMU_VEVENTQ_FLAG_LOST_EVENTS;
	int rc = iommufd_object_add(ucmd->ictx, &veventq->common.obj);
	if (rc) {
		free(veventq);
		return rc;
	}
	int fd = eventq_init(&veventq->common, ucmd->ictx, UAPI_FILE_IOMMUFD_EVENTQ);
	if (fd < 0) {
		ucmd->ictx->objects[veventq->common.obj.id] = NULL;
		free(veventq);
		return fd;
	}
	viommu->obj.users++;
	cmd->out_veventq_id = veventq->common.obj.id;
	cmd->out_veventq_fd = (u32)fd;
	iommufd_ucmd_respond(ucmd, cmd, sizeof(*cmd));
	return 0;
}

void iommufd_veventq_destroy(struct iommufd_veventq *veventq)
{
	struct iommufd_vevent *head = &veventq->common.deliver;
	while (!list_empty(head)) {
		struct iommufd_vevent *cur = head->next;
		list_del(cur);
		if (cur != &veventq->lost_events_header)
			free(cur);
	}
	veventq->viommu->obj.users--;
	free(veventq);
}

/*
 * iommufd_vevent_handler(): the lost-events header, when last, makes way
 * for the new entry (which may be the header again, with a new sequence).
 */
static void vevent_handler(struct iommufd_veventq *veventq, struct iommufd_vevent *vevent)
{
	struct iommufd_vevent *head = &veventq->common.deliver;
	if (head->prev == &veventq->lost_events_header)
		list_del(&veventq->lost_events_header);
	list_add_after(vevent, head->prev);
	vevent->header.sequence = veventq->sequence;
	veventq->sequence = (veventq->sequence + 1) & INT_MAX;
}

int iommufd_viommu_report_event(struct iommufd_viommu *viommu, u32 type, const void *data, size_t data_len)
{
	if (!data || !data_len || data_len > sizeof(((struct iommufd_vevent *)0)->data))
		return -EINVAL;
	struct iommufd_veventq *veventq = iommufd_viommu_find_veventq(viommu, type);
	if (!veventq)
		return -EOPNOTSUPP;
	struct iommufd_vevent *vevent = NULL;
	if (veventq->num_events < veventq->depth)
		vevent = calloc(1, sizeof(*vevent));
	if (!vevent) {
		/* full (or no memory: -ENOMEM there): the event is lost, the header says so */
		int rc = veventq->num_events < veventq->depth ? -ENOMEM : 0;
		vevent_handler(veventq, &veventq->lost_events_header);
		return rc;
	}
	list_init(vevent);
	vevent->data_len = data_len;
	memcpy(vevent->data, data, data_len);
	veventq->num_events++;
	vevent_handler(veventq, vevent);
	return 0;
}

/*
 * The vEVENTQ file's read: at least a header's room (EINVAL); as many whole
 * vEVENTs as fit, oldest first, each header then data; a vEVENT that does
 * not fit stays (EINVAL when it is the first). An empty queue reads 0.
 */
static ssize_t veventq_fops_read(struct iommufd_veventq *veventq, void *buf, size_t count)
{
	const size_t hdr = sizeof(struct iommufd_vevent_header);
	struct iommufd_vevent *head = &veventq->common.deliver;
	size_t done = 0;
	ssize_t rc = 0;
	if (count < hdr)
		return -EINVAL;
	if (!buf)
		return list_empty(head) ? 0 : -EFAULT;
	while (!list_empty(head)) {
		struct iommufd_vevent *cur = head->next;
		bool lost = cur == &veventq->lost_events_header;
		if (done >= count || hdr > count - done)
			break;
		if (!lost && hdr + cur->data_len > count - done) {
			if (!done)
				rc = -EINVAL;
			break;
		}
		memcpy((char *)buf + done, &cur->header, hdr);
		done += hdr;
		memcpy((char *)buf + done, cur->data, cur->data_len);
		done += cur->data_len;
		list_del(cur);
		if (!lost) {
			veventq->num_events--;
			free(cur);
		}
	}
	return done ? (ssize_t)done : rc;
}

/* ---- the files' read and write (INIT_EVENTQ_FOPS: the vEVENTQ has no write) ---- */

ssize_t iommufd_eventq_fops_read(struct iommufd_eventq *eventq, void *buf, size_t count)
{
	if (eventq->obj.type == IOMMUFD_OBJ_FAULT)
		return fault_fops_read(to_fault(&eventq->obj), buf, count);
	return veventq_fops_read(to_veventq(&eventq->obj), buf, count);
}

ssize_t iommufd_eventq_fops_write(struct iommufd_eventq *eventq, const void *buf, size_t count)
{
	if (eventq->obj.type == IOMMUFD_OBJ_FAULT)
		return fault_fops_write(to_fault(&eventq->obj), buf, count);
	/* vfs_write() without a write op */
	return -EINVAL;
}
