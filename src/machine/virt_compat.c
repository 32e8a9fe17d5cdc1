/*
 * The compat properties of a virt-X.Y machine type (struct machine_compat).
 * QEMU keeps an older machine type's guest-visible behaviour by setting
 * properties on its devices (hw_compat_X_Y, applied by every type up to
 * X.Y) and flags of the machine class (virt_machine_X_Y_options). These are
 * the ones between virt-6.0 and virt-10.0 that change something of a device
 * iommusim models, found by comparing QEMU 10.0's `info qtree` of one
 * machine holding every modelled device across the machine types (and the
 * DT of dumpdtb). The others there change nothing a guest sees: scsi-hd's
 * migrate-emulated-scsi-request (hw_compat_9_0), e1000e's migrate-timadj
 * (hw_compat_7_2).
 */
#include "machine/virt_internal.h"

void virt_compat_of(int version, struct machine_compat *c)
{
	*c = (struct machine_compat){
		.pcie_no_ext_tag = version < 902,		/* hw_compat_9_1 */
		.pcie_writeable_slt_bug = version < 802,	/* hw_compat_8_1 */
		.pcie_ari_nextfn_1 = version < 801,		/* hw_compat_8_0 */
		.virtio_net_no_uso = version < 801,		/* hw_compat_8_0 */
		.pcie_no_err_unc_mask = version < 800,		/* hw_compat_7_2 */
		.virtio_no_queue_reset = version < 702,		/* hw_compat_7_1 */
		.virtio_rng_pci_no_vectors = version < 702,	/* hw_compat_7_1 */
		.gicv3_no_8bit_prio = version < 701,		/* hw_compat_7_0 */
		.cpu_no_lpa2 = version < 700,			/* hw_compat_6_2 (max-arm-cpu lpa2=false) */
		.no_cpu_map = version < 602,			/* virt_machine_6_1_options */
		.no_tcg_its = version < 602,			/* virt_machine_6_1_options */
		.e1000_no_init_vet = version < 601,		/* hw_compat_6_0 */
		.gpex_no_unmapped_accesses = version < 601,	/* hw_compat_6_0 */
	};
}
