/*
 * Which kernel log lines `iommusim verify` compares: the ones about the
 * IOMMU, DMA, PCI and the drivers the model has, minus message shapes the
 * model does not produce yet (each named with why).
 */
#ifndef IOMMUSIM_CLI_LOG_FILTER_H
#define IOMMUSIM_CLI_LOG_FILTER_H

#include <stdbool.h>

/* True when a kernel log line (timestamp already cut) is compared. */
bool log_line_compared(const char *line);

/* The lines of a kernel log (with or without timestamps) verify compares, each line's "[ seconds] " cut; malloc'd, NULL when out of memory. */
char *log_filter_text(const char *log);

#endif
