#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "hw/system.h"
#include "hw/gic.h"
#include "hw/pci_irq.h"
#include "hw/pci_layout.h"
#include "hw/nvme_dev.h"
#include "hw/virtqueue_dev.h"
#include "hw/smmuv3/smmu_hw.h"
#include "machine/machine.h"
#include "machine/qemu_version.h"
#include "hw/pci_hw_version.h"
#include "machine/virt_internal.h"

static u64 smmu_read(void *opaque, u64 offset, unsigned size)
{
	return smmu_hw_mmio_read(opaque, offset, size);
}

static void smmu_write(void *opaque, u64 offset, u64 val, unsigned size)
{
	smmu_hw_mmio_write(opaque, offset, val, size);
}

static u64 gic_frame_read(void *opaque, u64 offset, unsigned size)
{
	return hw_gic_msi_frame_read(opaque, offset, size);
}

/* a CPU store to the frame: no requester ID (the ITS takes it as DeviceID 0) */
static void gic_frame_write(void *opaque, u64 offset, u64 val, unsigned size)
{
	hw_gic_msi_frame_write(opaque, offset, val, size, 0);
}

int hw_ioremap(struct hw_system *hw, u64 pa, u64 size, struct hw_mmio *out)
{
	if (hw->smmu && pa == hw->smmu_base && size <= SMMU_HW_MMIO_SIZE) {
		*out = (struct hw_mmio){ hw->smmu, smmu_read, smmu_write, SMMU_HW_MMIO_SIZE };
		return 0;
	}
	if (hw->pci.root && pa == hw->pci.ecam_base && size <= hw->pci.ecam_size) {
		hw_pci_host_ecam_mmio(&hw->pci, out);
		return 0;
	}
	if (hw->gic && hw_gic_msi_frame_hit(hw->gic, pa, size) && pa == hw_gic_config(hw->gic)->msi_base) {
		*out = (struct hw_mmio){ hw->gic, gic_frame_read, gic_frame_write, hw_gic_config(hw->gic)->msi_size };
		return 0;
	}
	return -ENODEV;
}

static u64 le_value(const u8 *p, size_t len)
{
	u64 v = 0;
	for (size_t i = len; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

int hw_phys_write(struct hw_system *hw, u64 pa, const void *buf, size_t len, u32 requester_id)
{
	if (hw->gic && hw_gic_msi_frame_hit(hw->gic, pa, len)) {
		/* MMIO: the doorbell takes halfword and word writes; a wider access is not decoded */
		if (len != 2 && len != 4)
			return -EFAULT;
		hw_gic_msi_frame_write(hw->gic, pa - hw_gic_config(hw->gic)->msi_base, le_value(buf, len),
				       (unsigned)len, requester_id);
		return 0;
	}
	return guest_mem_write(hw->mem, pa, buf, len);
}

int hw_phys_read(struct hw_system *hw, u64 pa, void *buf, size_t len)
{
	if (hw->gic && hw_gic_msi_frame_hit(hw->gic, pa, len)) {
		if (len != 2 && len != 4)
			return -EFAULT;
		u64 v = hw_gic_msi_frame_read(hw->gic, pa - hw_gic_config(hw->gic)->msi_base, (unsigned)len);
		for (size_t i = 0; i < len; i++, v >>= 8)
			((u8 *)buf)[i] = (u8)v;
		return 0;
	}
	return guest_mem_read(hw->mem, pa, buf, len);
}

int hw_request_irq(struct hw_system *hw, u64 pa, void (*handler)(void *opaque, int line), void *opaque)
{
	if (!hw->smmu || pa != hw->smmu_base)
		return -ENODEV;
	smmu_hw_set_irq(hw->smmu, handler, opaque);
	return 0;
}

/* ---- realize: the board builds every device before any software runs ---- */

/* reg's first (address, size) pair of a DT node, in its parent's cells */
static int dt_reg(const void *fdt, int node, u64 *base, u64 *size)
{
	int parent = fdt_parent_offset(fdt, node), len;
	int ac = parent >= 0 ? fdt_address_cells(fdt, parent) : 2;
	int sc = parent >= 0 ? fdt_size_cells(fdt, parent) : 1;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2 || len < (ac + sc) * 4)
		return -EINVAL;
	u64 v[2] = { 0, 0 };
	for (int i = 0, c = 0; i < 2; i++)
		for (int j = 0; j < (i ? sc : ac); j++, c++)
			v[i] = v[i] << 32 | fdt32_to_cpu(reg[c]);
	*base = v[0];
	*size = v[1];
	return 0;
}

static bool dt_available(const void *fdt, int node)
{
	const char *st = fdt_getprop(fdt, node, "status", NULL);
	return !st || !strcmp(st, "okay") || !strcmp(st, "ok");
}

/*
 * RAM and the SMMU: virt's builder says so directly; for a user's DT (the
 * board is then what the DT describes), the first memory node and the first
 * "arm,smmu-v3" node (QEMU's SMMU model at that address).
 */
static void machine_hw_layout(const struct machine *m, u64 *ram_base, u64 *ram_size,
			      bool *smmu, u64 *smmu_base)
{
	*ram_base = m->ram_base;
	*ram_size = m->ram_size;
	*smmu = m->has_smmu;
	*smmu_base = VIRT_SMMU_BASE;
	if (!m->fdt)
		return;
	if (!*ram_size) {
		int node = fdt_node_offset_by_prop_value(m->fdt, -1, "device_type", "memory",
							 sizeof("memory"));
		if (node >= 0)
			dt_reg(m->fdt, node, ram_base, ram_size);
	}
	if (!*smmu) {
		int node = fdt_node_offset_by_compatible(m->fdt, -1, "arm,smmu-v3");
		u64 size;
		if (node >= 0 && dt_available(m->fdt, node) && !dt_reg(m->fdt, node, smmu_base, &size))
			*smmu = true;
	}
}

/* the SMMU's downstream: the system bus (RAM, and the GIC's MSI doorbell) */
static int smmu_output(void *opaque, u64 pa, void *buf, size_t len, bool write, u32 requester_id)
{
	struct hw_system *hw = opaque;
	return write ? hw_phys_write(hw, pa, buf, len, requester_id) : hw_phys_read(hw, pa, buf, len);
}

static int realize_virtio(struct hw_system *hw, struct hw_virtio *desc, char *err, size_t errlen)
{
	struct hw_virtio_slot *p = realloc(hw->virtio, (hw->nvirtio + 1) * sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	hw->virtio = p;
	char msg[256] = "";
	struct vdev_hw *d = vdev_hw_new(hw, desc, msg, sizeof(msg));
	if (!d) {
		snprintf(err, errlen, "%s", msg[0] ? msg : "out of memory");
		return -EINVAL;
	}
	hw->virtio[hw->nvirtio++] = (struct hw_virtio_slot){ desc, d };
	return 0;
}

/* an nvme function's controller, with its namespace's drive */
static int realize_nvme(struct hw_system *hw, struct hw_pci_fn *fn, char *err, size_t errlen)
{
	struct nvme_ctrl_hw **p = realloc(hw->nvme, (hw->nnvme + 1) * sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	hw->nvme = p;
	struct nvme_ctrl_hw *n = nvme_hw_new(hw, fn, fn->nvme, err, errlen);
	if (!n)
		return -EINVAL;
	hw->nvme[hw->nnvme++] = n;
	return 0;
}

/* the virtio functions of the PCI tree, bus by bus in devfn order */
static int realize_pci_bus(struct hw_system *hw, struct hw_pci_bus *bus, char *err, size_t errlen)
{
	for (int i = 0; bus && i < 256; i++) {
		struct hw_pci_fn *fn = bus->fn[i];
		if (!fn)
			continue;
		int ret = fn->virtio ? realize_virtio(hw, fn->virtio, err, errlen) : 0;
		if (!ret && fn->nvme)
			ret = realize_nvme(hw, fn, err, errlen);
		if (!ret)
			ret = realize_pci_bus(hw, fn->secondary, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

static int slot_cmp(const void *a, const void *b)
{
	const struct hw_virtio *x = ((const struct hw_virtio_slot *)a)->desc;
	const struct hw_virtio *y = ((const struct hw_virtio_slot *)b)->desc;
	return x < y ? -1 : x > y;
}

/* the index hw_virtio_device() searches, once every device is realized; 0 or -ENOMEM */
static int index_virtio(struct hw_system *hw)
{
	hw->virtio_by_desc = malloc((hw->nvirtio + 1) * sizeof(*hw->virtio_by_desc));
	if (!hw->virtio_by_desc)
		return -ENOMEM;
	for (size_t i = 0; i < hw->nvirtio; i++)
		hw->virtio_by_desc[i] = hw->virtio[i];
	qsort(hw->virtio_by_desc, hw->nvirtio, sizeof(*hw->virtio_by_desc), slot_cmp);
	return 0;
}

struct hw_system *hw_system_realize(const struct machine *m, char *err, size_t errlen)
{
	struct hw_system *hw = calloc(1, sizeof(*hw));
	if (!hw) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	u64 ram_base, ram_size;
	bool smmu;
	machine_hw_layout(m, &ram_base, &ram_size, &smmu, &hw->smmu_base);
	hw->qemu = m->qemu ? m->qemu : qemu_version_default();
	hw_cpu_realize(&hw->cpu, m);
	hw->mem = guest_mem_new(ram_base, ram_size);
	hw->smmu_translate_all = m->smmu_translate_all;
	if (hw->mem && smmu) {
		/* the SMMU of the QEMU that built the machine, with the stages it was given */
		const struct qemu_version *qv = m->qemu ? m->qemu : qemu_version_default();
		struct smmu_hw_config cfg;
		smmu_hw_config_qemu(&cfg, qv->smmu, m->smmu_stage != SMMU_STAGE_2,
				    m->smmu_stage != SMMU_STAGE_1);
		/* iommusim's S2FWB option: FWB is a stage-2 feature */
		cfg.fwb = m->smmu_s2fwb && cfg.s2;
		hw->smmu = smmu_hw_new(hw->mem, &cfg);
		if (hw->smmu)
			smmu_hw_set_output(hw->smmu, smmu_output, hw);
	}
	hw->gic = hw_gic_new(&m->gic);
	if (!hw->mem || (smmu && !hw->smmu) || !hw->gic) {
		snprintf(err, errlen, "the machine has no usable RAM (check -m or the DT's memory node)");
		hw_system_free(hw);
		return NULL;
	}
	/*
	 * power-on: MSI-X tables masked and disabled; bridges' bus numbers are
	 * 0 in the config space built below (no firmware runs on a -kernel boot)
	 */
	hw_pci_reset_tree(m->pci_root);
	/*
	 * Every PCI function's config space, as its QEMU type lays it out;
	 * virt's host bridge answers config cycles in its high ECAM window
	 * (hw/arm/virt.c VIRT_HIGH_PCIE_ECAM, where its DT's pcie node says).
	 */
	if (m->pci_root) {
		/*
		 * the PCIDevice properties of the QEMU that built the machine, as
		 * its machine type's compat properties leave them (hw_compat_9_1's
		 * x-pcie-ext-tag, hw_compat_7_2's x-pcie-err-unc-mask)
		 */
		const struct pci_hw_version *pv = (m->qemu ? m->qemu : qemu_version_default())->pci;
		struct hw_pci_board board = { .msi_nonbroken = m->gic.msi != HW_MSI_NONE,
					      .pcie_ext_tag = pv->devcap_ext_tag && !m->compat.pcie_no_ext_tag,
					      .pcie_err_unc_mask = pv->aer_unc_mask && !m->compat.pcie_no_err_unc_mask,
					      .slot_reset_power_indicator_off = pv->slot_reset_power_indicator_off,
					      .nvme = hw->qemu->nvme };
		hw->pci = (struct hw_pci_host){ .sys = hw, .ecam_base = VIRT_HIGH_PCIE_ECAM_BASE,
						.ecam_size = VIRT_HIGH_PCIE_ECAM_SIZE, .root = m->pci_root };
		if (hw_pci_layout_build_tree(m->pci_root, &board)) {
			snprintf(err, errlen, "out of memory");
			hw_system_free(hw);
			return NULL;
		}
	}
	if (realize_pci_bus(hw, m->pci_root, err, errlen)) {
		hw_system_free(hw);
		return NULL;
	}
	for (int i = 0; i < VIRT_MMIO_TRANSPORTS; i++) {
		if (m->mmio[i] && realize_virtio(hw, m->mmio[i], err, errlen)) {
			hw_system_free(hw);
			return NULL;
		}
	}
	if (index_virtio(hw)) {
		snprintf(err, errlen, "out of memory");
		hw_system_free(hw);
		return NULL;
	}
	return hw;
}

void hw_system_free(struct hw_system *hw)
{
	if (!hw)
		return;
	for (size_t i = 0; i < hw->nvirtio; i++)
		vdev_hw_free(hw->virtio[i].dev);
	hw_pci_layout_free_tree(hw->pci.root);
	free(hw->virtio);
	free(hw->virtio_by_desc);
	for (size_t i = 0; i < hw->nnvme; i++)
		nvme_hw_free(hw->nvme[i]);
	free(hw->nvme);
	hw_gic_free(hw->gic);
	smmu_hw_free(hw->smmu);
	guest_mem_free(hw->mem);
	free(hw);
}

struct vdev_hw *hw_virtio_device(const struct hw_system *hw, const struct hw_virtio *desc)
{
	if (!hw || !desc || !hw->virtio_by_desc)
		return NULL;
	const struct hw_virtio_slot key = { .desc = desc };
	const struct hw_virtio_slot *hit = bsearch(&key, hw->virtio_by_desc, hw->nvirtio, sizeof(key), slot_cmp);
	return hit ? hit->dev : NULL;
}
