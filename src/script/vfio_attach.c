/*
 * "vfio attach DEVICE": what QEMU 7.2's vfio-pci does with the VFIO files
 * when a VMM is started with -device vfio-pci,host=DEVICE (hw/vfio/pci.c
 * vfio_realize, hw/vfio/common.c vfio_get_group, vfio_connect_container,
 * vfio_init_container, vfio_get_device), done by the modelled user process
 * through the public file calls, with QEMU's messages when a step fails:
 *
 *   the device's iommu_group link in sysfs; /dev/vfio/N opened (or the one
 *   this process has open already) and VIABLE checked; the group joins a
 *   container this process has, else a new one (API version, the first
 *   IOMMU model CHECK_EXTENSION offers of type1v2, type1, SET_CONTAINER,
 *   SET_IOMMU, IOMMU_GET_INFO); then GET_DEVICE_FD and GET_INFO.
 *
 * What vfio-pci's realize does next is not carried out: its regions, config
 * space and interrupts, and the memory listener that maps the guest's RAM
 * (map the VM's memory with "vfio map"). Success prints "ok group N".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "iommusim/vfio.h"
#include "script/session.h"
#include "script/verbs.h"
#include "uapi/uapi.h"

#define ATTACH_MSG_MAX 512

/* error_setg_errno(): the message, then ": " and strerror */
static void set_errno(char *msg, int err, const char *what)
{
	snprintf(msg, ATTACH_MSG_MAX, "%s: %s", what, strerror(err));
}

/* vfio_get_iommu_type(): the first model the container offers */
static long iommu_type(struct iommusim *sim, int cfd)
{
	static const unsigned long types[] = { VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU,
					       VFIO_SPAPR_TCE_v2_IOMMU, VFIO_SPAPR_TCE_IOMMU };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (iommusim_ioctl(sim, cfd, VFIO_CHECK_EXTENSION, (void *)types[i]) > 0)
			return (long)types[i];
	return -EINVAL;
}

/* vfio_connect_container() for a new container: 0, or -errno with msg set */
static int new_container(struct iommusim *sim, int gfd, char *msg)
{
	int cfd = iommusim_open(sim, "/dev/vfio/vfio", 2);
	if (cfd < 0) {
		set_errno(msg, -cfd, "failed to open /dev/vfio/vfio");
		return cfd;
	}
	long ver = iommusim_ioctl(sim, cfd, VFIO_GET_API_VERSION, NULL);
	long ret = -EINVAL;
	if (ver != VFIO_API_VERSION) {
		snprintf(msg, ATTACH_MSG_MAX, "supported vfio version: %d, reported version: %ld", VFIO_API_VERSION,
			 ver);
		goto fail;
	}
	long type = iommu_type(sim, cfd);
	if (type < 0) {
		snprintf(msg, ATTACH_MSG_MAX, "No available IOMMU models");
		goto fail;
	}
	ret = iommusim_ioctl(sim, gfd, VFIO_GROUP_SET_CONTAINER, &cfd);
	if (ret) {
		set_errno(msg, (int)-ret, "Failed to set group container");
		goto fail;
	}
	ret = iommusim_ioctl(sim, cfd, VFIO_SET_IOMMU, (void *)type);
	if (ret) {
		set_errno(msg, (int)-ret, "Failed to set iommu for container");
		goto unset;
	}
	/* vfio_get_iommu_info(): argsz grown to what the kernel says it needs */
	struct vfio_iommu_type1_info probe = { .argsz = sizeof(probe) };
	ret = iommusim_ioctl(sim, cfd, VFIO_IOMMU_GET_INFO, &probe);
	if (!ret && probe.argsz > sizeof(probe)) {
		struct vfio_iommu_type1_info *info = calloc(1, probe.argsz);
		if (!info) {
			ret = -ENOMEM;
		} else {
			info->argsz = probe.argsz;
			ret = iommusim_ioctl(sim, cfd, VFIO_IOMMU_GET_INFO, info);
			free(info);
		}
	}
	if (ret) {
		set_errno(msg, (int)-ret, "Failed to get VFIO IOMMU info");
		goto unset;
	}
	return 0;
unset:
	iommusim_ioctl(sim, gfd, VFIO_GROUP_UNSET_CONTAINER, NULL);
fail:
	iommusim_close(sim, cfd);
	return ret < 0 ? (int)ret : -EINVAL;
}

/*
 * vfio_get_group(): this process's open group, or the file opened and its
 * viability and container settled. The fd, or -errno with msg (and hint) set.
 */
static int get_group(struct iommusim *sim, int groupid, char *msg, char *hint)
{
	int gfd = uapi_find_group_fd(sim->k, groupid);
	if (gfd >= 0)
		return gfd;
	char path[48];
	snprintf(path, sizeof(path), "/dev/vfio/%d", groupid);
	gfd = iommusim_open(sim, path, 2);
	if (gfd < 0) {
		char what[80];
		snprintf(what, sizeof(what), "failed to open %s", path);
		set_errno(msg, -gfd, what);
		return gfd;
	}
	struct vfio_group_status st = { .argsz = sizeof(st) };
	long ret = iommusim_ioctl(sim, gfd, VFIO_GROUP_GET_STATUS, &st);
	if (ret) {
		char what[64];
		snprintf(what, sizeof(what), "failed to get group %d status", groupid);
		set_errno(msg, (int)-ret, what);
		goto fail;
	}
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		snprintf(msg, ATTACH_MSG_MAX, "group %d is not viable", groupid);
		snprintf(hint, ATTACH_MSG_MAX,
			 "Please ensure all devices within the iommu_group are bound to their vfio bus driver.");
		ret = -EPERM;
		goto fail;
	}
	/* vfio_connect_container(): a container this process has first, else a new one */
	int cfd = uapi_find_container_fd(sim->k);
	if (cfd >= 0 && !iommusim_ioctl(sim, gfd, VFIO_GROUP_SET_CONTAINER, &cfd))
		return gfd;
	char inner[ATTACH_MSG_MAX];
	ret = new_container(sim, gfd, inner);
	if (!ret)
		return gfd;
	/* error_prepend() */
	int n = snprintf(msg, ATTACH_MSG_MAX, "failed to setup container for group %d: ", groupid);
	snprintf(msg + n, ATTACH_MSG_MAX - (size_t)n, "%.*s", ATTACH_MSG_MAX - 64, inner);
fail:
	iommusim_close(sim, gfd);
	return (int)ret;
}

/* vfio_realize() up to vfio_get_device(): 0, or -errno with msg (and hint) set */
static int attach(struct iommusim *sim, const char *name, int *groupid, char *msg, char *hint)
{
	char path[128], *link = NULL;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", name);
	char **names = NULL;
	long n = iommusim_sysfs_list(sim, path, &names);
	for (long i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (n < 0) {
		/* the stat() of the sysfs path; its message names the path */
		snprintf(msg, ATTACH_MSG_MAX, "no such host device: %s", strerror((int)-n));
		return (int)n;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", name);
	long len = iommusim_sysfs_readlink(sim, path, &link);
	if (len <= 0) {
		set_errno(msg, len < 0 ? (int)-len : ENAMETOOLONG, "no iommu_group found");
		free(link);
		return len < 0 ? (int)len : -ENAMETOOLONG;
	}
	const char *base = strrchr(link, '/');
	*groupid = atoi(base ? base + 1 : link);
	free(link);
	int gfd = get_group(sim, *groupid, msg, hint);
	if (gfd < 0)
		return gfd;
	if (uapi_find_device_fd(sim->k, name) >= 0) {
		snprintf(msg, ATTACH_MSG_MAX, "device is already attached");
		return -EBUSY;
	}
	long dfd = iommusim_ioctl(sim, gfd, VFIO_GROUP_GET_DEVICE_FD, (void *)name);
	if (dfd < 0) {
		char what[64];
		snprintf(what, sizeof(what), "error getting device from group %d", *groupid);
		set_errno(msg, (int)-dfd, what);
		snprintf(hint, ATTACH_MSG_MAX,
			 "Verify all devices in group %d are bound to vfio-<bus> or pci-stub and not already in use",
			 *groupid);
		return (int)dfd;
	}
	struct vfio_device_info info = { .argsz = sizeof(info) };
	long ret = iommusim_ioctl(sim, (int)dfd, VFIO_DEVICE_GET_INFO, &info);
	if (ret) {
		set_errno(msg, (int)-ret, "error getting device info");
		iommusim_close(sim, (int)dfd);
		return (int)ret;
	}
	return 0;
}

int vfio_attach(struct iommusim *sim, const char *name, FILE *out)
{
	char msg[ATTACH_MSG_MAX] = "", hint[ATTACH_MSG_MAX] = "";
	int groupid = -1;
	int ret = attach(sim, name, &groupid, msg, hint);
	if (!ret) {
		fprintf(out, "ok group %d\n", groupid);
		return 0;
	}
	/* VFIO_MSG_PREFIX: the sysfs path before the name is known, then the name */
	if (!strncmp(msg, "no such host device", 19))
		fprintf(out, "vfio /sys/bus/pci/devices/%s: %s\n", name, msg);
	else
		fprintf(out, "vfio %s: %s\n", name, msg);
	if (hint[0])
		fprintf(out, "%s\n", hint);
	return ret;
}
