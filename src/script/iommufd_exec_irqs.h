/*
 * The iommufd verb's interrupt lines for a device's cdev: irq-info and
 * set-irqs, the vfio verb's two lines (VFIO_DEVICE_GET_IRQ_INFO,
 * VFIO_DEVICE_SET_IRQS) issued on the cdev the iommufd verb opened, with
 * the same words and the same answers (vfio_format.h parses set-irqs,
 * builds its argument and prints the reply for both verbs).
 *
 *   iommufd device NAME irq-info INDEX        -> ok flags F count N
 *   iommufd device NAME set-irqs INDEX START COUNT none|bool|eventfd trigger|mask|unmask
 *                                 [V...] [argsz=N] [flags=N]
 *                                             -> ok | ok N | ERRNO; "new" for an fd value is a
 *                                                fresh eventfd (the ops' eventfd), kept open
 */
#ifndef IOMMUSIM_SCRIPT_IOMMUFD_EXEC_IRQS_H
#define IOMMUSIM_SCRIPT_IOMMUFD_EXEC_IRQS_H

#include "iommufd_exec_base.h"
#include "vfio_format.h"

/* room for every vector a function can have: 2048 MSI-X entries */
#define IOMMUFD_EXEC_SET_IRQS_BUF (sizeof(struct vfio_irq_set) + 4 * 2048)

static inline int ifd_device_irq_info(const struct iommufd_exec *x, int argc, char **argv)
{
	struct vfio_irq_info info = { .argsz = sizeof(info) };
	if (argc != 5 || ifd_parse_u32(argv[4], &info.index))
		return ifd_usage(x);
	int i = ifd_open_device(x, argv[2]);
	if (i < 0)
		return -EBADF;
	long ret = x->ops->ioctl(x->host, x->state->devices[i].fd, VFIO_DEVICE_GET_IRQ_INFO, &info);
	if (!ret)
		fprintf(x->out, "ok flags 0x%x count %u\n", info.flags, info.count);
	return ifd_result(x, ret);
}

static inline int ifd_device_set_irqs(const struct iommufd_exec *x, int argc, char **argv)
{
	struct vfio_set_irqs_req req;
	if (vfio_parse_set_irqs(argc, argv, &req))
		return ifd_usage(x);
	int i = ifd_open_device(x, argv[2]);
	if (i < 0)
		return -EBADF;
	int fds[VFIO_SET_IRQS_MAX_VALUES] = { 0 };
	for (int v = 0; v < req.nvalues; v++) {
		if (req.values[v] != VFIO_SET_IRQS_NEW_EVENTFD)
			continue;
		fds[v] = x->ops->eventfd(x->host);
		if (fds[v] < 0)
			return ifd_result(x, fds[v]);
	}
	_Alignas(8) unsigned char buf[IOMMUFD_EXEC_SET_IRQS_BUF];
	memset(buf, 0, sizeof(buf));
	vfio_fill_set_irqs(&req, fds, buf);
	long ret = x->ops->ioctl(x->host, x->state->devices[i].fd, VFIO_DEVICE_SET_IRQS, buf);
	vfio_print_set_irqs(x->out, ret);
	return ret < 0 ? (int)ret : 0;
}

#endif
