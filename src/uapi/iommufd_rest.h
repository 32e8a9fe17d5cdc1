/*
 * The iommufd ioctls of 7.3 with nothing to work on in the model (see
 * iommufd_rest.c): their argument checks and answers.
 */
#ifndef IOMMUSIM_UAPI_IOMMUFD_REST_H
#define IOMMUSIM_UAPI_IOMMUFD_REST_H

#include "uapi/iommufd.h"

int iommufd_vfio_ioas(struct iommufd_ucmd *ucmd, struct iommu_vfio_ioas *cmd);
int iommufd_hwpt_set_dirty_tracking(struct iommufd_ucmd *ucmd, struct iommu_hwpt_set_dirty_tracking *cmd);
int iommufd_hwpt_get_dirty_bitmap(struct iommufd_ucmd *ucmd, struct iommu_hwpt_get_dirty_bitmap *cmd);
int iommufd_ioas_map_file(struct iommufd_ucmd *ucmd, struct iommu_ioas_map_file *cmd);
int iommufd_ioas_change_process(struct iommufd_ucmd *ucmd, struct iommu_ioas_change_process *cmd);
int iommufd_hw_queue_alloc_ioctl(struct iommufd_ucmd *ucmd, struct iommu_hw_queue_alloc *cmd);
int iommufd_ioas_noiommu_get_pa(struct iommufd_ucmd *ucmd, struct iommu_ioas_noiommu_get_pa *cmd);

#endif
