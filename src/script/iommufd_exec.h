/*
 * The iommufd verb, whole: its words, the structs it fills, the lines it
 * prints (this file: the dispatch; the lines by object in the
 * iommufd_exec_*.h it includes). Two programs include it and differ only
 * in the kernel they call: the model's verb (src/script/iommufd_verbs.c,
 * through the public file calls of include/iommusim/vfio.h) and the oracle
 * guest's probe (oracle/probe/iommufd.c, on real Linux 7.3). Each hands in
 * a table of operations (open, close, ioctl, the first entry of a sysfs
 * directory, user memory) and keeps a struct iommufd_exec_state between
 * lines, so one script line issues the same ioctls with the same bytes on
 * both kernels.
 *
 * libc and the uAPI only: the includer provides <linux/iommufd.h> and
 * <linux/vfio.h> of 7.3 (the probe) or the model's copies of their layouts
 * (src/uapi/iommufd_abi.h, src/uapi/vfio_cdev_abi.h), under the real names.
 *
 *   iommufd open | close                      /dev/iommu
 *   iommufd destroy ID                        IOMMU_DESTROY
 *   iommufd ioas alloc                        IOMMU_IOAS_ALLOC            -> ok ioas N
 *   iommufd ioas ID iova-ranges [num=N]       IOMMU_IOAS_IOVA_RANGES      -> ok alignment A ranges S-L ...
 *   iommufd ioas ID allow-iovas [START-LAST...]
 *                                             IOMMU_IOAS_ALLOW_IOVAS
 *   iommufd ioas ID map IOVA|auto SIZE [r|w|rw]
 *                                             IOMMU_IOAS_MAP of fresh user memory -> ok iova X
 *   iommufd ioas ID copy DST-ID SRC-IOVA SIZE IOVA|auto [r|w|rw]
 *                                             IOMMU_IOAS_COPY             -> ok iova X
 *   iommufd ioas ID unmap IOVA SIZE | unmap all
 *                                             IOMMU_IOAS_UNMAP            -> ok unmapped N
 *   iommufd option rlimit-mode|huge-pages|N [ioas ID] get | set V
 *                                             IOMMU_OPTION                -> ok V | ok
 *   iommufd device NAME open | close          /dev/vfio/devices/vfioN of PCI function NAME
 *   iommufd device NAME bind                  VFIO_DEVICE_BIND_IOMMUFD    -> ok dev N
 *   iommufd device NAME attach ID | detach    VFIO_DEVICE_{ATTACH,DETACH}_IOMMUFD_PT -> ok pt N
 *   iommufd device NAME hw-info [len=N]       IOMMU_GET_HW_INFO           -> ok type ... / idr ...
 *   iommufd device NAME irq-info INDEX | set-irqs INDEX START COUNT DATA ACTION [V...]
 *                                             VFIO_DEVICE_GET_IRQ_INFO, _SET_IRQS on the cdev,
 *                                             as the vfio verb's lines (iommufd_exec_irqs.h)
 *   iommufd hwpt alloc DEVICE PT-ID [nest-parent] [ste=W0,W1]
 *                                             IOMMU_HWPT_ALLOC            -> ok hwpt N
 *   iommufd viommu alloc DEVICE HWPT-ID [type=arm-smmuv3|N]
 *                                             IOMMU_VIOMMU_ALLOC          -> ok viommu N
 *   iommufd vdevice alloc VIOMMU-ID DEVICE VSID
 *                                             IOMMU_VDEVICE_ALLOC         -> ok vdevice N
 *   iommufd invalidate ID CMD [CMD...]        IOMMU_HWPT_INVALIDATE of SMMUv3 commands
 *                                             -> ok N entries | ERRNO (...) after N
 *   iommufd veventq alloc VIOMMU-ID [type=arm-smmuv3|N] [depth=N]
 *                                             IOMMU_VEVENTQ_ALLOC (depth 16) -> ok veventq N
 *   iommufd veventq ID read [len=N] | close   read(2) of its fd (len 256) -> ok N bytes, then a
 *                                             line per vEVENT: vevent S W0 W1 W2 W3 (hex) or
 *                                             lost-events S | close(2) of its fd
 *   iommufd fault alloc                       IOMMU_FAULT_QUEUE_ALLOC     -> ok fault N
 *   iommufd fault ID read [len=N] | write COOKIE:CODE... | close
 *                                             read(2)/write(2)/close(2) of its fd -> ok N bytes
 *   iommufd hwpt alloc ... fault=ID           HWPT_ALLOC with IOMMU_HWPT_FAULT_ID_VALID
 *   iommufd hwpt ID dirty-tracking [on]       IOMMU_HWPT_SET_DIRTY_TRACKING
 *   iommufd hwpt ID dirty-bitmap IOVA SIZE PAGE [no-clear]
 *                                             IOMMU_HWPT_GET_DIRTY_BITMAP
 *   iommufd vfio-ioas get | set ID | clear | op=N [ID]
 *                                             IOMMU_VFIO_IOAS             -> ok ioas N | ok
 *   iommufd ioas ID map-file iommufd|N START SIZE IOVA|auto [r|w|rw]
 *                                             IOMMU_IOAS_MAP_FILE of the /dev/iommu fd or fd N
 *   iommufd change-process                    IOMMU_IOAS_CHANGE_PROCESS
 *   iommufd hw-queue alloc VIOMMU-ID IOVA SIZE [type=N] [index=N]
 *                                             IOMMU_HW_QUEUE_ALLOC        -> ok hw-queue N
 *   iommufd noiommu-get-pa IOAS-ID IOVA SIZE  IOMMU_IOAS_NOIOMMU_GET_PA   -> ok pa X length L
 *
 * Every ioctl line also takes size=N (the struct's first word, size or
 * argsz: what the caller claims; the bytes past the struct up to N are
 * zero, or tail=B each), flags=N (the struct's flags word as given) where
 * the struct has flags. A CMD is a guest SMMU command by name and fields
 * (tlbi-nh-va asid=1 addr=0x1000, cfgi-cd sid=8 ssid=0 leaf=1, cmd-sync...;
 * fields ssv ssid sid num scale vmid asid global leaf range ttl tg addr
 * atc-size at their places in the SMMUv3 command formats) or raw as W0:W1.
 * Failures print the errno's name and text, as the vfio verb does ("EBUSY
 * (Device or resource busy)").
 */
#ifndef IOMMUSIM_SCRIPT_IOMMUFD_EXEC_H
#define IOMMUSIM_SCRIPT_IOMMUFD_EXEC_H

#include "iommufd_exec_base.h"
#include "iommufd_exec_ioas.h"
#include "iommufd_exec_device.h"
#include "iommufd_exec_smmu_cmd.h"
#include "iommufd_exec_queues.h"

/* One line: argv[0] is "iommufd". 0, or -errno after printing why. */
static inline int iommufd_exec(const struct iommufd_exec *x, int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	if (!strcmp(op, "open") && argc == 2)
		return ifd_open(x);
	if (!strcmp(op, "close") && argc == 2)
		return ifd_close(x);
	if (!strcmp(op, "destroy"))
		return ifd_destroy(x, argc, argv);
	if (!strcmp(op, "ioas"))
		return ifd_ioas(x, argc, argv);
	if (!strcmp(op, "option"))
		return ifd_option(x, argc, argv);
	if (!strcmp(op, "device"))
		return ifd_device(x, argc, argv);
	if (!strcmp(op, "hwpt"))
		return ifd_hwpt(x, argc, argv);
	if (!strcmp(op, "viommu"))
		return ifd_viommu(x, argc, argv);
	if (!strcmp(op, "vdevice"))
		return ifd_vdevice(x, argc, argv);
	if (!strcmp(op, "invalidate"))
		return ifd_invalidate(x, argc, argv);
	if (!strcmp(op, "veventq"))
		return ifd_veventq(x, argc, argv);
	if (!strcmp(op, "fault"))
		return ifd_fault(x, argc, argv);
	if (!strcmp(op, "vfio-ioas"))
		return ifd_vfio_ioas(x, argc, argv);
	if (!strcmp(op, "change-process"))
		return ifd_change_process(x, argc, argv);
	if (!strcmp(op, "hw-queue"))
		return ifd_hw_queue(x, argc, argv);
	if (!strcmp(op, "noiommu-get-pa"))
		return ifd_noiommu_get_pa(x, argc, argv);
	return ifd_usage(x);
}

#endif
