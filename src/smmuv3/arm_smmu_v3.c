/*
 * arm-smmu-v3 probe (arm_smmu_device_probe): firmware properties, the ID
 * registers (7.3 reads more of them and prints no ias: smmu_version.h),
 * queue sizing, then registration with the IOMMU core and bus_set_iommu()
 * on the PCI and platform buses.
 */
#include <errno.h>
#include "drivers/irq.h"
#include <stdlib.h>
#include "smmuv3/arm_smmu_v3.h"
#include "smmuv3/smmu_tables.h"
#include "smmuv3/cmdq.h"
#include "smmuv3/iommufd.h"
#include "smmuv3/event_log.h"
#include "hw/smmuv3/smmuv3_regs.h"
#include "fw/of.h"
#include "fw/of_node.h"
#include "pci/pci.h"
#include "init/cmdline.h"
#include "kversion/linux_version.h"
#include "smmuv3/smmu_version.h"

static const char *const arm_smmu_of_match[] = { "arm,smmu-v3", NULL };

static int arm_smmu_device_dt_probe(struct arm_smmu_device *smmu)
{
	struct device *dev = smmu->dev;
	u32 cells;
	if (of_property_read_u32(dev->k->fdt, dev->of_node, "#iommu-cells", &cells)) {
		dev_err(dev, "missing #iommu-cells property\n");
		return -EINVAL;
	}
	if (cells != 1) {
		dev_err(dev, "invalid #iommu-cells value (%d)\n", cells);
		return -EINVAL;
	}
	if (of_property_present(dev->k->fdt, dev->of_node, "dma-coherent"))
		smmu->features |= ARM_SMMU_FEAT_COHERENCY;
	return 0;
}

/* arm_smmu_device_hw_probe(): features, sizes and limits from IDR0/1/3/5 */
static int arm_smmu_device_hw_probe(struct arm_smmu_device *smmu)
{
	struct device *dev = smmu->dev;
	bool coherent = smmu->features & ARM_SMMU_FEAT_COHERENCY;
	const struct smmu_version *v = kernel_version(smmu->k)->smmu;
	u32 reg = readl(&smmu->mmio, SMMU_REG_IDR0);

	if (FIELD_GET(IDR0_ST_LVL, reg) == IDR0_ST_LVL_2LVL)
		smmu->features |= ARM_SMMU_FEAT_2_LVL_STRTAB;
	if (reg & IDR0_CD2L)
		smmu->features |= ARM_SMMU_FEAT_2_LVL_CDTAB;
	switch (FIELD_GET(IDR0_TTENDIAN, reg)) {
	case 0:	/* mixed */
		smmu->features |= ARM_SMMU_FEAT_TT_LE | ARM_SMMU_FEAT_TT_BE;
		break;
	case IDR0_TTENDIAN_LE:
		smmu->features |= ARM_SMMU_FEAT_TT_LE;
		break;
	case 3:
		smmu->features |= ARM_SMMU_FEAT_TT_BE;
		break;
	default:
		dev_err(dev, "unknown/unsupported TT endianness!\n");
		return -ENXIO;
	}
	if (reg & IDR0_SEV)
		smmu->features |= ARM_SMMU_FEAT_SEV;
	if (reg & IDR0_MSI)
		smmu->features |= ARM_SMMU_FEAT_MSI;
	if (reg & IDR0_HYP)
		smmu->features |= ARM_SMMU_FEAT_HYP;
	/* arm_smmu_get_httu(): a DT SMMU takes IDR0.HTTU as it is */
	if (v->probe_newer_id_features) {
		switch (FIELD_GET(IDR0_HTTU, reg)) {
		case 3:
			smmu->features |= ARM_SMMU_FEAT_HAFT;
			/* fall through */
		case 2:
			smmu->features |= ARM_SMMU_FEAT_HD;
			/* fall through */
		case 1:
			smmu->features |= ARM_SMMU_FEAT_HA;
			break;
		}
	}
	/* firmware's word on coherency wins over the ID register */
	if (!!(reg & IDR0_COHACC) != coherent)
		dev_warn(dev, "IDR0.COHACC overridden by FW configuration (%s)\n",
			 coherent ? "true" : "false");
	switch (FIELD_GET(IDR0_STALL_MODEL, reg)) {
	case 2:	/* stall forced */
		smmu->features |= ARM_SMMU_FEAT_STALL_FORCE;
		/* fall through */
	case 0:
		smmu->features |= ARM_SMMU_FEAT_STALLS;
		break;
	}
	if (reg & IDR0_S1P)
		smmu->features |= ARM_SMMU_FEAT_TRANS_S1;
	if (reg & IDR0_S2P)
		smmu->features |= ARM_SMMU_FEAT_TRANS_S2;
	if (!(reg & (IDR0_S1P | IDR0_S2P))) {
		dev_err(dev, "no translation support!\n");
		return -ENXIO;
	}
	switch (FIELD_GET(IDR0_TTF, reg)) {
	case 3:	/* AArch32 and AArch64 */
		smmu->ias = 40;
		break;
	case IDR0_TTF_AARCH64:
		break;
	default:
		dev_err(dev, "AArch64 table format not supported!\n");
		return -ENXIO;
	}
	smmu->asid_bits = reg & IDR0_ASID16 ? 16 : 8;
	smmu->vmid_bits = reg & IDR0_VMID16 ? 16 : 8;

	reg = readl(&smmu->mmio, SMMU_REG_IDR1);
	/* TABLES_PRESET, QUEUES_PRESET, REL: bits 30, 29, 28 */
	if (reg & (BIT(30) | BIT(29) | BIT(28))) {
		dev_err(dev, "embedded implementation not supported\n");
		return -ENXIO;
	}
	if (v->probe_newer_id_features && (reg & IDR1_ATTR_TYPES_OVR))
		smmu->features |= ARM_SMMU_FEAT_ATTR_TYPES_OVR;
	smmu->cmdq.max_n_shift = MIN(CMDQ_MAX_SZ_SHIFT(kernel_config(smmu->k)), (unsigned)FIELD_GET(IDR1_CMDQS, reg));
	if (smmu->cmdq.max_n_shift <= 6) {	/* ilog2(CMDQ_BATCH_ENTRIES) */
		dev_err(dev, "command queue size <= %d entries not supported\n", CMDQ_BATCH_ENTRIES);
		return -ENXIO;
	}
	smmu->evtq.max_n_shift = MIN(EVTQ_MAX_SZ_SHIFT(kernel_config(smmu->k)), (unsigned)FIELD_GET(IDR1_EVTQS, reg));
	smmu->ssid_bits = FIELD_GET(IDR1_SSIDSIZE, reg);
	smmu->sid_bits = FIELD_GET(IDR1_SIDSIZE, reg);
	/* too few SIDs to fill one level-2 table: use a linear table */
	if (smmu->sid_bits <= STRTAB_SPLIT)
		smmu->features &= ~ARM_SMMU_FEAT_2_LVL_STRTAB;

	reg = readl(&smmu->mmio, SMMU_REG_IDR3);
	if (FIELD_GET(IDR3_RIL, reg))
		smmu->features |= ARM_SMMU_FEAT_RANGE_INV;
	if (v->probe_newer_id_features) {
		if (reg & IDR3_FWB)
			smmu->features |= ARM_SMMU_FEAT_S2FWB;
		if (FIELD_GET(IDR3_BBML, reg) == 2)
			smmu->features |= ARM_SMMU_FEAT_BBML2;
	}

	reg = readl(&smmu->mmio, SMMU_REG_IDR5);
	if (v->probe_newer_id_features && (reg & IDR5_DS))
		smmu->features |= ARM_SMMU_FEAT_DS;
	if (reg & IDR5_GRAN64K)
		smmu->pgsize_bitmap |= SZ_64K | (512ULL << 20);
	if (reg & IDR5_GRAN16K)
		smmu->pgsize_bitmap |= SZ_16K | (32ULL << 20);
	if (reg & IDR5_GRAN4K)
		smmu->pgsize_bitmap |= SZ_4K | SZ_2M | SZ_1G;
	if (FIELD_GET(GENMASK(11, 10), reg) == 1)	/* IDR5.VAX: 52-bit VA */
		smmu->features |= ARM_SMMU_FEAT_VAX;
	static const unsigned oas_bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	unsigned oas = FIELD_GET(IDR5_OAS, reg);
	if (oas < ARRAY_SIZE(oas_bits)) {
		smmu->oas = oas_bits[oas];
		if (smmu->oas == 52)
			smmu->pgsize_bitmap |= 1ULL << 42;
	} else {
		dev_info(dev, "unknown output address size. Truncating to 48-bit\n");
		smmu->oas = 48;
	}
	smmu->ias = MAX(smmu->ias, smmu->oas);
	/* both stages make nesting possible (QEMU's IIDR names no erratum-bearing part) */
	if ((smmu->features & ARM_SMMU_FEAT_TRANS_S1) && (smmu->features & ARM_SMMU_FEAT_TRANS_S2))
		smmu->features |= ARM_SMMU_FEAT_NESTING;
	/* CONFIG_ARM_SMMU_V3_SVA is not modelled: no FEAT_SVA */
	if (v->probe_line_ias)
		dev_info(dev, "ias %lu-bit, oas %lu-bit (features 0x%08x)\n", smmu->ias, smmu->oas,
			 smmu->features);
	else
		dev_info(dev, "oas %lu-bit (features 0x%08x)\n", smmu->oas, smmu->features);
	return 0;
}

static int arm_smmu_device_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct kernel *k = dev->k;
	struct hw_system *hw = k->hw;
	struct arm_smmu_device *smmu = calloc(1, sizeof(*smmu));
	if (!smmu)
		return -ENOMEM;
	smmu->dev = dev;
	smmu->k = k;
	smmu->mem = hw->mem;
	int ret = arm_smmu_device_dt_probe(smmu);
	if (ret)
		goto err;
	if (pdev->size < ARM_SMMU_REG_SZ) {
		dev_err(dev, "MMIO region too small (%#llx)\n", (unsigned long long)pdev->size);
		ret = -EINVAL;
		goto err;
	}
	if (hw_ioremap(hw, pdev->base, pdev->size, &smmu->mmio)) {
		dev_err(dev, "ioremap failed\n");
		ret = -ENOMEM;
		goto err;
	}
	/*
	 * the interrupt lines: "combined", else "eventq", "priq" and "gerror"
	 * (platform_get_irq_byname_optional(): each mapped, used or not)
	 */
	if (of_irq_get_byname(k, dev->of_node, "combined") <= 0) {
		of_irq_get_byname(k, dev->of_node, "eventq");
		of_irq_get_byname(k, dev->of_node, "priq");
		of_irq_get_byname(k, dev->of_node, "gerror");
	}
	/* the wired eventq/gerror/cmdq-sync lines (virt has no MSIs for the SMMU) */
	hw_request_irq(hw, pdev->base, arm_smmu_irq_handler, smmu);
	ret = arm_smmu_device_hw_probe(smmu);
	if (ret)
		goto err;
	/* arm-smmu-v3.disable_bypass=0 lets streams without a master bypass */
	const struct kernel_cmdline *cmdline = k->cmdline;
	smmu->allow_bypass = cmdline && !cmdline->disable_bypass;
	ret = arm_smmu_init_structures(smmu);
	if (ret)
		goto err;
	ret = arm_smmu_device_reset(smmu);
	if (ret)
		goto err_tables;

	smmu->iommu.ops = &arm_smmu_ops;
	smmu->iommu.fwnode = dev->of_node;
	smmu->iommu.dev = dev;
	smmu->iommu.priv = smmu;
	dev->drvdata = smmu;
	k->smmu = smmu;
	ret = iommu_device_register(k, &smmu->iommu);
	if (ret)
		goto err_tables;
	/* 6.1's arm_smmu_set_bus_ops(): the PCI bus, then the platform bus */
	arm_smmu_event_log_register_debugfs();
	bus_set_iommu(k, &pci_bus_type, &arm_smmu_ops);
	bus_set_iommu(k, &platform_bus_type, &arm_smmu_ops);
	return 0;
err_tables:
	arm_smmu_free_structures(smmu);
err:
	free(smmu);
	return ret;
}

const struct iommu_ops arm_smmu_ops = {
	.name = "arm-smmu-v3",
	.probe_device = arm_smmu_probe_device,
	.release_device = arm_smmu_release_device,
	.device_group = arm_smmu_device_group,
	.domain_alloc = arm_smmu_domain_alloc,
	.of_xlate = arm_smmu_of_xlate,
	.get_resv_regions = arm_smmu_get_resv_regions,
	.pgsize_bitmap = ~0ULL,	/* narrowed per domain by the page-table format */
	.default_domain_ops = &arm_smmu_domain_ops,
	/* 7.3's iommufd members (smmuv3/iommufd.c; without ARM_SMMU_V3_IOMMUFD they refuse) */
	.capable = arm_smmu_capable,
	.hw_info = arm_smmu_hw_info,
	.domain_alloc_paging_flags = arm_smmu_domain_alloc_paging_flags,
	.get_viommu_size = arm_smmu_get_viommu_size,
	.viommu_init = arm_vsmmu_init,
};

struct platform_driver arm_smmu_driver = {
	/* 6.1 sets suppress_bind_attrs: its sysfs directory has no bind/unbind */
	.driver = { .name = "arm-smmu-v3", .bus = &platform_bus_type, .suppress_bind_attrs = true },
	.of_match_table = arm_smmu_of_match,
	.probe = arm_smmu_device_probe,
};
