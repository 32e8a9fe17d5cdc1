/*
 * The `smmu ste` / `smmu walk` script verbs on a nested STE of a booted
 * machine (7.3 on QEMU 10.0, whose virt SMMU has stage=nested): the driver's
 * stage-1 STE of a device is turned into S1+S2 by hand, with a stage 2 that
 * maps RAM one to one (so the CD and the stage-1 tables the driver wrote are
 * at IPA = PA), and the verbs print both stages level by level; then the
 * same views of a device a VMM attached to a nested HWPT through iommufd.
 */
#include <stdlib.h>

#include "iommufd_util.h"
#include "hw/smmuv3/smmu_hw_internal.h"
#include "hw/smmuv3/smmuv3_tables.h"
#include "hw/system.h"
#include "iommusim/vfio.h"
#include "uapi/uapi.h"

#define RNG "0000:00:01.0"
#define RNG_SID 0x8

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p += n)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static int count(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

Test(smmu_walk_verb, nested_ste_shows_both_stages)
{
	struct iommusim *sim = boot_on("-M virt,iommu=smmuv3,gic-version=3 -nic none -device virtio-rng-pci",
				       "7.3", "10.0");
	struct smmu_hw *smmu = sim->k->hw->smmu;
	struct smmu_event ev;
	u64 ste_pa, ste[8], s2pa;
	char line[160];

	char *o = run(sim, "iommu map " RNG " 0x100000 0x41000000 0x1000 rw\n");
	free(o);
	/* Stage 2: one level-1 table (39-bit IPA), 1G blocks mapping IPA = PA below 4G. */
	u64 *s2 = iommusim_user_alloc(sim, 4096);
	cr_assert_not_null(s2);
	struct uapi_user_block *blk;

	cr_assert_eq(uapi_user_pa(sim->k, (u64)(uintptr_t)s2, 4096, &s2pa, &blk), 0);
	for (u64 i = 0; i < 4; i++)
		s2[i] = (i << 30) | PTE_AF | PTE_S2_AP_READ | PTE_S2_AP_WRITE | PTE_VALID;
	/* The driver's stage-1 STE, made nested with VMID 5. */
	cr_assert_eq(smmu_hw_ste_locate(smmu, RNG_SID, SMMU_NO_SSID, &ste_pa, &ev), 0);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(guest_mem_read64(smmu->mem, ste_pa + 8 * i, &ste[i]), 0);
	cr_assert_eq(FIELD_GET(STE0_CONFIG, ste[0]), STE_CONFIG_S1);
	ste[0] = (ste[0] & ~STE0_CONFIG) | FIELD_PREP(STE0_CONFIG, STE_CONFIG_NESTED);
	ste[2] = FIELD_PREP(STE2_S2VMID, 5) | FIELD_PREP(STE2_S2T0SZ, 25) | FIELD_PREP(STE2_S2SL0, 1) |
		 FIELD_PREP(STE2_S2TG, STE_S2TG_4K) | FIELD_PREP(STE2_S2PS, 4) | STE2_S2AA64 | STE2_S2R;
	ste[3] = s2pa & STE3_S2TTB;
	for (int i = 0; i < 8; i++)
		cr_assert_eq(guest_mem_write64(smmu->mem, ste_pa + 8 * i, ste[i]), 0);

	o = run(sim, "smmu ste " RNG "\n");
	cr_assert(strstr(o, "V=1 Config=S1+S2 ") && strstr(o, " S2VMID=5 "), "%s", o);
	u64 cd_pa = ste[0] & STE0_S1CTXPTR;
	snprintf(line, sizeof(line), "CD at IPA 0x%llx -> PA 0x%llx", (unsigned long long)cd_pa,
		 (unsigned long long)cd_pa);
	cr_assert(has_line(o, line), "%s\n---\n%s", line, o);
	free(o);

	o = run(sim, "smmu walk " RNG " 0x100010 w\n");
	cr_assert(has_line(o, "walk sid 0x8 iova 0x100010 (write)"), "%s", o);
	cr_assert(strstr(o, "\nnested: ASID ") && strstr(o, ", VMID 5; stage 1 tables at IPAs (TTB0 0x"), "%s", o);
	cr_assert_eq(count(o, "descriptor at IPA 0x"), 4, "%s", o);
	/* each stage-1 table sits in the 1G block of IPA 1G: the level-1 descriptor at s2pa + 8 */
	snprintf(line, sizeof(line), "    S2 L1 @0x%llx: 0x%016llx block", (unsigned long long)(s2pa + 8),
		 (unsigned long long)s2[1]);
	cr_assert_eq(count(o, line), 4, "%s\n---\n%s", line, o);
	cr_assert(has_line(o, "  S1 -> IPA 0x41000010 (4 KiB page, rw)"), "%s", o);
	cr_assert_eq(count(o, "\n  S2 L1 @"), 1, "the output's stage-2 walk: %s", o);
	cr_assert(has_line(o, "  S2 -> PA 0x41000010 (1048576 KiB block, rw)"), "%s", o);
	cr_assert(has_line(o, "-> pa 0x41000010 (4 KiB page, rw)"), "%s", o);
	free(o);

	/* pasid N: the substream's CD; the driver's STE has no CD table beyond CD 0 */
	o = run(sim, "smmu walk " RNG " 0x100010 r pasid 1\nsmmu ste " RNG " pasid 1\nsmmu walk " RNG " 0x100010 pasid 0x100000\n"
		     "smmu ste " RNG " pasid\n");
	cr_assert(has_line(o, "walk sid 0x8 ssid 0x1 iova 0x100010 (read)"), "%s", o);
	cr_assert_eq(count(o, "fault: C_BAD_SUBSTREAMID (event 0x08)\n"), 2, "%s", o);
	cr_assert(has_line(o, "smmu: bad argument"), "20 bits at most: %s", o);
	cr_assert(has_line(o, "smmu: usage: smmu ste DEVICE [pasid N] | smmu walk DEVICE IOVA [r|w] [pasid N]"), "%s", o);
	free(o);

	/* A stage-1 output stage 2 does not map: the fault at stage 2, CLASS IN, with that IPA. */
	o = run(sim, "iommu map " RNG " 0x200000 0x140000000 0x1000 rw\nsmmu walk " RNG " 0x200010\n");
	cr_assert(has_line(o, "  S1 -> IPA 0x140000010 (4 KiB page, rw)"), "%s", o);
	cr_assert(has_line(o, "fault: F_TRANSLATION (event 0x10) at stage 2, CLASS IN, IPA 0x140000010"), "%s", o);
	free(o);
	/* Stage 2 loses the 1G block holding the CD: the config fetch faults at stage 2, CLASS CD. */
	s2[1] = 0;
	o = run(sim, "smmu walk " RNG " 0x100010\n");
	snprintf(line, sizeof(line), "fault: F_TRANSLATION (event 0x10) at stage 2, CLASS CD, IPA 0x%llx",
		 (unsigned long long)cd_pa);
	cr_assert(has_line(o, line), "%s\n---\n%s", line, o);
	free(o);
	iommusim_free(sim);
}

/*
 * A VMM's nested attach: guest RAM at IPA 0x40000000 in an IOAS under a nest
 * parent, the guest's CD and stage-1 tables in it, a vIOMMU, the vDEVICE,
 * a nested HWPT from the guest's vSTE. The views read the STE the host
 * wrote: the guest's CD at its IPA, each guest table at its IPA, and the
 * nest parent's stage-2 walk of each.
 */
#define GPA 0x40000000ULL
#define PG(n) (GPA + (n) * 0x1000ULL)
#define S1_TABLE(ipa) ((ipa) | PTE_VALID | PTE_TYPE)
#define S1_PAGE(ipa) ((ipa) | PTE_VALID | PTE_TYPE | PTE_S1_AP_UNPRIV | PTE_AF)

Test(smmu_walk_verb, nested_hwpt_attached_through_iommufd)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 ioas = ifd_ioas(&c);
	u64 *ram = iommusim_user_alloc(c.sim, 0x10000);
	struct uapi_user_block *blk;
	u64 pa[8];
	char line[160];

	cr_assert_not_null(ram);
	memset(ram, 0, 0x10000);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(uapi_user_pa(c.sim->k, (u64)(uintptr_t)ram + 0x1000ULL * i, 0x1000, &pa[i], &blk), 0);
	struct iommu_ioas_map m = { .size = sizeof(m), .ioas_id = ioas,
				    .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
					     IOMMU_IOAS_MAP_WRITEABLE,
				    .user_va = (u64)(uintptr_t)ram, .length = 0x10000, .iova = GPA };
	cr_assert_eq(ifd_io(&c, IOMMU_IOAS_MAP, &m), 0);
	/* the guest's CD (page 0): 48-bit VA, 4K granule, ASID 5, tables at pages 1-4, VA 0x1000 -> page 5 */
	ram[0] = CD0_V | CD0_AA64 | FIELD_PREP(CD0_T0SZ, 16) | FIELD_PREP(CD0_IRGN0, 1) | FIELD_PREP(CD0_ORGN0, 1) |
		 FIELD_PREP(CD0_SH0, 3) | CD0_EPD1 | FIELD_PREP(CD0_IPS, 4) | CD0_R | CD0_A | FIELD_PREP(CD0_ASID, 5);
	ram[1] = PG(1);
	ram[3] = 0xff;
	ram[0x1000 / 8] = S1_TABLE(PG(2));
	ram[0x2000 / 8] = S1_TABLE(PG(3));
	ram[0x3000 / 8] = S1_TABLE(PG(4));
	ram[0x4000 / 8 + 1] = S1_PAGE(PG(5));

	u32 parent = ifd_nest_parent(&c, ioas), viommu = 0, vdev = 0, nested = 0;
	cr_assert_eq(ifd_viommu_alloc(&c, c.dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	cr_assert_eq(ifd_vdevice_alloc(&c, viommu, c.dev_id, 0x42, &vdev), 0);
	struct iommu_hwpt_arm_smmuv3 vste = {
		{ STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_S1) | PG(0), 0 }
	};
	cr_assert_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &vste, 16, &nested), 0);
	u32 pt = nested;
	cr_assert_eq(iommufd_device_attach(c.idev, &pt), 0);

	char *o = run(c.sim, "smmu ste " IFD_DEV "\n");
	cr_assert(strstr(o, "V=1 Config=S1+S2 "), "%s", o);
	snprintf(line, sizeof(line), "CD at IPA 0x%llx -> PA 0x%llx", (unsigned long long)PG(0), (unsigned long long)pa[0]);
	cr_assert(has_line(o, line), "%s\n---\n%s", line, o);
	cr_assert(strstr(o, "V=1 ASID=5 TTB0=0x40001000 "), "%s", o);
	free(o);

	o = run(c.sim, "smmu walk " IFD_DEV " 0x1234 w\n");
	cr_assert(strstr(o, "\nnested: ASID 5, VMID ") && strstr(o, "; stage 1 tables at IPAs (TTB0 0x40001000)\n"), "%s", o);
	static const u64 desc_ipa[4] = { PG(1), PG(2), PG(3), PG(4) + 8 };
	for (int l = 0; l < 4; l++) {
		snprintf(line, sizeof(line), "  S1 L%d descriptor at IPA 0x%llx:", l, (unsigned long long)desc_ipa[l]);
		cr_assert(has_line(o, line), "%s\n---\n%s", line, o);
		snprintf(line, sizeof(line), "    S2 -> PA 0x%llx", (unsigned long long)(pa[l + 1] + (desc_ipa[l] & 0xfff)));
		cr_assert(has_line(o, line), "%s\n---\n%s", line, o);
		snprintf(line, sizeof(line), "  S1 L%d @0x%llx: ", l, (unsigned long long)(pa[l + 1] + (desc_ipa[l] & 0xfff)));
		cr_assert(strstr(o, line), "%s\n---\n%s", line, o);
	}
	cr_assert(has_line(o, "  S1 -> IPA 0x40005234 (4 KiB page, rw)"), "%s", o);
	snprintf(line, sizeof(line), "  S2 -> PA 0x%llx (4 KiB page, rw)", (unsigned long long)(pa[5] + 0x234));
	cr_assert(has_line(o, line), "%s\n---\n%s", line, o);
	snprintf(line, sizeof(line), "-> pa 0x%llx (4 KiB page, rw)", (unsigned long long)(pa[5] + 0x234));
	cr_assert(has_line(o, line), "%s\n---\n%s", line, o);
	free(o);

	/* an IOVA the guest did not map: a stage-1 fault, read without recording anything */
	o = run(c.sim, "smmu walk " IFD_DEV " 0x2000\n");
	cr_assert(has_line(o, "fault: F_TRANSLATION (event 0x10)"), "%s", o);
	free(o);
	iommufd_device_detach(c.idev);
	ifd_close(&c);
}
