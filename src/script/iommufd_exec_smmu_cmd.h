/*
 * The iommufd verb's `invalidate` line: guest SMMUv3 commands by name and
 * field (or raw W0:W1) in one IOMMU_HWPT_INVALIDATE batch.
 */
#ifndef IOMMUSIM_SCRIPT_IOMMUFD_EXEC_SMMU_CMD_H
#define IOMMUSIM_SCRIPT_IOMMUFD_EXEC_SMMU_CMD_H

#include "iommufd_exec_base.h"

/* --- guest SMMU commands (HWPT_INVALIDATE on a vIOMMU) --- */

/* a field of a command: its word, its lowest bit, its width */
struct ifd_cmd_field {
	const char *name;
	unsigned word, shift, width;
};

/* the fields' places in the command, from the SMMUv3 specification's command formats */
static const struct ifd_cmd_field ifd_cmd_fields[] = {
	{ "ssv", 0, 11, 1 },  { "ssid", 0, 12, 20 },  { "sid", 0, 32, 32 },   { "num", 0, 12, 5 },
	{ "scale", 0, 20, 6 }, { "vmid", 0, 32, 16 }, { "asid", 0, 48, 16 },  { "global", 0, 9, 1 },
	{ "leaf", 1, 0, 1 },  { "range", 1, 0, 5 },   { "ttl", 1, 8, 2 },     { "tg", 1, 10, 2 },
	{ "addr", 1, 12, 52 }, { "atc-size", 1, 0, 6 },
};

/* a command's name and opcode */
static const struct {
	const char *name;
	unsigned opcode;
} ifd_cmds[] = {
	{ "cfgi-ste", 0x03 },	   { "cfgi-all", 0x04 },     { "cfgi-cd", 0x05 },	{ "cfgi-cd-all", 0x06 },
	{ "tlbi-nh-all", 0x10 },   { "tlbi-nh-asid", 0x11 }, { "tlbi-nh-va", 0x12 },	{ "tlbi-nh-vaa", 0x13 },
	{ "tlbi-s12-vmall", 0x28 }, { "tlbi-s2-ipa", 0x2a }, { "tlbi-nsnh-all", 0x30 }, { "atc-inv", 0x40 },
	{ "cmd-sync", 0x46 },
};

/*
 * argv[*i] and the FIELD=N words after it as one command (addr= is an
 * address: its bits above 11), or W0:W1 raw; 0 with *i past it, or -1.
 */
static inline int ifd_parse_smmu_cmd(int argc, char **argv, int *i, uint64_t cmd[2])
{
	const char *w = argv[*i];
	cmd[0] = cmd[1] = 0;
	if (strchr(w, ':')) {
		if (ifd_parse_pair(w, ':', cmd))
			return -1;
		(*i)++;
		return 0;
	}
	size_t c = 0;
	while (c < sizeof(ifd_cmds) / sizeof(ifd_cmds[0]) && strcmp(ifd_cmds[c].name, w))
		c++;
	if (c == sizeof(ifd_cmds) / sizeof(ifd_cmds[0]))
		return -1;
	cmd[0] = ifd_cmds[c].opcode;
	for ((*i)++; *i < argc; (*i)++) {
		const char *eq = strchr(argv[*i], '=');
		if (!eq)
			break;
		size_t kl = (size_t)(eq - argv[*i]), f = 0;
		while (f < sizeof(ifd_cmd_fields) / sizeof(ifd_cmd_fields[0]) &&
		       (strlen(ifd_cmd_fields[f].name) != kl || strncmp(ifd_cmd_fields[f].name, argv[*i], kl)))
			f++;
		if (f == sizeof(ifd_cmd_fields) / sizeof(ifd_cmd_fields[0]))
			break; /* size=, tail=, flags=: the ioctl's */
		const struct ifd_cmd_field *fl = &ifd_cmd_fields[f];
		uint64_t v;
		if (ifd_parse_u64(eq + 1, &v))
			return -1;
		if (!strcmp(fl->name, "addr"))
			v >>= 12;
		uint64_t mask = fl->width == 64 ? UINT64_MAX : (((uint64_t)1 << fl->width) - 1);
		if (v & ~mask)
			return -1;
		cmd[fl->word] |= v << fl->shift;
	}
	return 0;
}

/* iommufd invalidate ID CMD [CMD...] */
static inline int ifd_invalidate(const struct iommufd_exec *x, int argc, char **argv)
{
	struct iommu_viommu_arm_smmuv3_invalidate cmds[IOMMUFD_EXEC_MAX_CMDS];
	struct iommu_hwpt_invalidate cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	int i = 3;
	if (argc < 4 || ifd_parse_u32(argv[2], &cmd.hwpt_id))
		return ifd_usage(x);
	memset(cmds, 0, sizeof(cmds));
	while (i < argc && !(strchr(argv[i], '=') && !strchr(argv[i], ':'))) {
		uint64_t w[2];
		if (cmd.entry_num == IOMMUFD_EXEC_MAX_CMDS || ifd_parse_smmu_cmd(argc, argv, &i, w))
			return ifd_usage(x);
		cmds[cmd.entry_num].cmd[0] = w[0]; /* __le64 on little-endian hosts */
		cmds[cmd.entry_num].cmd[1] = w[1];
		cmd.entry_num++;
	}
	if (ifd_parse_opts(argc, argv, i, &o) || o.has_flags)
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	uint32_t asked = cmd.entry_num;
	cmd.data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3;
	cmd.entry_len = sizeof(cmds[0]);
	cmd.data_uptr = (uintptr_t)cmds;
	long ret = ifd_ioctl(x, fd, IOMMU_HWPT_INVALIDATE, &cmd, sizeof(cmd), &o);
	if (!ret) {
		fprintf(x->out, "ok %u entries\n", cmd.entry_num);
		return 0;
	}
	char more[32];
	snprintf(more, sizeof(more), " after %u", cmd.entry_num);
	ifd_print_errno(x, ret, asked ? more : "");
	return (int)ret;
}

#endif
