/* /sys/kernel/debug/iommusim/groups (group_debugfs.c) */
#ifndef IOMMUSIM_IOMMU_GROUP_DEBUGFS_H
#define IOMMUSIM_IOMMU_GROUP_DEBUGFS_H

void iommu_group_debugfs_init(void);

#endif
