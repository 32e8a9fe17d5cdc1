/*
 * libiommusim: an executable model of the Linux 6.1 IOMMU and DMA stack on
 * an Arm SMMUv3 machine. Boot a machine from a QEMU command line (or a DT),
 * then ask it what Linux would answer: groups, drivers, sysfs, dmesg.
 */
#ifndef IOMMUSIM_IOMMUSIM_H
#define IOMMUSIM_IOMMUSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct iommusim;

struct iommusim_options {
	const char *dtb_path;		/* boot this DT instead of building virt (or NULL) */
	const char *dts_path;		/* same, compiled with dtc first */
	const char *const *init_modules;	/* NULL: the reference init's modules */
};

/*
 * Build the machine from QEMU-style arguments ("-M", "virt,iommu=smmuv3",
 * "-device", ...) and boot it. NULL with a message naming the bad input in
 * err (nothing is half-built).
 */
struct iommusim *iommusim_boot(int argc, char **argv, const struct iommusim_options *opts,
			       char *err, size_t errlen);
void iommusim_free(struct iommusim *sim);

/* The DT the machine was booted with, in dtc's source format. 0 or -errno. */
int iommusim_dump_dts(struct iommusim *sim, FILE *out);

/*
 * Run one script line (echo/cat/ls/readlink/dmesg/sleep/modprobe/rmmod ...),
 * printing what a shell would print to out. Returns 0, or the failing
 * command's errno (negative); errors are printed like a shell prints them.
 */
int iommusim_run_line(struct iommusim *sim, const char *line, FILE *out);
/* Every line of a script; returns the number of failed commands. */
int iommusim_run_script(struct iommusim *sim, FILE *in, FILE *out);

/* The boot summary: groups then every PCI function, as text or JSON. */
void iommusim_print_summary(struct iommusim *sim, FILE *out, bool json);
/* The topology as a Graphviz digraph: buses, bridges, StreamIDs, groups and their domains. */
void iommusim_print_dot(struct iommusim *sim, FILE *out);
/* The kernel log with its virtual timestamps. */
void iommusim_dmesg(struct iommusim *sim, FILE *out);

#endif
