/*
 * iommufd MSI probe: VFIO_DEVICE_SET_IRQS through the vfio cdev on the
 * oracle's iommufd kernel (Linux 7.3 with IOMMUFD and VFIO_DEVICE_CDEV),
 * as tests/unit/test_iommufd_msi.c and test_vfio_irqs.c make them: MSI-X
 * while bound but not attached (the blocking domain), then attached to an
 * IOAS (two vectors, one eventfd), loopback, disable, a few refused
 * arguments, one "name = result" line each (results as -errno), then the
 * lines /proc/interrupts has for the device's vectors. The device is
 * 0000:01:00.0 (virtio-net-pci behind a root port); the probe binds it
 * to vfio-pci itself. Built against the 7.3 tree's <linux/iommufd.h> and
 * <linux/vfio.h>, run the way oracle/iommufd/run_probe.sh device runs one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/types.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>

static long R(int fd, unsigned long c, void *a)
{
	long r = ioctl(fd, c, a);
	return r < 0 ? -errno : r;
}

#define P(name, expr) printf("%s = %ld\n", name, (long)(expr))

static void sysfs(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, val, strlen(val)) < 0)
			perror(path);
		close(fd);
	}
}

static long set_irqs(int dfd, uint32_t flags, uint32_t index, uint32_t start, uint32_t count, int32_t fd0,
		     int32_t fd1)
{
	struct {
		struct vfio_irq_set hdr;
		int32_t fds[2];
	} s = { { sizeof(s), flags, index, start, count }, { fd0, fd1 } };
	return R(dfd, VFIO_DEVICE_SET_IRQS, &s);
}

#define EFD (VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)
#define NONE (VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER)

int main(void)
{
	sysfs("/sys/bus/pci/devices/0000:01:00.0/driver_override", "vfio-pci");
	sysfs("/sys/bus/pci/drivers/virtio-pci/unbind", "0000:01:00.0");
	sysfs("/sys/bus/pci/drivers_probe", "0000:01:00.0");
	int ifd = open("/dev/iommu", O_RDWR);
	int dfd = open("/dev/vfio/devices/vfio0", O_RDWR);
	int efd = eventfd(0, EFD_NONBLOCK);
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = ifd };
	P("bind", R(dfd, VFIO_DEVICE_BIND_IOMMUFD, &b));
	P("msix_blocked", set_irqs(dfd, EFD, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, efd, -1));
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	P("ioas_alloc", R(ifd, IOMMU_IOAS_ALLOC, &a));
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at), .pt_id = a.out_ioas_id };
	P("attach", R(dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at));
	P("msix_attached", set_irqs(dfd, EFD, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, efd, -1));
	P("intx_while_msix", set_irqs(dfd, EFD, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, efd, -1));
	P("loopback", set_irqs(dfd, NONE, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, 0, 0));
	uint64_t v = 0;
	P("eventfd_read", read(efd, &v, sizeof(v)) == sizeof(v) ? (long)v : -errno);
	P("bad_fd", set_irqs(dfd, EFD, VFIO_PCI_MSIX_IRQ_INDEX, 1, 1, 999, -1));
	P("not_eventfd", set_irqs(dfd, EFD, VFIO_PCI_MSIX_IRQ_INDEX, 1, 1, dfd, -1));
	P("req_fd_minus2", set_irqs(dfd, EFD, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, -2, -1));
	P("msi_no_cap", set_irqs(dfd, EFD, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, efd, -1));
	P("mask_msix", set_irqs(dfd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, 0, 0));
	/* the vectors the host requested (a line per irq with its name) */
	FILE *f = fopen("/proc/interrupts", "r");
	char line[512];
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "vfio-msix"))
			printf("interrupts:%s", strrchr(line, ' '));
	if (f)
		fclose(f);
	struct vfio_device_detach_iommufd_pt d = { .argsz = sizeof(d) };
	P("detach", R(dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d));
	P("msix_off", set_irqs(dfd, NONE, VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, 0, 0));
	P("msix_again_blocked", set_irqs(dfd, EFD, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, efd, -1));
	struct vfio_device_attach_iommufd_pt at2 = { .argsz = sizeof(at2), .pt_id = a.out_ioas_id };
	P("attach_again", R(dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at2));
	P("msix_again", set_irqs(dfd, EFD, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, efd, -1));
	return 0;
}
