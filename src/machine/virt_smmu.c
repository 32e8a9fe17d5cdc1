/*
 * virt's own SMMUv3 as create_smmu() makes it (iommu=smmuv3): the
 * arm-smmuv3 -global properties are applied to it as QEMU applies them
 * (checked only when the device is created, so without iommu=smmuv3 nothing
 * is checked), then the machine type has its say on the stage:
 *  - QEMU 7.2's arm-smmuv3 has no "stage" (stage 1 only): -global
 *    arm-smmuv3.stage=... is "Property 'arm-smmuv3.stage' not found";
 *  - QEMU 10.0's has it ("1", "2", "nested"; smmuv3_init_regs treats any
 *    other value, "" included, as stage 1, with no error), and from
 *    virt-9.2 on the machine sets stage=nested after the globals, so a
 *    -global stage= counts only with -M virt-9.1 and older.
 * The hardware reads the result as m->smmu_stage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/virt_internal.h"

static enum machine_smmu_stage stage_of(const char *v)
{
	if (!strcmp(v, "2"))
		return SMMU_STAGE_2;
	if (!strcmp(v, "nested"))
		return SMMU_STAGE_NESTED;
	return SMMU_STAGE_1;
}

/* A -global arm-smmuv3.KEY=VALUE: 0, or -EINVAL with QEMU's message. */
static int smmu_global(struct virt_build *b, const char *k, const char *v, const char **stage)
{
	const struct qemu_version *q = b->mo.qemu;

	if (!strcmp(k, "stage") && q->smmuv3_stage_property) {
		*stage = v;
		return 0;
	}
	if (!strcmp(k, "bus_num")) {
		char *end;
		unsigned long long n = strtoull(v, &end, 0);

		if (!*v || *end || v[0] == '-')
			return virt_fail(b, "can't apply global arm-smmuv3.%s=%s: Parameter '%s' expects uint64",
					 k, v, k);
		if (n > 255)
			return virt_fail(b, "can't apply global arm-smmuv3.%s=%s: Property arm-smmuv3.%s "
					 "doesn't take value %llu (minimum: 0, maximum: 255)", k, v, k, n);
		return 0;	/* virt links the SMMU to pcie.0 itself: the number is unused */
	}
	if (!strcmp(k, "primary-bus")) {
		for (size_t i = 0; i < b->cmd->ndevices; i++) {
			const char *id = qemu_opt_get(&b->cmd->devices[i], "id");

			if (id && !strcmp(id, v))
				return virt_fail(b, "global arm-smmuv3.%s=%s: another primary bus than pcie.0 "
						 "is not modelled", k, v);
		}
		return virt_fail(b, "can't apply global arm-smmuv3.%s=%s: Device '%s' not found", k, v, v);
	}
	return virt_fail(b, "can't apply global arm-smmuv3.%s=%s: Property 'arm-smmuv3.%s' not found", k, v, k);
}

int virt_smmu_configure(struct virt_build *b)
{
	const struct qemu_version *q = b->mo.qemu;
	const char *stage = NULL;

	b->m->smmu_stage = SMMU_STAGE_1;
	if (!b->mo.smmu)
		return 0;
	/* globals have no option location in QEMU's message */
	b->where[0] = '\0';
	for (size_t i = 0; i < b->cmd->nglobals; i++) {
		const struct qemu_optlist *g = &b->cmd->globals[i];

		if (strcmp(g->driver, "arm-smmuv3"))
			continue;
		if (smmu_global(b, g->opts[0].key, g->opts[0].val, &stage))
			return -EINVAL;
	}
	if (stage)
		b->m->smmu_stage = stage_of(stage);
	/* virt-9.2 and newer: object_property_set_str(dev, "stage", "nested") */
	if (q->smmu_nested_from && b->mo.version >= q->smmu_nested_from)
		b->m->smmu_stage = SMMU_STAGE_NESTED;
	return 0;
}
