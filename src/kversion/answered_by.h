/*
 * Which kernel, QEMU and configuration answered (issue 12 item 5): the
 * --json summary's "answered_by" and /sys/kernel/debug/iommusim/version.
 */
#ifndef IOMMUSIM_KVERSION_ANSWERED_BY_H
#define IOMMUSIM_KVERSION_ANSWERED_BY_H

#include <json-c/json.h>
#include <stdio.h>

struct kernel;

/*
 * {"linux": "7.3", "linux_release": ..., "qemu": "10.0", "machine": "virt-10.0"
 * (null for a DT of the user's), "kconfig": {"DMA_CMA": "n", ...} (the options
 * --kconfig changed from the kernel's own configuration, as .config writes them)}
 */
json_object *answered_by_json(const struct kernel *k);
/* The same as "key: value" lines. */
void answered_by_print(const struct kernel *k, FILE *out);
/* Register /sys/kernel/debug/iommusim/version. */
void answered_by_register_debugfs(void);

#endif
