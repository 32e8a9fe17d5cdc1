/*
 * The iommufd verb's lines for the event queues and the rest of 7.3's table:
 * vEVENTQs, the fault queue, the compat IOAS, CHANGE_PROCESS, HW_QUEUE_ALLOC,
 * NOIOMMU_GET_PA.
 */
#ifndef IOMMUSIM_SCRIPT_IOMMUFD_EXEC_QUEUES_H
#define IOMMUSIM_SCRIPT_IOMMUFD_EXEC_QUEUES_H

#include "iommufd_exec_base.h"

/* --- vEVENTQs --- */

/* the slot of the vEVENTQ or fault queue with this id whose fd is open, or -1 after saying so */
static inline int ifd_queue_index(const struct iommufd_exec *x, uint32_t id)
{
	for (int i = 0; i < x->state->nqueues; i++)
		if (x->state->queues[i].id == id && x->state->queues[i].fd >= 0)
			return i;
	fprintf(x->out, "iommufd: no open queue fd of object %u\n", id);
	return -1;
}

/* room for one more queue fd, or -ENOSPC after saying so */
static inline int ifd_queue_room(const struct iommufd_exec *x)
{
	if (x->state->nqueues < IOMMUFD_EXEC_MAX_QUEUES)
		return 0;
	fprintf(x->out, "iommufd: too many queues\n");
	return -ENOSPC;
}

/* keep a new queue's fd for its object id */
static inline void ifd_queue_add(const struct iommufd_exec *x, uint32_t id, int fd)
{
	x->state->queues[x->state->nqueues].id = id;
	x->state->queues[x->state->nqueues].fd = fd;
	x->state->nqueues++;
}

/* close(2) of the queue fd of object id */
static inline int ifd_queue_close(const struct iommufd_exec *x, uint32_t id)
{
	int q = ifd_queue_index(x, id);
	if (q < 0)
		return -EBADF;
	long ret = x->ops->close(x->host, x->state->queues[q].fd);
	x->state->queues[q].fd = -1;
	if (!ret)
		fprintf(x->out, "ok\n");
	return ifd_result(x, ret);
}

/* the vEVENTs of one read: header (flags, sequence), then an ARM SMMUv3 record unless lost-events */
static inline void ifd_print_vevents(const struct iommufd_exec *x, const unsigned char *buf, size_t n)
{
	size_t off = 0;
	while (off + 8 <= n) {
		uint32_t flags, seq;
		memcpy(&flags, buf + off, 4);
		memcpy(&seq, buf + off + 4, 4);
		off += 8;
		if (flags & IOMMU_VEVENTQ_FLAG_LOST_EVENTS) {
			fprintf(x->out, "lost-events %u\n", seq);
			continue;
		}
		uint64_t w[4] = { 0, 0, 0, 0 };
		size_t len = n - off < sizeof(w) ? n - off : sizeof(w);
		memcpy(w, buf + off, len);
		off += len;
		fprintf(x->out, "vevent %u %016llx %016llx %016llx %016llx\n", seq, (unsigned long long)w[0],
			(unsigned long long)w[1], (unsigned long long)w[2], (unsigned long long)w[3]);
	}
}

/* iommufd veventq alloc VIOMMU-ID [type=arm-smmuv3|N] [depth=N] | veventq ID read [len=N] | veventq ID close */
static inline int ifd_veventq(const struct iommufd_exec *x, int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[2], "alloc")) {
		static const char *const keys[] = { "type", "depth", NULL };
		struct iommu_veventq_alloc cmd = { .size = sizeof(cmd) };
		struct ifd_opts o = { .keys = keys };
		if (ifd_parse_u32(argv[3], &cmd.viommu_id) || ifd_parse_opts(argc, argv, 4, &o) ||
		    (o.key_set[0] && o.key_val[0] > 0xffffffffu) || (o.key_set[1] && o.key_val[1] > 0xffffffffu))
			return ifd_usage(x);
		int fd = ifd_iommufd(x);
		if (fd < 0)
			return -EBADF;
		int room = ifd_queue_room(x);
		if (room)
			return room;
		cmd.type = o.key_set[0] ? (uint32_t)o.key_val[0] : IOMMU_VEVENTQ_TYPE_ARM_SMMUV3;
		cmd.veventq_depth = o.key_set[1] ? (uint32_t)o.key_val[1] : 16;
		if (o.has_flags)
			cmd.flags = o.flags;
		long ret = ifd_ioctl(x, fd, IOMMU_VEVENTQ_ALLOC, &cmd, sizeof(cmd), &o);
		if (ret)
			return ifd_result(x, ret);
		ifd_queue_add(x, cmd.out_veventq_id, (int)cmd.out_veventq_fd);
		fprintf(x->out, "ok veventq %u\n", cmd.out_veventq_id);
		return 0;
	}
	uint32_t id;
	if (argc < 4 || ifd_parse_u32(argv[2], &id))
		return ifd_usage(x);
	if (!strcmp(argv[3], "close") && argc == 4)
		return ifd_queue_close(x, id);
	static const char *const keys[] = { "len", NULL };
	struct ifd_opts o = { .keys = keys };
	if (strcmp(argv[3], "read") || ifd_parse_opts(argc, argv, 4, &o) || o.has_size || o.has_tail ||
	    o.has_flags || (o.key_set[0] && o.key_val[0] > IOMMUFD_EXEC_BUF))
		return ifd_usage(x);
	int q = ifd_queue_index(x, id);
	if (q < 0)
		return -EBADF;
	if (!x->ops->read) {
		fprintf(x->out, "iommufd: no read(2) here\n");
		return -ENOSYS;
	}
	_Alignas(8) unsigned char buf[IOMMUFD_EXEC_BUF];
	memset(buf, 0, sizeof(buf));
	long n = x->ops->read(x->host, x->state->queues[q].fd, buf, o.key_set[0] ? (size_t)o.key_val[0] : 256);
	if (n < 0)
		return ifd_result(x, n);
	fprintf(x->out, "ok %ld bytes\n", n);
	ifd_print_vevents(x, buf, (size_t)n);
	return 0;
}


/* --- the fault queue, dirty tracking, the compat IOAS and the ioctls with nothing to do here --- */

/* iommufd fault alloc | fault ID read [len=N] | write COOKIE:CODE... | close */
static inline int ifd_fault(const struct iommufd_exec *x, int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[2], "alloc")) {
		struct iommu_fault_alloc cmd = { .size = sizeof(cmd) };
		struct ifd_opts o = { 0 };
		if (ifd_parse_opts(argc, argv, 3, &o))
			return ifd_usage(x);
		int fd = ifd_iommufd(x);
		if (fd < 0)
			return -EBADF;
		int room = ifd_queue_room(x);
		if (room)
			return room;
		if (o.has_flags)
			cmd.flags = o.flags;
		long ret = ifd_ioctl(x, fd, IOMMU_FAULT_QUEUE_ALLOC, &cmd, sizeof(cmd), &o);
		if (ret)
			return ifd_result(x, ret);
		ifd_queue_add(x, cmd.out_fault_id, (int)cmd.out_fault_fd);
		fprintf(x->out, "ok fault %u\n", cmd.out_fault_id);
		return 0;
	}
	uint32_t id;
	if (argc < 4 || ifd_parse_u32(argv[2], &id))
		return ifd_usage(x);
	if (!strcmp(argv[3], "close") && argc == 4)
		return ifd_queue_close(x, id);
	_Alignas(8) unsigned char buf[IOMMUFD_EXEC_BUF];
	memset(buf, 0, sizeof(buf));
	long n;
	if (!strcmp(argv[3], "write")) {
		/* struct iommu_hwpt_page_response: cookie, code */
		size_t len = 0;
		for (int i = 4; i < argc; i++) {
			uint64_t w[2];
			if (ifd_parse_pair(argv[i], ':', w) || w[0] > 0xffffffffu || w[1] > 0xffffffffu ||
			    len + 8 > sizeof(buf))
				return ifd_usage(x);
			uint32_t r[2] = { (uint32_t)w[0], (uint32_t)w[1] };
			memcpy(buf + len, r, sizeof(r));
			len += sizeof(r);
		}
		int q = ifd_queue_index(x, id);
		if (q < 0)
			return -EBADF;
		if (!x->ops->write) {
			fprintf(x->out, "iommufd: no write(2) here\n");
			return -ENOSYS;
		}
		n = x->ops->write(x->host, x->state->queues[q].fd, buf, len);
	} else {
		static const char *const keys[] = { "len", NULL };
		struct ifd_opts o = { .keys = keys };
		if (strcmp(argv[3], "read") || ifd_parse_opts(argc, argv, 4, &o) || o.has_size || o.has_tail ||
		    o.has_flags || (o.key_set[0] && o.key_val[0] > IOMMUFD_EXEC_BUF))
			return ifd_usage(x);
		int q = ifd_queue_index(x, id);
		if (q < 0)
			return -EBADF;
		if (!x->ops->read) {
			fprintf(x->out, "iommufd: no read(2) here\n");
			return -ENOSYS;
		}
		n = x->ops->read(x->host, x->state->queues[q].fd, buf, o.key_set[0] ? (size_t)o.key_val[0] : 240);
	}
	if (n < 0)
		return ifd_result(x, n);
	fprintf(x->out, "ok %ld bytes\n", n);
	return 0;
}

/* iommufd vfio-ioas get | set ID | clear | op=N [ID] */
static inline int ifd_vfio_ioas(const struct iommufd_exec *x, int argc, char **argv)
{
	static const char *const keys[] = { "op", NULL };
	struct iommu_vfio_ioas cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { .keys = keys };
	int from = 3;
	if (argc < 3)
		return ifd_usage(x);
	if (!strcmp(argv[2], "get")) {
		cmd.op = IOMMU_VFIO_IOAS_GET;
	} else if (!strcmp(argv[2], "clear")) {
		cmd.op = IOMMU_VFIO_IOAS_CLEAR;
	} else if (!strcmp(argv[2], "set")) {
		if (argc < 4 || ifd_parse_u32(argv[3], &cmd.ioas_id))
			return ifd_usage(x);
		cmd.op = IOMMU_VFIO_IOAS_SET;
		from = 4;
	} else {
		from = 2;
	}
	/* op=N: a raw op, with an optional ID after it */
	if (from == 2) {
		if (ifd_parse_opts(argc > 3 ? 3 : argc, argv, 2, &o) || !o.key_set[0] || o.key_val[0] > 0xffff ||
		    (argc > 3 && (argc > 4 || ifd_parse_u32(argv[3], &cmd.ioas_id))))
			return ifd_usage(x);
		cmd.op = (uint16_t)o.key_val[0];
	} else if (ifd_parse_opts(argc, argv, from, &o) || o.key_set[0]) {
		return ifd_usage(x);
	}
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	long ret = ifd_ioctl(x, fd, IOMMU_VFIO_IOAS, &cmd, sizeof(cmd), &o);
	if (ret)
		return ifd_result(x, ret);
	if (cmd.op == IOMMU_VFIO_IOAS_GET)
		fprintf(x->out, "ok ioas %u\n", cmd.ioas_id);
	else
		fprintf(x->out, "ok\n");
	return 0;
}

/* iommufd change-process */
static inline int ifd_change_process(const struct iommufd_exec *x, int argc, char **argv)
{
	struct iommu_ioas_change_process cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	if (ifd_parse_opts(argc, argv, 2, &o) || o.has_flags)
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_CHANGE_PROCESS, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok\n");
	return ifd_result(x, ret);
}

/* iommufd hw-queue alloc VIOMMU-ID IOVA SIZE [type=N] [index=N] */
static inline int ifd_hw_queue(const struct iommufd_exec *x, int argc, char **argv)
{
	static const char *const keys[] = { "type", "index", NULL };
	struct iommu_hw_queue_alloc cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { .keys = keys };
	uint64_t iova, length;
	if (argc < 6 || strcmp(argv[2], "alloc") || ifd_parse_u32(argv[3], &cmd.viommu_id) ||
	    ifd_parse_u64(argv[4], &iova) || ifd_parse_u64(argv[5], &length) ||
	    ifd_parse_opts(argc, argv, 6, &o) || (o.key_set[0] && o.key_val[0] > 0xffffffffu) ||
	    (o.key_set[1] && o.key_val[1] > 0xffffffffu))
		return ifd_usage(x);
	cmd.nesting_parent_iova = iova;
	cmd.length = length;
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	/* type 1: IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV */
	cmd.type = o.key_set[0] ? (uint32_t)o.key_val[0] : 1;
	cmd.index = o.key_set[1] ? (uint32_t)o.key_val[1] : 0;
	if (o.has_flags)
		cmd.flags = o.flags;
	long ret = ifd_ioctl(x, fd, IOMMU_HW_QUEUE_ALLOC, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok hw-queue %u\n", cmd.out_hw_queue_id);
	return ifd_result(x, ret);
}

/* iommufd noiommu-get-pa IOAS-ID IOVA SIZE */
static inline int ifd_noiommu_get_pa(const struct iommufd_exec *x, int argc, char **argv)
{
	struct iommu_ioas_noiommu_get_pa cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	uint64_t iova, length;
	if (argc < 5 || ifd_parse_u32(argv[2], &cmd.ioas_id) || ifd_parse_u64(argv[3], &iova) ||
	    ifd_parse_u64(argv[4], &length) || ifd_parse_opts(argc, argv, 5, &o))
		return ifd_usage(x);
	cmd.iova = iova;
	cmd.length = length;
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	if (o.has_flags)
		cmd.flags = o.flags;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_NOIOMMU_GET_PA, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok pa 0x%llx length 0x%llx\n", (unsigned long long)cmd.out_phys,
			(unsigned long long)cmd.length);
	return ifd_result(x, ret);
}

#endif
