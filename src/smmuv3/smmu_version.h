/*
 * The arm-smmu-v3 driver: what differs between the kernels the model answers
 * as (src/kversion/linux_version.h). One field per behaviour, named by the
 * behaviour; smmu_version.c has each kernel's values.
 */
#ifndef IOMMUSIM_SMMUV3_SMMU_VERSION_H
#define IOMMUSIM_SMMUV3_SMMU_VERSION_H

#include <stdbool.h>

/* How the driver rewrites a live STE (ste.h has both sequences). */
enum arm_smmu_ste_writer {
	/*
	 * 6.1's arm_smmu_write_strtab_ent(): for a translating STE the whole
	 * entry but qword 0, CFGI_STE + CMD_SYNC, then qword 0 (V and Config),
	 * another CFGI_STE + CMD_SYNC, then PREFETCH_CFG; for abort or bypass
	 * qwords 0..2 and one CFGI_STE + CMD_SYNC.
	 */
	ARM_SMMU_STE_WRITER_STRTAB_ENT,
	/*
	 * 7.3's arm_smmu_write_entry(): the used-bits entry writer, then
	 * PREFETCH_CFG. Hitless when one qword's used bits change (up to three
	 * steps), a V=0 break otherwise (three); one CFGI_STE + CMD_SYNC a step.
	 */
	ARM_SMMU_STE_WRITER_USED_BITS,
};

struct smmu_version {
	/* arm_smmu_device_hw_probe()'s line names the ias (6.1: "ias 44-bit, oas 44-bit") */
	bool probe_line_ias;
	/*
	 * arm_smmu_insert_master() sorts a master's StreamIDs first, passes over
	 * its own duplicates, and refuses one another master holds with
	 * "Aliasing StreamID 0x%x (from %s) unsupported, expect DMA to be
	 * broken" and -ENODEV (7.3); 6.1 inserts them in the fwspec's order and
	 * says "stream %u already in tree from dev %s" (-EINVAL).
	 */
	bool streams_sorted_aliasing_warning;
	/*
	 * arm_smmu_device_hw_probe() reads the newer ID fields: IDR0.HTTU
	 * (FEAT_HA/HD/HAFT), IDR1.ATTR_TYPES_OVR, IDR3.FWB (FEAT_S2FWB),
	 * IDR3.BBML == 2 (FEAT_BBML2, bit 24) and IDR5.DS (7.3; 6.1 reads none,
	 * so QEMU's BBML2 shows on 7.3 only)
	 */
	bool probe_newer_id_features;
	/*
	 * arm_smmu_dump_event(): after the four raw words, the decoded "event:
	 * F_TRANSLATION client: ..." line and, for translation-class faults,
	 * the "unpriv data write s1 ..." line (7.3; 6.1 prints the raw words)
	 */
	bool event_decoded_lines;
	/* which STE writer arm_smmu_install_ste_for_dev()'s path takes */
	enum arm_smmu_ste_writer ste_writer;
	/*
	 * STEs ask for incoming shareability (SHCFG) only on an SMMU with
	 * IDR1.ATTR_TYPES_OVR (bypass, S2, S1DSS=bypass) and never on abort
	 * (7.3); 6.1 writes it in every abort and bypass STE and its S2 STEs
	 * keep it
	 */
	bool ste_shcfg_needs_attr_types_ovr;
	/*
	 * arm_smmu_attach_dev() moves the STE from the old domain's straight
	 * to the new one's (7.3); 6.1 detaches first, through abort/bypass
	 */
	bool attach_direct_ste_update;
};

extern const struct smmu_version smmu_linux_6_1, smmu_linux_7_3;

#endif
