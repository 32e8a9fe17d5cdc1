/* The QEMU releases the hardware answers as (qemu_version.h). */
#include <string.h>
#include "machine/qemu_version.h"
#include "hw/pci_hw_version.h"
#include "hw/smmuv3/smmu_hw_version.h"

const struct qemu_version qemu_7_2 = {
	.name = "7.2",
	.description = "Debian 12's qemu-system-arm 1:7.2+dfsg-7+deb12u18+b3",
	.newest_virt = 702,
	.pci = &pci_hw_qemu_7_2,
	.smmu = &smmu_hw_qemu_7_2,
};

const struct qemu_version qemu_10_0 = {
	.name = "10.0",
	.description = "bookworm-backports' qemu-system-arm 1:10.0.2+ds-2+deb13u1~bpo12+1",
	.newest_virt = 1000,
	.pci = &pci_hw_qemu_10_0,
	.smmu = &smmu_hw_qemu_10_0,
};

static const struct qemu_version *const versions[] = { &qemu_7_2, &qemu_10_0, NULL };

const struct qemu_version *qemu_version_default(void)
{
	return &qemu_7_2;
}

const struct qemu_version *qemu_version_find(const char *name)
{
	for (size_t i = 0; name && versions[i]; i++)
		if (!strcmp(versions[i]->name, name))
			return versions[i];
	return NULL;
}

const struct qemu_version *const *qemu_versions(void)
{
	return versions;
}
