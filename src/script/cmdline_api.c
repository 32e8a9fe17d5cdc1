/*
 * The public view of the QEMU command line: what QEMU prints for its
 * information requests, and the options a machine was booted from.
 */
#include <errno.h>
#include <stdio.h>
#include "iommusim/iommusim.h"
#include "script/session.h"
#include "machine/qemu_cmdline.h"

int iommusim_qemu_info(int argc, char **argv, FILE *out, char *err, size_t errlen)
{
	struct qemu_cmdline cmd;
	int ret = qemu_cmdline_parse(argc, argv, &cmd, err, errlen);

	if (ret)
		return ret;
	ret = cmd.info != NULL;
	if (ret)
		fputs(cmd.info, out);
	qemu_cmdline_free(&cmd);
	return ret;
}

void iommusim_print_cmdline(struct iommusim *sim, FILE *out)
{
	if (sim)
		qemu_cmdline_print(&sim->cmd, out);
}
