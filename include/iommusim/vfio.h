/*
 * A user process on the modelled machine: the file calls a VMM or a
 * user-space driver makes (open, close, ioctl, pread, pwrite on /dev/vfio),
 * its memory, and sysfs as calls. A C program written against
 * <linux/vfio.h> drives the model with its file calls renamed: the request
 * numbers and structs are the kernel's own (include <linux/vfio.h>), and
 * every call returns what the syscall returns, or -errno (never -1/errno).
 *
 * Memory for VFIO_IOMMU_MAP_DMA: the vaddr of a mapping must lie in memory
 * from iommusim_user_alloc(). Those bytes are the modelled machine's guest
 * RAM (pages the kernel gave the process), so the caller reads and writes
 * them directly, and a device's DMA through its IOMMU mapping lands in them
 * (and faults, with an SMMU event, once unmapped). Any other vaddr fails
 * MAP_DMA with -EFAULT, as get_user_pages() fails on an unmapped address.
 *
 * The process runs as root (CAP_IPC_LOCK: RLIMIT_MEMLOCK does not limit
 * it) until iommusim_user_set_memlock() says otherwise.
 */
#ifndef IOMMUSIM_VFIO_H
#define IOMMUSIM_VFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct iommusim;

/**
 * iommusim_open - open(2) a node of the modelled /dev
 * @sim: a booted machine
 * @path: "/dev/vfio/vfio" (the container; there while the vfio module is
 *	loaded) or "/dev/vfio/N" (IOMMU group N; there while a device of the
 *	group is bound to vfio-pci)
 * @flags: open(2)'s flags (O_RDWR...), not checked further
 *
 * returns:
 *	the new fd (the lowest free one from 3), on success
 *	-EFAULT, path is NULL
 *	-ENOENT, no such node
 *	-EBUSY, the group is open already (6.1 allows one open a group)
 *	-EMFILE, the process has 1024 files open
 *	-EINVAL, sim is NULL
 */
int iommusim_open(struct iommusim *sim, const char *path, int flags);

/**
 * iommusim_close - close(2)
 *
 * The last reference going releases the file as Linux does: a group file
 * leaves its container (its mappings go with the container's last group,
 * the group returns to its kernel domain); a device file stays open until
 * closed, and keeps its group's file.
 *
 * returns: 0, -EBADF (fd not open), -EINVAL (sim is NULL)
 */
int iommusim_close(struct iommusim *sim, int fd);

/**
 * iommusim_eventfd - eventfd(2) with flags 0: a counter starting at initval
 *
 * What VFIO_DEVICE_SET_IRQS's DATA_EVENTFD takes: each interrupt vfio-pci
 * handles for a vector signals (adds one to) its eventfd.
 *
 * returns: the fd, -EMFILE, -ENOMEM, -EINVAL (sim is NULL)
 */
int iommusim_eventfd(struct iommusim *sim, unsigned int initval);

/**
 * iommusim_eventfd_read - read(2) of 8 bytes from an eventfd: the counter, reset to 0
 *
 * returns: 0 and *value, -EAGAIN (the counter is 0: the modelled process
 * cannot block), -EBADF, -EINVAL (not an eventfd, sim or value NULL)
 */
int iommusim_eventfd_read(struct iommusim *sim, int fd, uint64_t *value);

/**
 * iommusim_ioctl - ioctl(2) with <linux/vfio.h>'s request numbers and structs
 *
 * Container: VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION, VFIO_SET_IOMMU,
 * then (type1) VFIO_IOMMU_GET_INFO, VFIO_IOMMU_MAP_DMA, VFIO_IOMMU_UNMAP_DMA.
 * Group: VFIO_GROUP_GET_STATUS, VFIO_GROUP_SET_CONTAINER (arg: int *),
 * VFIO_GROUP_UNSET_CONTAINER, VFIO_GROUP_GET_DEVICE_FD (arg: the name).
 * Device: VFIO_DEVICE_GET_INFO, VFIO_DEVICE_GET_IRQ_INFO. argsz, flags and every field are checked
 * as Linux 6.1 checks them, with its errnos; a failing call changes nothing.
 *
 * returns:
 *	what the ioctl returns (0, an API version, an extension's answer, a
 *	new fd), on success
 *	-EBADF, fd not open
 *	-EFAULT, arg is NULL where the ioctl reads or writes through it
 *	-ENOTTY, a request the file does not know (the container: -EINVAL
 *		before SET_IOMMU, as 6.1)
 *	-EOPNOTSUPP, a device-file ioctl the model does not have yet
 *		(GET_REGION_INFO, SET_IRQS, RESET, hot reset,
 *		IOEVENTFD, FEATURE) and VFIO_IOMMU_DIRTY_PAGES
 *	other -errno, as 6.1 returns them (EINVAL, EPERM, EEXIST, ENOSPC,
 *		ENOMEM, ENODEV, EBUSY...)
 */
long iommusim_ioctl(struct iommusim *sim, int fd, unsigned long request, void *arg);

/**
 * iommusim_pread/iommusim_pwrite - pread(2)/pwrite(2)
 *
 * returns:
 *	-EBADF, fd not open
 *	-EINVAL, a container or group file (they have no read or write), a
 *		negative offset
 *	-EOPNOTSUPP, a device file: its regions are not modelled yet
 */
ssize_t iommusim_pread(struct iommusim *sim, int fd, void *buf, size_t len, off_t off);
ssize_t iommusim_pwrite(struct iommusim *sim, int fd, const void *buf, size_t len, off_t off);

/**
 * iommusim_read/iommusim_write - read(2)/write(2) of an iommufd event queue
 * (IOMMU_VEVENTQ_ALLOC's or IOMMU_FAULT_QUEUE_ALLOC's fd)
 *
 * returns: the bytes, or -errno as 7.3 gives them (-EBADF, -EINVAL for
 * another file or a buffer too small for the next record, -ESPIPE for a
 * fault queue's partial record)
 */
ssize_t iommusim_read(struct iommusim *sim, int fd, void *buf, size_t len);
ssize_t iommusim_write(struct iommusim *sim, int fd, const void *buf, size_t len);

/**
 * iommusim_user_alloc - anonymous memory of the process, usable for MAP_DMA
 * @size: bytes (rounded up to 64 KiB)
 *
 * The pages come out of the modelled kernel's free RAM, zeroed. NULL when
 * size is 0 or above 64 GiB, or the machine's RAM has no room.
 */
void *iommusim_user_alloc(struct iommusim *sim, size_t size);

/**
 * iommusim_user_free - munmap(2) of a whole iommusim_user_alloc() block
 *
 * returns: 0, -EINVAL (not a block), -EBUSY (MAP_DMA still pins pages of it)
 */
int iommusim_user_free(struct iommusim *sim, void *ptr);

/**
 * iommusim_user_set_memlock - setrlimit(RLIMIT_MEMLOCK) and CAP_IPC_LOCK
 * @bytes: the limit MAP_DMA's pinned pages count against
 * @cap_ipc_lock: false to drop the capability (the limit then applies)
 *
 * returns: 0, -EINVAL (sim is NULL)
 */
int iommusim_user_set_memlock(struct iommusim *sim, uint64_t bytes, bool cap_ipc_lock);

/**
 * iommusim_sysfs_read - the contents of a file under /sys, malloc'd in *out
 *
 * returns: the length, or -ENOENT, -ENOTDIR, -EISDIR, -EACCES (write-only),
 *	-EINVAL (a NULL argument), -ENOMEM
 */
long iommusim_sysfs_read(struct iommusim *sim, const char *path, char **out);

/**
 * iommusim_sysfs_write - write(2) a string to a file under /sys (echo V > path)
 *
 * returns: 0 or the store's -errno (e.g. -EBUSY for a kernel driver's bind
 *	while user space owns the group), -ENOENT, -EACCES, -EISDIR, -EINVAL
 */
int iommusim_sysfs_write(struct iommusim *sim, const char *path, const char *val);

/**
 * iommusim_sysfs_readlink - a link's target, malloc'd in *out
 *
 * returns: the length, -EINVAL (not a link), -ENOENT, -ENOTDIR
 */
long iommusim_sysfs_readlink(struct iommusim *sim, const char *path, char **out);

/**
 * iommusim_sysfs_list - a directory's entries, sorted as ls sorts them
 * @names: filled with a malloc'd array of malloc'd names (free each, then it)
 *
 * returns: the number of entries, -ENOENT, -ENOTDIR, -EINVAL, -ENOMEM
 */
long iommusim_sysfs_list(struct iommusim *sim, const char *path, char ***names);

#endif
