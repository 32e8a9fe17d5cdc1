/*
 * The public view of the QEMU command line: what QEMU prints for its
 * information requests, and the options a machine was booted from.
 */
#include <errno.h>
#include <stdio.h>
#include "iommusim/iommusim.h"
#include "script/session.h"
#include "machine/qemu_cmdline.h"
#include "machine/qemu_version.h"

int iommusim_qemu_info_opts(int argc, char **argv, const struct iommusim_options *opts, FILE *out,
			    char *err, size_t errlen)
{
	const char *qname = opts ? opts->qemu_version : NULL;
	const struct qemu_version *qv = qname ? qemu_version_find(qname) : qemu_version_default();
	struct qemu_cmdline cmd;
	int ret;

	if (!qv) {
		size_t n = (size_t)snprintf(err, errlen, "--qemu %s: not a version iommusim models (", qname);

		for (const struct qemu_version *const *q = qemu_versions(); *q && n < errlen; q++)
			n += (size_t)snprintf(err + n, errlen - n, "%s%s", q == qemu_versions() ? "" : ", ",
					      (*q)->name);
		if (n < errlen)
			snprintf(err + n, errlen - n, ")");
		return -EINVAL;
	}
	ret = qemu_cmdline_parse_version(qv, argc, argv, &cmd, err, errlen);
	if (ret)
		return ret;
	ret = cmd.info != NULL;
	if (ret)
		fputs(cmd.info, out);
	qemu_cmdline_free(&cmd);
	return ret;
}

int iommusim_qemu_info(int argc, char **argv, FILE *out, char *err, size_t errlen)
{
	return iommusim_qemu_info_opts(argc, argv, NULL, out, err, errlen);
}

void iommusim_print_cmdline(struct iommusim *sim, FILE *out)
{
	if (sim)
		qemu_cmdline_print(&sim->cmd, out);
}
