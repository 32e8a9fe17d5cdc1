/* Boot a machine from one string of QEMU arguments, for the unit tests. */
#ifndef IOMMUSIM_TESTS_BOOT_UTIL_H
#define IOMMUSIM_TESTS_BOOT_UTIL_H

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iommusim/iommusim.h"
#include "script/session.h"
#include "pci/pci.h"
#include "iommu/iommu.h"
#include "sysfs/sysfs.h"

/* The kernel and QEMU pairings, for boot_on(): LINUX61 is the reference. */
#define LINUX61 "6.1", "7.2"
#define LINUX73 "7.3", "10.0"
#define LINUX61_QEMU10 "6.1", "10.0"
#define LINUX73_QEMU72 "7.3", "7.2"

/* Boot with options (NULL: the reference); '~' stands for a space inside one argument (-append "a b"). */
static inline struct iommusim *boot_str_opts(const char *args, const struct iommusim_options *opts, char *err,
					     size_t errlen)
{
	char *copy = strdup(args);
	char *argv[256];
	int argc = 0;
	for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && argc < 255;
	     t = strtok_r(NULL, " ", &save)) {
		for (char *c = t; *c; c++)
			if (*c == '~')
				*c = ' ';
		argv[argc++] = t;
	}
	struct iommusim *sim = iommusim_boot(argc, argv, opts, err, errlen);
	free(copy);
	return sim;
}

static inline struct iommusim *boot_str(const char *args, char *err, size_t errlen)
{
	return boot_str_opts(args, NULL, err, errlen);
}

/* Boot args as Linux lv on QEMU qv, or fail the test. */
static inline struct iommusim *boot_on(const char *args, const char *lv, const char *qv)
{
	struct iommusim_options opts = { .linux_version = lv, .qemu_version = qv };
	char err[256] = "";
	struct iommusim *sim = boot_str_opts(args, &opts, err, sizeof(err));
	cr_assert_not_null(sim, "boot as Linux %s on QEMU %s failed: %s", lv, qv, err);
	return sim;
}

/* the index of the log line equal to s, or -1 */
static inline long log_line_equal(struct iommusim *sim, const char *s)
{
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		if (!strcmp(klog_line(&sim->k->log, i), s))
			return (long)i;
	return -1;
}

/* how many log lines contain s */
static inline int log_count(struct iommusim *sim, const char *s)
{
	int n = 0;
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		if (strstr(klog_line(&sim->k->log, i), s))
			n++;
	return n;
}

/* the kernel log so far, malloc'd */
static inline char *boot_dmesg(struct iommusim *sim)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	iommusim_dmesg(sim, f);
	fclose(f);
	return buf;
}

static inline struct iommusim *boot_ok(const char *args)
{
	char err[256] = "";
	struct iommusim *sim = boot_str(args, err, sizeof(err));
	cr_assert_not_null(sim, "boot failed: %s", err);
	return sim;
}

static inline struct pci_dev *pdev_of(struct iommusim *sim, const char *name)
{
	struct pci_dev *p = pci_get_by_name(sim->k, name);
	cr_assert_not_null(p, "no PCI function %s", name);
	return p;
}

static inline int group_of(struct iommusim *sim, const char *name)
{
	struct pci_dev *p = pdev_of(sim, name);
	return p->dev.iommu_group ? p->dev.iommu_group->id : -1;
}

/*
 * Run script lines, return what they printed. Not inlined: GCC's
 * -Wdangling-pointer then takes the returned buffer for the local that
 * open_memstream() filled.
 */
__attribute__((noinline, unused)) static char *run(struct iommusim *sim, const char *lines)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	FILE *in = fmemopen((void *)lines, strlen(lines), "r");
	iommusim_run_script(sim, in, out);
	fclose(in);
	fclose(out);
	return buf;
}

#endif
