/*
 * iommufd's event queues (7.3's eventq.c): the objects a file descriptor
 * reads events from.
 *
 * - IOMMU_FAULT_QUEUE_ALLOC: a fault object (IOMMUFD_OBJ_FAULT), named by
 *   HWPT_ALLOC's fault_id with IOMMU_HWPT_FAULT_ID_VALID, whose fd reads
 *   struct iommu_hwpt_pgfault and takes struct iommu_hwpt_page_response.
 *   Page requests come from PRI or stall, which neither QEMU's SMMUv3 nor
 *   its devices have: the queue never fills, a read answers 0 and every
 *   response names no pending group (EINVAL).
 * - IOMMU_VEVENTQ_ALLOC: a vIOMMU's event queue of one type
 *   (IOMMUFD_OBJ_VEVENTQ, one per type and vIOMMU: EEXIST), veventq_depth
 *   events deep. The driver reports what belongs to the guest
 *   (iommufd_viommu_report_event(): arm-smmu-v3's stage-1 faults of a
 *   device attached to a nested domain, its StreamID replaced by the vSID);
 *   a read gives each as struct iommufd_vevent_header and its data, and a
 *   lone header with IOMMU_VEVENTQ_FLAG_LOST_EVENTS where the queue was full.
 *
 * Each queue's file holds a user of its object (IOMMU_DESTROY is EBUSY
 * until the fd is closed) and a reference on the /dev/iommu file; a
 * vEVENTQ holds a user of its vIOMMU.
 */
#ifndef IOMMUSIM_UAPI_IOMMUFD_EVENTQ_H
#define IOMMUSIM_UAPI_IOMMUFD_EVENTQ_H

#include <sys/types.h>
#include "uapi/iommufd.h"

struct uapi_file;

/* one queued vEVENT (struct iommufd_vevent), on its queue's deliver list */
struct iommufd_vevent {
	struct iommufd_vevent_header header;
	struct iommufd_vevent *prev, *next;
	size_t data_len;		/* 0: the lost-events header */
	unsigned char data[32];		/* the largest type's record (arm-smmu-v3's four words) */
};

/* the head of both kinds (struct iommufd_eventq) */
struct iommufd_eventq {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct uapi_file *file;		/* the anonymous file behind the fd */
	struct iommufd_vevent deliver;	/* the list's sentinel */
};

/* IOMMUFD_OBJ_FAULT */
struct iommufd_fault {
	struct iommufd_eventq common;
};

/* IOMMUFD_OBJ_VEVENTQ */
struct iommufd_veventq {
	struct iommufd_eventq common;
	struct iommufd_viommu *viommu;
	u32 type;			/* enum iommu_veventq_type */
	u32 depth;			/* veventq_depth */
	u32 num_events;			/* normal vEVENTs queued */
	u32 sequence;			/* the next vEVENT's, wrapping at INT_MAX */
	struct iommufd_vevent lost_events_header;
};

static inline struct iommufd_eventq *to_eventq(struct iommufd_object *obj)
{
	return IOMMUFD_CONTAINER_OF(obj, struct iommufd_eventq, obj);
}
static inline struct iommufd_fault *to_fault(struct iommufd_object *obj)
{
	return IOMMUFD_CONTAINER_OF(to_eventq(obj), struct iommufd_fault, common);
}
static inline struct iommufd_veventq *to_veventq(struct iommufd_object *obj)
{
	return IOMMUFD_CONTAINER_OF(to_eventq(obj), struct iommufd_veventq, common);
}

/* the ioctls */
int iommufd_fault_alloc(struct iommufd_ucmd *ucmd, struct iommu_fault_alloc *cmd);
int iommufd_veventq_alloc(struct iommufd_ucmd *ucmd, struct iommu_veventq_alloc *cmd);
/* their objects' ends (IOMMU_DESTROY, the context's release): users are 0 */
void iommufd_fault_destroy(struct iommufd_fault *fault);
void iommufd_veventq_destroy(struct iommufd_veventq *veventq);

/* the vIOMMU's vEVENTQ of this type, or NULL (iommufd_viommu_find_veventq) */
struct iommufd_veventq *iommufd_viommu_find_veventq(struct iommufd_viommu *viommu, u32 type);
/*
 * iommufd_viommu_report_event(): queue an event of data_len bytes (at most
 * 32) on viommu's vEVENTQ of this type: 0 (queued, or counted as lost when
 * the queue is full), -EOPNOTSUPP (no such vEVENTQ), -EINVAL (no data).
 */
int iommufd_viommu_report_event(struct iommufd_viommu *viommu, u32 type, const void *data, size_t data_len);

/*
 * The queue files' operations (file.c calls them): read(2) and write(2) at
 * position 0 (what the queue's fops give, or -errno), and the file's
 * release (the object loses its file's user, the context its reference).
 */
ssize_t iommufd_eventq_fops_read(struct iommufd_eventq *eventq, void *buf, size_t count);
ssize_t iommufd_eventq_fops_write(struct iommufd_eventq *eventq, const void *buf, size_t count);
void iommufd_eventq_fops_release(struct kernel *k, struct iommufd_eventq *eventq);

#endif
