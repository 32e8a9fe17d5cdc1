/*
 * The kernel log lines verify compares. A line is compared when it starts
 * with one of the subsystems or devices below and is not one of the shapes
 * listed as not modelled. The lists say what the model answers for: widen
 * the first and shorten the second as the model learns a message.
 */
#include <regex.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "log_filter.h"

/* Subsystems and drivers the model speaks for (POSIX extended regexes). */
static const char *const compared[] = {
	"^iommu: ",
	"^arm-smmu-v3 ",
	"^pci-host-generic ",
	"^pci [0-9a-f]{4}:",
	"^pci_bus [0-9a-f]{4}:",
	"^pcieport ",
	"^virtio-pci ",
	"^virtio-mmio ",
	"^virtio_(blk|net|rng|scsi) ",
	"^vfio",
	"^VFIO ",
	"^cma: ",
	"^software IO TLB",
	"^swiotlb",
	"^DMA: preallocated ",
	"deferred probe",
	"^platform ",
	"^nvme ",
	/* writes to uevent files, and the rate limit of the group type store's messages */
	"^synth uevent: ",
	"^iommu_(group_store_type|change_dev_def_domain): [0-9]+ callbacks suppressed$",
	/* the kernel command line as the kernel read it (-append) */
	"^Unknown kernel command line parameters ",
	"^Malformed early option ",
	"^Booting kernel: ",
};

/* Shapes of those the model does not print, and why. */
static const char *const not_modelled[] = {
	/* pcieport's PME, AER and hotplug services: README, Limits */
	"^pcieport [0-9a-f:.]+: (PME|AER|pciehp): ",
};

static bool any_match(const char *const *res, size_t n, regex_t *cache, bool *ready, const char *line)
{
	for (size_t i = 0; i < n; i++) {
		if (!ready[i]) {
			if (regcomp(&cache[i], res[i], REG_EXTENDED | REG_NOSUB))
				continue;
			ready[i] = true;
		}
		if (!regexec(&cache[i], line, 0, NULL, 0))
			return true;
	}
	return false;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

bool log_line_compared(const char *line)
{
	static regex_t keep_re[N(compared)], skip_re[N(not_modelled)];
	static bool keep_ok[N(compared)], skip_ok[N(not_modelled)];
	return any_match(compared, N(compared), keep_re, keep_ok, line) &&
	       !any_match(not_modelled, N(not_modelled), skip_re, skip_ok, line);
}

char *log_filter_text(const char *log)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	regex_t stamp;
	if (!m || regcomp(&stamp, "^\\[ *[0-9]+\\.[0-9]+\\] ", REG_EXTENDED)) {
		if (m)
			fclose(m);
		free(buf);
		return NULL;
	}
	const char *p = log ? log : "";
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, n);
		if (!line)
			break;
		regmatch_t mt;
		const char *body = line;
		if (!regexec(&stamp, line, 1, &mt, 0))
			body = line + mt.rm_eo;
		if (log_line_compared(body))
			fprintf(m, "%s\n", body);
		free(line);
		p += n + (nl ? 1 : 0);
	}
	regfree(&stamp);
	fclose(m);
	return buf;
}
