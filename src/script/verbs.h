/* The model's own script verbs beyond the shell commands. */
#ifndef IOMMUSIM_SCRIPT_VERBS_H
#define IOMMUSIM_SCRIPT_VERBS_H

#include <stdio.h>
#include "base/device.h"

struct device *verb_find_device(struct kernel *k, const char *name);
int verb_dma(struct kernel *k, int argc, char **argv, FILE *out);
int verb_mem(struct kernel *k, int argc, char **argv, FILE *out);
int verb_iommu(struct kernel *k, int argc, char **argv, FILE *out);
int verb_smmu(struct kernel *k, int argc, char **argv, FILE *out);

#endif
