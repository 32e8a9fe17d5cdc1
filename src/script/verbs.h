/* The model's own script verbs beyond the shell commands. */
#ifndef IOMMUSIM_SCRIPT_VERBS_H
#define IOMMUSIM_SCRIPT_VERBS_H

#include <stdio.h>
#include "base/device.h"

/* xxd-style dump: address, 16 bytes as hex pairs, the printable ones */
void hexdump(FILE *out, u64 base, const u8 *buf, size_t len);
/* a number as strtoull(.., 0) reads it, whole and not negative: 0 or -EINVAL */
int verb_parse_u64(const char *s, u64 *out);
/* PATTERN: a byte 0xNN, or a string, repeated; NULL gives 0, 1, 2, ... */
void verb_fill_pattern(u8 *buf, size_t len, const char *pat);
/* blk read|raw-read DEVICE SECTOR COUNT, blk write DEVICE SECTOR COUNT PATTERN */
int verb_blk(struct kernel *k, int argc, char **argv, FILE *out);
int verb_dma(struct kernel *k, int argc, char **argv, FILE *out);
int verb_mem(struct kernel *k, int argc, char **argv, FILE *out);
int verb_iommu(struct kernel *k, int argc, char **argv, FILE *out);
int verb_smmu(struct kernel *k, int argc, char **argv, FILE *out);
struct iommusim;
/* vfio ...: the modelled process's VFIO calls (vfio_verbs.c) */
int verb_vfio(struct iommusim *sim, int argc, char **argv, FILE *out);
/* iommufd ...: the modelled process's iommufd calls (iommufd_verbs.c, iommufd_exec.h) */
int verb_iommufd(struct iommusim *sim, int argc, char **argv, FILE *out);
/* vfio attach DEVICE: QEMU's vfio-pci realize up to the device fd (vfio_attach.c) */
int vfio_attach(struct iommusim *sim, const char *name, FILE *out);

#endif
