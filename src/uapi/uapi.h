/*
 * The user-space side of the kernel's file API: one modelled process (the
 * VMM or user-space driver) with its file descriptor table, its anonymous
 * memory and its locked-memory limit, and the character devices and
 * anonymous files the kernel gives it (/dev/vfio/vfio, /dev/vfio/N,
 * "[vfio-device]"). Every call returns what the syscall returns, or -errno.
 */
#ifndef IOMMUSIM_UAPI_UAPI_H
#define IOMMUSIM_UAPI_UAPI_H

#include <stddef.h>
#include <sys/types.h>
#include "base/device.h"

struct vfio_container;
struct vfio_group;
struct vfio_device_file;
struct iommufd_ctx;
struct iommufd_eventq;

enum uapi_file_kind {
	UAPI_FILE_VFIO_CONTAINER,	/* /dev/vfio/vfio */
	UAPI_FILE_VFIO_GROUP,		/* /dev/vfio/N */
	UAPI_FILE_VFIO_DEVICE,		/* anon_inode:[vfio-device] */
	UAPI_FILE_IOMMUFD,		/* /dev/iommu (src/uapi/iommufd.h) */
	UAPI_FILE_EVENTFD,		/* anon_inode:[eventfd] (src/uapi/eventfd.c) */
	/* anon_inode:[iommufd-pgfault] or [iommufd-viommu-event] (src/uapi/iommufd_eventq.h) */
	UAPI_FILE_IOMMUFD_EVENTQ,
};

/* struct file: what an fd points at */
struct uapi_file {
	enum uapi_file_kind kind;
	unsigned int refs;		/* fds and kernel references (get_file/fput) */
	struct vfio_container *container;
	struct vfio_group *group;
	struct vfio_device_file *device;
	struct iommufd_ctx *iommufd;
	u64 eventfd_count;		/* an eventfd's counter (eventfd_signal adds, a read takes it) */
	struct iommufd_eventq *eventq;	/* an iommufd fault queue's or vEVENTQ's */
};

/* One block of the process's anonymous memory: host bytes that are guest RAM pages. */
struct uapi_user_block {
	u8 *host;			/* what the caller reads and writes */
	u64 pa;				/* the guest-physical pages behind it */
	u64 size;			/* bytes handed out (whole pages) */
	u64 alloc_size;			/* bytes taken from the page allocator */
	unsigned long pinned;		/* pages pinned by MAP_DMA (get_user_pages) */
};

#define UAPI_MAX_FDS 1024
/* RLIMIT_MEMLOCK's default since Linux 5.16 (MLOCK_LIMIT) */
#define UAPI_DEFAULT_MEMLOCK (8ULL << 20)

/* The modelled process and the kernel's per-machine VFIO state. */
struct uapi_state {
	struct uapi_file *fds[UAPI_MAX_FDS];
	struct uapi_user_block **blocks;
	size_t nblocks, capblocks;
	unsigned long locked_vm;	/* mm->locked_vm, in pages */
	u64 memlock_limit;		/* RLIMIT_MEMLOCK, bytes */
	bool cap_ipc_lock;		/* capable(CAP_IPC_LOCK): root's is set */
	struct vfio_group **groups;	/* vfio_group objects, one per IOMMU group in use */
	size_t ngroups;
	/*
	 * vfio.device_ida: the index each device vfio-pci registered got (its
	 * vfio-dev/vfioN and /dev/vfio/devices/vfioN), the lowest free one
	 */
	struct vfio_device_index *vfio_devices;
	size_t nvfio_devices;
};

struct vfio_device_index {
	struct device *dev;
	int index;
};

struct uapi_state *uapi_state(struct kernel *k);
/* Close every file, free the memory: the process exits. */
void uapi_free(struct kernel *k);

/* open(2) of a path the kernel serves: /dev/vfio/vfio, /dev/vfio/N, /dev/iommu */
int uapi_open(struct kernel *k, const char *path, int flags);
int uapi_close(struct kernel *k, int fd);
long uapi_ioctl(struct kernel *k, int fd, unsigned long request, void *arg);
ssize_t uapi_pread(struct kernel *k, int fd, void *buf, size_t len, off_t off);
ssize_t uapi_pwrite(struct kernel *k, int fd, const void *buf, size_t len, off_t off);
/* read(2) / write(2) at the file's position: the iommufd event queues' (EINVAL for the others) */
ssize_t uapi_read(struct kernel *k, int fd, void *buf, size_t len);
ssize_t uapi_write(struct kernel *k, int fd, const void *buf, size_t len);

/* The file behind fd, NULL when fd is not open (fdget). */
struct uapi_file *uapi_fget(struct kernel *k, int fd);
/* A new fd for file (the lowest free), taking a reference: fd or -EMFILE. */
int uapi_install(struct kernel *k, struct uapi_file *file);
/* A new file's module references (fops_get): before uapi_install(), once it is whole. */
void uapi_file_opened(struct kernel *k, struct uapi_file *file);
/* get_file()/fput(): the last put releases the file. */
void uapi_file_get(struct uapi_file *file);
void uapi_file_put(struct kernel *k, struct uapi_file *file);

/* The process's memory (user_mem.c) */
void *uapi_user_alloc(struct kernel *k, size_t size);
int uapi_user_free(struct kernel *k, void *ptr);
/*
 * get_user_pages() of [vaddr, vaddr+len): the guest-physical address of
 * vaddr when the whole range lies in one block; -EFAULT otherwise.
 */
int uapi_user_pa(struct kernel *k, u64 vaddr, u64 len, u64 *pa, struct uapi_user_block **block);

/*
 * The open files by what they are, for callers that name them instead of
 * holding fds (the script's vfio verbs): the lowest fd of the first
 * container, of group N's file, of a device file of the named device; -EBADF
 * when there is none.
 */
/*
 * eventfd(2) with flags 0 (fs/eventfd.c): a new fd whose counter starts at
 * initval, or -EMFILE/-ENOMEM; a read takes the counter (-EAGAIN at 0: the
 * model's process never blocks). eventfd_ctx_fdget(): the file, -EBADF (no
 * such fd) or -EINVAL (not an eventfd); eventfd_signal() adds one.
 */
int uapi_eventfd(struct kernel *k, unsigned int initval);
int uapi_eventfd_read(struct kernel *k, int fd, u64 *value);
struct uapi_file *uapi_eventfd_ctx_fdget(struct kernel *k, int fd, int *err);
void uapi_eventfd_signal(struct uapi_file *efd);

int uapi_find_container_fd(struct kernel *k);
int uapi_find_group_fd(struct kernel *k, int group_id);
int uapi_find_device_fd(struct kernel *k, const char *name);
/*
 * The user address a container's mapping gives iova, when [iova, iova+len)
 * lies in one mapping: 0 and *vaddr, -ENOENT (no such mapping), -EBADF.
 */
int uapi_container_vaddr(struct kernel *k, int container_fd, u64 iova, u64 len, u64 *vaddr);

/* /dev entries of the VFIO files (ls /dev/vfio) */
bool vfio_devnode_present(struct kernel *k);
/*
 * /dev/vfio/devices/vfioN (VFIO_DEVICE_CDEV): the indexes of the registered
 * vfio devices, ascending; how many (0: devtmpfs has no devices directory)
 */
size_t vfio_devnode_cdevs(struct kernel *k, int *out, size_t max);
/* The IOMMU group numbers that have a /dev/vfio/N, ascending; how many. */
size_t vfio_devnode_groups(struct kernel *k, int *out, size_t max);

#endif
