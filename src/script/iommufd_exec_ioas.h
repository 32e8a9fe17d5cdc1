/*
 * The iommufd verb's lines for /dev/iommu itself and its IOAS: open, close,
 * destroy, ioas alloc/iova-ranges/allow-iovas/map/copy/unmap/map-file,
 * option.
 */
#ifndef IOMMUSIM_SCRIPT_IOMMUFD_EXEC_IOAS_H
#define IOMMUSIM_SCRIPT_IOMMUFD_EXEC_IOAS_H

#include "iommufd_exec_base.h"

/* --- the lines --- */

static inline int ifd_open(const struct iommufd_exec *x)
{
	if (x->state->iommufd >= 0) {
		fprintf(x->out, "iommufd: /dev/iommu is open already\n");
		return -EBUSY;
	}
	int fd = x->ops->open(x->host, "/dev/iommu");
	if (fd < 0)
		return ifd_result(x, fd);
	x->state->iommufd = fd;
	fprintf(x->out, "ok\n");
	return 0;
}

static inline int ifd_close(const struct iommufd_exec *x)
{
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	x->state->iommufd = -1;
	long ret = x->ops->close(x->host, fd);
	if (!ret)
		fprintf(x->out, "ok\n");
	return ifd_result(x, ret);
}

static inline int ifd_destroy(const struct iommufd_exec *x, int argc, char **argv)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	if (argc < 3 || ifd_parse_u32(argv[2], &cmd.id) || ifd_parse_opts(argc, argv, 3, &o))
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	long ret = ifd_ioctl(x, fd, IOMMU_DESTROY, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok\n");
	return ifd_result(x, ret);
}

static inline int ifd_ioas_alloc(const struct iommufd_exec *x, int argc, char **argv)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	if (ifd_parse_opts(argc, argv, 3, &o))
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	if (o.has_flags)
		cmd.flags = o.flags;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_ALLOC, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok ioas %u\n", cmd.out_ioas_id);
	return ifd_result(x, ret);
}

static inline int ifd_iova_ranges(const struct iommufd_exec *x, uint32_t ioas, int argc, char **argv)
{
	static const char *const keys[] = { "num", NULL };
	struct iommu_iova_range ranges[IOMMUFD_EXEC_MAX_RANGES];
	struct iommu_ioas_iova_ranges cmd = { .size = sizeof(cmd), .ioas_id = ioas };
	struct ifd_opts o = { .keys = keys };
	if (ifd_parse_opts(argc, argv, 4, &o) || o.has_flags ||
	    (o.key_set[0] && o.key_val[0] > IOMMUFD_EXEC_MAX_RANGES))
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	memset(ranges, 0, sizeof(ranges));
	cmd.num_iovas = o.key_set[0] ? (uint32_t)o.key_val[0] : IOMMUFD_EXEC_MAX_RANGES;
	cmd.allowed_iovas = (uintptr_t)ranges;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_IOVA_RANGES, &cmd, sizeof(cmd), &o);
	if (ret == -EMSGSIZE) {
		char more[32];
		snprintf(more, sizeof(more), " num %u", cmd.num_iovas);
		ifd_print_errno(x, ret, more);
		return (int)ret;
	}
	if (ret)
		return ifd_result(x, ret);
	fprintf(x->out, "ok alignment 0x%llx ranges", (unsigned long long)cmd.out_iova_alignment);
	for (uint32_t i = 0; i < cmd.num_iovas && i < IOMMUFD_EXEC_MAX_RANGES; i++)
		fprintf(x->out, " 0x%llx-0x%llx", (unsigned long long)ranges[i].start,
			(unsigned long long)ranges[i].last);
	fputc('\n', x->out);
	return 0;
}

static inline int ifd_allow_iovas(const struct iommufd_exec *x, uint32_t ioas, int argc, char **argv)
{
	struct iommu_iova_range ranges[IOMMUFD_EXEC_MAX_RANGES];
	struct iommu_ioas_allow_iovas cmd = { .size = sizeof(cmd), .ioas_id = ioas };
	struct ifd_opts o = { 0 };
	int i = 4;
	for (; i < argc && !strchr(argv[i], '='); i++) {
		uint64_t start, last;
		if (cmd.num_iovas == IOMMUFD_EXEC_MAX_RANGES || ifd_parse_range(argv[i], &start, &last))
			return ifd_usage(x);
		ranges[cmd.num_iovas].start = start;
		ranges[cmd.num_iovas].last = last;
		cmd.num_iovas++;
	}
	if (ifd_parse_opts(argc, argv, i, &o) || o.has_flags)
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	cmd.allowed_iovas = (uintptr_t)ranges;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_ALLOW_IOVAS, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok\n");
	return ifd_result(x, ret);
}

/* r, w, rw (the words given) as IOAS_MAP's flags; rw when none */
static inline uint32_t ifd_map_prot(const struct ifd_opts *o)
{
	uint32_t flags = 0;
	if (o->word_set[0] || o->word_set[2])
		flags |= IOMMU_IOAS_MAP_READABLE;
	if (o->word_set[1] || o->word_set[2])
		flags |= IOMMU_IOAS_MAP_WRITEABLE;
	return flags ? flags : IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE;
}

/* IOVA or auto: 0 and *fixed, or -1 */
static inline int ifd_parse_iova(const char *s, uint64_t *iova, int *fixed)
{
	*fixed = strcmp(s, "auto") != 0;
	*iova = 0;
	return *fixed ? ifd_parse_u64(s, iova) : 0;
}

static inline int ifd_map(const struct iommufd_exec *x, uint32_t ioas, int argc, char **argv)
{
	static const char *const words[] = { "r", "w", "rw", NULL };
	struct iommu_ioas_map cmd = { .size = sizeof(cmd), .ioas_id = ioas };
	struct ifd_opts o = { .words = words };
	uint64_t iova, length;
	int fixed;
	if (argc < 6 || ifd_parse_iova(argv[4], &iova, &fixed) || ifd_parse_u64(argv[5], &length) ||
	    ifd_parse_opts(argc, argv, 6, &o))
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	/* the VMM's guest RAM: fresh memory, at least a page (the kernel checks the length) */
	size_t bytes = length && length < ((uint64_t)1 << 32) ? (size_t)length : 4096;
	void *mem = x->ops->user_alloc(x->host, bytes);
	if (!mem)
		return ifd_result(x, -ENOMEM);
	cmd.flags = ifd_map_prot(&o) | (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0);
	if (o.has_flags)
		cmd.flags = o.flags;
	cmd.user_va = (uintptr_t)mem;
	cmd.length = length;
	cmd.iova = iova;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_MAP, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok iova 0x%llx\n", (unsigned long long)cmd.iova);
	return ifd_result(x, ret);
}

static inline int ifd_copy(const struct iommufd_exec *x, uint32_t ioas, int argc, char **argv)
{
	static const char *const words[] = { "r", "w", "rw", NULL };
	struct iommu_ioas_copy cmd = { .size = sizeof(cmd), .src_ioas_id = ioas };
	struct ifd_opts o = { .words = words };
	uint64_t src_iova, length, dst_iova;
	int fixed;
	if (argc < 8 || ifd_parse_u32(argv[4], &cmd.dst_ioas_id) || ifd_parse_u64(argv[5], &src_iova) ||
	    ifd_parse_u64(argv[6], &length) || ifd_parse_iova(argv[7], &dst_iova, &fixed) ||
	    ifd_parse_opts(argc, argv, 8, &o))
		return ifd_usage(x);
	cmd.src_iova = src_iova;
	cmd.length = length;
	cmd.dst_iova = dst_iova;
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	cmd.flags = ifd_map_prot(&o) | (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0);
	if (o.has_flags)
		cmd.flags = o.flags;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_COPY, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok iova 0x%llx\n", (unsigned long long)cmd.dst_iova);
	return ifd_result(x, ret);
}

static inline int ifd_unmap(const struct iommufd_exec *x, uint32_t ioas, int argc, char **argv)
{
	struct iommu_ioas_unmap cmd = { .size = sizeof(cmd), .ioas_id = ioas };
	struct ifd_opts o = { 0 };
	uint64_t iova, length;
	int from;
	if (argc >= 5 && !strcmp(argv[4], "all")) {
		iova = 0;
		length = UINT64_MAX;
		from = 5;
	} else if (argc >= 6 && !ifd_parse_u64(argv[4], &iova) && !ifd_parse_u64(argv[5], &length)) {
		from = 6;
	} else {
		return ifd_usage(x);
	}
	cmd.iova = iova;
	cmd.length = length;
	if (ifd_parse_opts(argc, argv, from, &o) || o.has_flags)
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_UNMAP, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok unmapped 0x%llx\n", (unsigned long long)cmd.length);
	return ifd_result(x, ret);
}

/* iommufd ioas alloc | ioas ID VERB ... */
/* iommufd ioas ID map-file iommufd|N START SIZE IOVA|auto [r|w|rw] */
static inline int ifd_map_file(const struct iommufd_exec *x, uint32_t ioas, int argc, char **argv)
{
	static const char *const words[] = { "r", "w", "rw", NULL };
	struct iommu_ioas_map_file cmd = { .size = sizeof(cmd), .ioas_id = ioas };
	struct ifd_opts o = { .words = words };
	uint64_t start, length, iova;
	int fixed;
	if (argc < 8 || ifd_parse_u64(argv[5], &start) || ifd_parse_u64(argv[6], &length) ||
	    ifd_parse_iova(argv[7], &iova, &fixed) || ifd_parse_opts(argc, argv, 8, &o))
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	if (!strcmp(argv[4], "iommufd")) {
		cmd.fd = fd;
	} else {
		char *end;
		long v = strtol(argv[4], &end, 0);
		if (*end || end == argv[4])
			return ifd_usage(x);
		cmd.fd = (int32_t)v;
	}
	cmd.flags = ifd_map_prot(&o) | (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0);
	if (o.has_flags)
		cmd.flags = o.flags;
	cmd.start = start;
	cmd.length = length;
	cmd.iova = iova;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_MAP_FILE, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok iova 0x%llx\n", (unsigned long long)cmd.iova);
	return ifd_result(x, ret);
}

static inline int ifd_ioas(const struct iommufd_exec *x, int argc, char **argv)
{
	uint32_t id;
	if (argc >= 3 && !strcmp(argv[2], "alloc"))
		return ifd_ioas_alloc(x, argc, argv);
	if (argc < 4 || ifd_parse_u32(argv[2], &id))
		return ifd_usage(x);
	const char *op = argv[3];
	if (!strcmp(op, "iova-ranges"))
		return ifd_iova_ranges(x, id, argc, argv);
	if (!strcmp(op, "allow-iovas"))
		return ifd_allow_iovas(x, id, argc, argv);
	if (!strcmp(op, "map"))
		return ifd_map(x, id, argc, argv);
	if (!strcmp(op, "copy"))
		return ifd_copy(x, id, argc, argv);
	if (!strcmp(op, "unmap"))
		return ifd_unmap(x, id, argc, argv);
	if (!strcmp(op, "map-file"))
		return ifd_map_file(x, id, argc, argv);
	return ifd_usage(x);
}

/* iommufd option NAME [ioas ID] get | set V */
static inline int ifd_option(const struct iommufd_exec *x, int argc, char **argv)
{
	struct iommu_option cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	uint64_t val;
	int i = 3;
	if (argc < 4)
		return ifd_usage(x);
	if (!strcmp(argv[2], "rlimit-mode"))
		cmd.option_id = IOMMU_OPTION_RLIMIT_MODE;
	else if (!strcmp(argv[2], "huge-pages"))
		cmd.option_id = IOMMU_OPTION_HUGE_PAGES;
	else if (ifd_parse_u32(argv[2], &cmd.option_id))
		return ifd_usage(x);
	if (!strcmp(argv[i], "ioas")) {
		if (argc < i + 3 || ifd_parse_u32(argv[i + 1], &cmd.object_id))
			return ifd_usage(x);
		i += 2;
	}
	int get = !strcmp(argv[i], "get");
	if (get) {
		cmd.op = IOMMU_OPTION_OP_GET;
		i++;
	} else if (!strcmp(argv[i], "set") && i + 1 < argc && !ifd_parse_u64(argv[i + 1], &val)) {
		cmd.op = IOMMU_OPTION_OP_SET;
		cmd.val64 = val;
		i += 2;
	} else {
		return ifd_usage(x);
	}
	if (ifd_parse_opts(argc, argv, i, &o) || o.has_flags)
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	long ret = ifd_ioctl(x, fd, IOMMU_OPTION, &cmd, sizeof(cmd), &o);
	if (!ret && get)
		fprintf(x->out, "ok %llu\n", (unsigned long long)cmd.val64);
	else if (!ret)
		fprintf(x->out, "ok\n");
	return ifd_result(x, ret);
}

#endif
