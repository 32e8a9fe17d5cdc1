/*
 * The virt machine's own options (hw/arm/virt.c, hw/core/machine.c of QEMU
 * 7.2 and 10.0): the machine type with its versions (their compat
 * properties are virt_compat.c's),
 * every machine property, and the RAM (-m with slots and maxmem, or a memory
 * backend). Errors read as QEMU's; a property that would change the answers
 * and is not modelled is refused saying so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/virt_internal.h"

/*
 * The oldest versioned type iommusim models. Below 6.0 the compat
 * properties touch what the guest sees and are not modelled (5.2:
 * virtio-blk report-discard-granularity, nvme's MSI-X in its own BAR,
 * virtio-net-pci's 3 vectors; 4.2: virtio-blk queue-size 128 and
 * seg-max-adjust off; 2.12 and older: the PCIe ECAM below 4 GiB with 16
 * buses).
 */
#define VIRT_OLDEST_MODELLED 600

static bool in_list(const char *const *l, const char *v)
{
	for (; *l; l++)
		if (!strcmp(*l, v))
			return true;
	return false;
}

static int bool_prop(const char *k, const char *v, bool *out, char *err, size_t errlen)
{
	int b;

	if (qemu_parse_bool(v, &b)) {
		qemu_set_err(err, errlen, "Parameter '%s' expects 'on' or 'off'", k);
		return -EINVAL;
	}
	*out = b;
	return 0;
}

static const struct qemu_optlist *find_object(const struct qemu_cmdline *cmd, const char *id)
{
	for (size_t i = 0; i < cmd->nobjects; i++) {
		const char *o = qemu_opt_get(&cmd->objects[i], "id");

		if (o && !strcmp(o, id))
			return &cmd->objects[i];
	}
	return NULL;
}

/* A property that cannot change an answer: its type is checked, its value recorded. */
static const char *const no_effect_bools[] = {
	"dtb-kaslr-seed", "dtb-randomness", "dump-guest-core", "graphics", "mem-merge",
	"suppress-vmdesc", "usb", "nvdimm", NULL,
};

/* Refused unless off (their default): they change the machine and are not modelled. */
static const struct {
	const char *key;
	const char *why;
} unmodelled_bools[] = {
	{ "default-bus-bypass-iommu", "pcie.0 bypassing the SMMU is not modelled" },
	{ "highmem", "highmem=off (the PCIe ECAM below 4 GiB with 16 buses) is not modelled" },
	{ "secure", "the Security Extensions (secure=on: EL3, secure memory and UART) are not modelled" },
	{ "virtualization", "the Virtualization Extensions (virtualization=on: EL2) are not modelled" },
	{ "ras", "RAS error reporting (ras=on) is not modelled" },
	/* QEMU 10.0's (on by default) */
	{ "highmem-ecam", "the PCIe ECAM below 4 GiB with 16 buses is not modelled" },
	{ "highmem-mmio", "virt without its 64-bit PCIe MMIO window is not modelled" },
	{ "highmem-redists", "GICv3 redistributors below 4 GiB only are not modelled" },
};

/* Whether the machine's QEMU has the virt property (-M virt,help lists it). */
static bool has_machine_prop(const struct qemu_version *q, const char *key)
{
	size_t n = strlen(key);

	for (const char *const *l = q->virt_props_help; *l; l++)
		if (!strncmp(*l, "  ", 2) && !strncmp(*l + 2, key, n) && (*l)[2 + n] == '=')
			return true;
	return false;
}

/* The virt-X.Y type NAME names on the machine's QEMU ("virt" is its newest): X * 100 + Y, or 0. */
static int virt_type_version(const struct qemu_version *q, const char *name)
{
	if (!strcmp(name, "virt"))
		return q->newest_virt;
	for (const int *v = q->virt_types; *v; v++) {
		char n[32];

		snprintf(n, sizeof(n), "virt-%d.%d", *v / 100, *v % 100);
		if (!strcmp(n, name))
			return *v;
	}
	return 0;
}

int virt_select_machine(const struct qemu_cmdline *cmd, struct virt_machine_opts *o,
			char *err, size_t errlen)
{
	const char *type = qemu_opt_get(&cmd->machine, "type");
	const struct qemu_version *q = cmd->qemu ? cmd->qemu : qemu_version_default();
	int version;

	memset(o, 0, sizeof(*o));
	o->qemu = q;
	if (!type) {
		qemu_set_err(err, errlen, "No machine specified, and there is no default\n"
			     "Use -machine help to list supported machines");
		return -EINVAL;
	}
	version = virt_type_version(q, type);
	if (!version) {
		if (in_list(q->other_machines, type))
			qemu_set_err(err, errlen, "machine type '%s' is not modelled (iommusim models virt)", type);
		else if (q->unknown_machine_named)
			qemu_set_err(err, errlen, "unsupported machine type: \"%s\"\n"
				     "Use -machine help to list supported machines", type);
		else
			qemu_set_err(err, errlen, "unsupported machine type\n"
				     "Use -machine help to list supported machines");
		return -EINVAL;
	}
	if (version < VIRT_OLDEST_MODELLED) {
		qemu_set_err(err, errlen, "machine type '%s' is not modelled: its compat properties "
			     "change what the guest sees (iommusim models virt-%d.%d to virt-%d.%d on QEMU %s)",
			     type, VIRT_OLDEST_MODELLED / 100, VIRT_OLDEST_MODELLED % 100,
			     q->newest_virt / 100, q->newest_virt % 100, q->name);
		return -EINVAL;
	}
	o->version = version;
	snprintf(o->type_buf, sizeof(o->type_buf), "virt-%d.%d", version / 100, version % 100);
	o->type = o->type_buf;
	/* the compat properties of the version (hw_compat_X_Y, virt_machine_X_Y_options) */
	virt_compat_of(version, &o->compat);
	return 0;
}

int virt_parse_machine_opts(const struct qemu_cmdline *cmd, struct virt_machine_opts *o,
			    char *err, size_t errlen)
{
	const struct qemu_optlist *ml = &cmd->machine;
	char cls[32];

	snprintf(cls, sizeof(cls), "%s-machine", o->type);
	o->gic = 0;	/* VIRT_GIC_VERSION_NOSEL */
	o->its = true;
	for (size_t i = 0; i < ml->nopts; i++) {
		const char *k = ml->opts[i].key, *v = ml->opts[i].val;
		bool bv = false;
		size_t u;

		if (!strcmp(k, "type")) {
			continue;
		} else if (!strcmp(k, "iommu")) {
			if (!strcmp(v, "smmuv3")) {
				o->smmu = true;
			} else if (!strcmp(v, "none")) {
				o->smmu = false;
			} else {
				qemu_set_err(err, errlen, "Invalid iommu value\nValid values are none, smmuv3.");
				return -EINVAL;
			}
		} else if (!strcmp(k, "gic-version")) {
			if (!strcmp(v, "2")) {
				o->gic = 2;
			} else if (!strcmp(v, "3") || !strcmp(v, "max")) {
				o->gic = 3;	/* max on TCG without EL2: GICv3 */
			} else if (!strcmp(v, "4") || !strcmp(v, "host")) {
				/* refused when the board is made (finalize_gic_version) */
				o->gic_unusable = !strcmp(v, "host") ? "gic-version=host requires KVM"
						  : o->qemu->gicv4_tcg_message
						  ? "tcg does not support GICv4 emulation, is virtualization=on?"
						  : "gic-version=4 requires virtualization enabled";
			} else {
				qemu_set_err(err, errlen, "Invalid gic-version value\nValid values are 3, 2, host, max.");
				return -EINVAL;
			}
		} else if (!strcmp(k, "its")) {
			if (bool_prop(k, v, &bv, err, errlen))
				return -EINVAL;
			o->its = bv;
		} else if (!strcmp(k, "x-smmu-translate-all")) {
			/* iommusim's own: device DMA never bypasses the SMMU */
			if (bool_prop(k, v, &bv, err, errlen))
				return -EINVAL;
			o->translate_all = bv;
		} else if (!strcmp(k, "acpi")) {
			/* the kernel boots with the DT: ACPI tables are for firmware */
			if (strcmp(v, "on") && strcmp(v, "off") && strcmp(v, "auto")) {
				qemu_set_err(err, errlen, "Parameter 'acpi' does not accept value '%s'", v);
				return -EINVAL;
			}
		} else if (in_list(no_effect_bools, k) ||
			   ((!strcmp(k, "aux-ram-share") || !strcmp(k, "compact-highmem")) &&
			    has_machine_prop(o->qemu, k))) {
			/* compact-highmem moves the high regions only for RAM iommusim refuses */
			if (bool_prop(k, v, &bv, err, errlen))
				return -EINVAL;
		} else if (!strcmp(k, "shim") && has_machine_prop(o->qemu, k)) {
			continue;	/* a shim for firmware boots: no firmware here */
		} else if (!strcmp(k, "highmem-mmio-size") && has_machine_prop(o->qemu, k)) {
			unsigned long long sz;

			if (qemu_parse_size(v, &sz)) {
				qemu_set_err(err, errlen, "Parameter 'highmem-mmio-size' expects a size value");
				return -EINVAL;
			}
			if (sz != VIRT_HIGH_PCIE_MMIO_SIZE) {
				qemu_set_err(err, errlen, "highmem-mmio-size=%s: another 64-bit PCIe MMIO window "
					     "than 512 GiB is not modelled", v);
				return -EINVAL;
			}
		} else if (!strcmp(k, "smp-cache") && has_machine_prop(o->qemu, k)) {
			qemu_set_err(err, errlen, "smp-cache: CPU cache topology in the DT is not modelled");
			return -EINVAL;
		} else if (!strcmp(k, "dt-compatible")) {
			o->dt_compatible = v;
		} else if (!strcmp(k, "phandle-start")) {
			char *end;
			long long n = strtoll(v, &end, 0);

			if (!*v || *end) {
				qemu_set_err(err, errlen, "Parameter 'phandle-start' expects integer");
				return -EINVAL;
			}
			o->phandle_start = (u32)n;
		} else if (!strcmp(k, "x-oem-id") || !strcmp(k, "x-oem-table-id")) {
			size_t max = !strcmp(k, "x-oem-id") ? 6 : 8;

			if (strlen(v) > max) {
				qemu_set_err(err, errlen, "User specified %s value is bigger than %zu bytes in size",
					     k + 2, max);
				return -EINVAL;
			}
		} else if (!strcmp(k, "memory-backend")) {
			continue;	/* resolved after the backends exist (virt_check_board) */
		} else if (!strcmp(k, "memory-encryption")) {
			qemu_set_err(err, errlen, "No such memory encryption object '%s'", v);
			return -EINVAL;
		} else if (!strcmp(k, "confidential-guest-support")) {
			if (find_object(cmd, v))
				qemu_set_err(err, errlen, "Invalid parameter type for 'confidential-guest-support', "
					     "expected: confidential-guest-support");
			else
				qemu_set_err(err, errlen, "Device '%s' not found", v);
			return -EINVAL;
		} else if (!strcmp(k, "mte")) {
			if (bool_prop(k, v, &bv, err, errlen))
				return -EINVAL;
			o->mte = bv;	/* refused with the board (machvirt_init) */
		} else if (!strcmp(k, "dumpdtb")) {
			qemu_set_err(err, errlen, "dumpdtb=%s is not modelled: QEMU would write the DT and exit "
				     "(iommusim boot --dump-dts prints the DT)", v);
			return -EINVAL;
		} else if (!strcmp(k, "pflash0") || !strcmp(k, "pflash1")) {
			/* the flash devices' drive= (libvirt's UEFI code and vars) */
			bool found = false;

			for (size_t j = 0; j < cmd->nblockdevs && !found; j++)
				found = qemu_opt_get(&cmd->blockdevs[j], "node-name") &&
					!strcmp(qemu_opt_get(&cmd->blockdevs[j], "node-name"), v);
			if (!found)
				qemu_set_err(err, errlen, "Property 'cfi.pflash01.drive' can't find value '%s'", v);
			else
				qemu_set_err(err, errlen, "%s=%s: firmware boots are not modelled "
					     "(UEFI gives the kernel ACPI, not the DT)", k, v);
			return -EINVAL;
		} else if (!strcmp(k, "firmware")) {
			qemu_set_err(err, errlen, "firmware=%s: firmware boots are not modelled "
				     "(UEFI gives the kernel ACPI, not the DT)", v);
			return -EINVAL;
		} else {
			for (u = 0; u < sizeof(unmodelled_bools) / sizeof(unmodelled_bools[0]); u++)
				if (!strcmp(unmodelled_bools[u].key, k) && has_machine_prop(o->qemu, k))
					break;
			if (u == sizeof(unmodelled_bools) / sizeof(unmodelled_bools[0])) {
				qemu_set_err(err, errlen, "Property '%s.%s' not found", cls, k);
				return -EINVAL;
			}
			if (bool_prop(k, v, &bv, err, errlen))
				return -EINVAL;
			/* the highmem ones are on by default, the others off */
			if (bv != !strncmp(k, "highmem", 7)) {
				qemu_set_err(err, errlen, "%s=%s: %s", k, v, unmodelled_bools[u].why);
				return -EINVAL;
			}
		}
	}
	o->phandle_start = o->phandle_start ? o->phandle_start : 0;
	return 0;
}

#define GIC_NCPU 8	/* GICv2's CPU interfaces */

void virt_finalize_gic(struct virt_machine_opts *o, const struct virt_cpu_topology *smp)
{
	/* NOSEL on TCG: GICv2, unless (9.x) more CPUs may come up than GICv2 serves */
	if (!o->gic)
		o->gic = o->qemu->gic_v3_above_8_cpus && smp->max_cpus > GIC_NCPU ? 3 : 2;
	/* virt-6.1 and older never build the ITS under TCG (vmc->no_tcg_its) */
	if (o->compat.no_tcg_its)
		o->its = false;
}

#define VIRT_DEFAULT_RAM (128ULL << 20)	/* mc->default_ram_size */
#define ACPI_MAX_RAM_SLOTS 256
#define LEGACY_RAMLIMIT (255ULL * SZ_1G)	/* the high IO regions never start below 256 GiB */

/* A size as the "memory" property reads it: "-m 512" is MiB (parse_memory_options). */
static int ram_size_of(const char *s, unsigned long long *out)
{
	size_t len = strlen(s);
	unsigned long long sz;

	if (qemu_parse_size(s, &sz))
		return -EINVAL;
	if (len && s[len - 1] >= '0' && s[len - 1] <= '9') {
		if (sz > (~0ULL >> 20))
			return -EINVAL;
		sz <<= 20;
	}
	*out = sz;
	return 0;
}

int virt_parse_memory(const struct qemu_cmdline *cmd, struct virt_machine_opts *o,
		      char *err, size_t errlen)
{
	const char *size_s = qemu_opt_get(&cmd->memory, "size");
	const char *slots_s = qemu_opt_get(&cmd->memory, "slots");
	const char *max_s = qemu_opt_get(&cmd->memory, "maxmem");
	unsigned long long size = 0, maxmem = 0, slots = 0;
	bool have_size = false;

	o->ram_size = VIRT_DEFAULT_RAM;
	/* a size of 0 is as if none was given */
	if (size_s) {
		if (ram_size_of(size_s, &size)) {
			qemu_set_err(err, errlen, "Parameter 'memory.size' expects a size value");
			return -EINVAL;
		}
		have_size = size != 0;
	}
	if (have_size)
		o->ram_size = (size + 8191) & ~8191ULL;	/* QEMU_ALIGN_UP(size, 8192) */
	if (max_s && qemu_parse_size(max_s, &maxmem)) {
		qemu_set_err(err, errlen, "Parameter 'memory.max-size' expects a size value");
		return -EINVAL;
	}
	if (slots_s)
		slots = strtoull(slots_s, NULL, 0);
	if (max_s) {
		if (maxmem < o->ram_size) {
			qemu_set_err(err, errlen, "invalid value of maxmem: maximum memory size (0x%llx) must be "
				     "at least the initial memory size (0x%llx)", maxmem,
				     (unsigned long long)o->ram_size);
			return -EINVAL;
		}
	} else if (slots_s) {
		qemu_set_err(err, errlen, "slots specified but no max-size");
		return -EINVAL;
	} else {
		maxmem = o->ram_size;
	}
	if (slots > ACPI_MAX_RAM_SLOTS) {
		qemu_set_err(err, errlen, "unsupported number of memory slots: %llu", slots);
		return -EINVAL;
	}
	o->maxram_size = maxmem;
	o->ram_slots = slots;
	return 0;
}

/*
 * What QEMU checks once the backends exist and while it makes the board:
 * the memory backend (qemu_resolve_machine_memdev, machine_run_board_init),
 * where RAM and its hotplug area end (virt_set_memmap), the GIC version
 * (finalize_gic_version), MTE, the kernel and initrd (arm_load_kernel).
 */
int virt_check_board(const struct qemu_cmdline *cmd, struct virt_machine_opts *o, char *err, size_t errlen)
{
	const char *backend = qemu_opt_get(&cmd->machine, "memory-backend");
	const char *size_s = qemu_opt_get(&cmd->memory, "size");
	unsigned long long maxmem = o->maxram_size, slots = o->ram_slots, top, size = 0;
	bool have_size = size_s && !ram_size_of(size_s, &size) && size;

	if (backend) {
		const struct qemu_optlist *ob = find_object(cmd, backend);
		unsigned long long bsz = 0;

		if (!ob || strncmp(ob->driver, "memory-backend-", 15)) {
			qemu_set_err(err, errlen, "Memory backend '%s' not found", backend);
			return -EINVAL;
		}
		if (!qemu_parse_size(qemu_opt_get(ob, "size"), &bsz)) {
			/* the backend is the RAM: its size, unless -m gave one, which must match */
			if (have_size && bsz != o->ram_size) {
				qemu_set_err(err, errlen, "Machine memory size does not match the size of the memory backend");
				return -EINVAL;
			}
			if (maxmem == o->ram_size)
				maxmem = bsz;
			o->ram_size = bsz;
		}
	}
	if (o->gic_unusable) {
		qemu_set_err(err, errlen, "%s", o->gic_unusable);
		return -EINVAL;
	}
	if (o->mte) {
		const char *cpu = cmd->cpu.driver ? cmd->cpu.driver : "cortex-a15";

		if (strcmp(cpu, "max"))
			qemu_set_err(err, errlen, "MTE requested, but not supported by the guest CPU");
		else
			qemu_set_err(err, errlen, "mte=on: the Memory Tagging Extension is not modelled");
		return -EINVAL;
	}
	/*
	 * virt_set_memmap(): the hotplug area (maxmem - size + 1 GiB a slot)
	 * follows RAM from a 1 GiB boundary; the high IO regions follow it, but
	 * never below 256 GiB, which is where iommusim keeps them.
	 */
	top = ((VIRT_RAM_BASE + o->ram_size + SZ_1G - 1) & ~(SZ_1G - 1)) + (maxmem - o->ram_size) +
	      slots * SZ_1G;
	if (o->ram_size > LEGACY_RAMLIMIT || top > VIRT_RAM_BASE + LEGACY_RAMLIMIT) {
		qemu_set_err(err, errlen, "RAM and its hotplug area end above 256 GiB, where QEMU moves "
			     "virt's high PCIe regions up: not modelled (iommusim keeps them at 256 GiB)");
		return -EINVAL;
	}
	/*
	 * -kernel and -initrd are read (iommusim is the kernel, so -append and
	 * -dtb need no -kernel here, where QEMU wants one)
	 */
	if (cmd->kernel && access(cmd->kernel, R_OK)) {
		qemu_set_err(err, errlen, "could not load kernel '%s'", cmd->kernel);
		return -EINVAL;
	}
	if (cmd->initrd && access(cmd->initrd, R_OK)) {
		qemu_set_err(err, errlen, "could not load initrd '%s'", cmd->initrd);
		return -EINVAL;
	}
	return 0;
}
