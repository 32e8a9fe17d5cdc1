/*
 * The DEVICE operand of the model's verbs (blk, dma, iommu, smmu): a device
 * named the way a user names it on the real machine, one of
 *   - its name in sysfs (/sys/bus/X/devices/NAME): 0000:01:00.0,
 *     a003e00.virtio_mmio, virtio1, 9050000.smmuv3, 4010000000.pcie;
 *   - a PCI address as lspci -s takes it: DDDD:BB:DD.F, or BB:DD.F when only
 *     one PCI domain has a function there (hex digits in either case);
 *   - a disk (/sys/block/NAME): vda.
 * Each resolver prints "VERB: ARG: why" to out and returns NULL when arg
 * names nothing it can use.
 */
#ifndef IOMMUSIM_SCRIPT_DEVICE_ARG_H
#define IOMMUSIM_SCRIPT_DEVICE_ARG_H

#include <stdio.h>
#include "base/device.h"

struct virtio_blk;

/* The device arg names (a disk: its virtio device). */
struct device *verb_device(struct kernel *k, const char *verb, const char *arg, FILE *out);

/*
 * The device whose DMA arg means: the device itself, or for a virtio device
 * or a disk, its transport (the virtio-pci function or virtio-mmio device),
 * which masters the virtqueues' DMA and whose requester ID the SMMU sees.
 */
struct device *verb_dma_device(struct kernel *k, const char *verb, const char *arg, FILE *out);

/*
 * The disk arg means: the disk, its virtio device, or the transport that
 * virtio device sits on. An unknown name is "no such disk", as before PCI
 * addresses were accepted; a device without a disk is "no disk on this device".
 */
struct virtio_blk *verb_disk(struct kernel *k, const char *verb, const char *arg, FILE *out);

#endif
