/*
 * QEMU 7.2's scsi-hd (hw/scsi/scsi-disk.c): its drive and the commands it
 * emulates. The bus (scsi_bus.c) realizes it and routes commands to it.
 */
#ifndef IOMMUSIM_HW_SCSI_DISK_H
#define IOMMUSIM_HW_SCSI_DISK_H

#include "hw/scsi_bus.h"

/* scsi_realize(): properties and the drive; 0 or -errno with QEMU's message. */
int scsi_disk_realize(struct scsi_disk *d, const struct scsi_hd_conf *conf, char *err, size_t errlen);
void scsi_disk_unrealize(struct scsi_disk *d);

/* scsi_disk_emulate_command() and the READ/WRITE path for the disk's own LUN. */
void scsi_disk_emulate(struct scsi_disk *d, const u8 *cdb, const struct scsi_cdb_info *info,
		       const u8 *data_out, size_t out_len, u8 *data_in, size_t in_cap, bool tcq,
		       struct scsi_result *res);

/* scsi_build_sense(): CHECK CONDITION with fixed-format sense key/ASC/ASCQ. */
void scsi_set_sense(struct scsi_result *res, u8 key, u8 asc, u8 ascq);

#endif
