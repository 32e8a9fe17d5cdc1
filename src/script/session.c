/* The public handle: build the machine, boot it, tear it down. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "iommusim/iommusim.h"
#include "script/session.h"
#include "init/boot.h"
#include "kconfig/kconfig_set.h"
#include "kversion/linux_version.h"
#include "machine/qemu_version.h"
#include "uapi/uapi.h"

static int read_file(const char *path, void **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *p = realloc(buf, cap *= 2);
			if (!p) {
				free(buf);
				buf = NULL;
			}
			buf = p;
		}
	}
	fclose(f);
	if (!buf)
		return -ENOMEM;
	*data = buf;
	*size = n;
	return 0;
}

/* dtc -I dts -O dtb: the user's source compiled by the real tool */
static int compile_dts(const char *path, void **data, size_t *size, char *err, size_t errlen)
{
	char tmpl[] = "/tmp/iommusim-dtb-XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd < 0)
		return -errno;
	close(fd);
	char *cmd = NULL;
	if (asprintf(&cmd, "dtc -q -I dts -O dtb -o '%s' '%s' 2>&1", tmpl, path) < 0) {
		unlink(tmpl);
		return -ENOMEM;
	}
	FILE *p = popen(cmd, "r");
	free(cmd);
	char msg[256] = "";
	size_t n = p ? fread(msg, 1, sizeof(msg) - 1, p) : 0;
	msg[n] = '\0';
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	int status = p ? pclose(p) : -1;
	int ret = 0;
	if (status != 0) {
		snprintf(err, errlen, "--dts %s: dtc failed: %s", path, msg[0] ? msg : "cannot run dtc");
		ret = -EINVAL;
	} else {
		ret = read_file(tmpl, data, size);
	}
	unlink(tmpl);
	return ret;
}

struct iommusim *iommusim_boot(int argc, char **argv, const struct iommusim_options *opts,
			       char *err, size_t errlen)
{
	return iommusim_boot_config(argc, argv, opts, NULL, err, errlen);
}

struct iommusim *iommusim_boot_config(int argc, char **argv, const struct iommusim_options *opts,
				      const struct kernel_config *config, char *err, size_t errlen)
{
	struct iommusim *sim = calloc(1, sizeof(*sim));
	if (!sim) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	const char *lname = opts ? opts->linux_version : NULL, *qname = opts ? opts->qemu_version : NULL;
	const struct linux_version *lv = lname ? linux_version_find(lname) : linux_version_default();
	const struct qemu_version *qv = qname ? qemu_version_find(qname) : qemu_version_default();
	if (!lv || !qv) {
		snprintf(err, errlen, "%s %s: not a version iommusim models (%s)", lv ? "--qemu" : "--linux",
			 lv ? qname : lname, lv ? "10.0, 7.2" : "6.1, 7.3");
		goto fail;
	}
	sim->version = lv;
	if (!config)
		config = lv->config;
	/* iommusim's own --kconfig first: the kernel's options, whatever the machine */
	if (opts && opts->kconfig) {
		if (kconfig_apply_settings(config, opts->kconfig, &sim->kconfig, err, errlen))
			goto fail;
		config = &sim->kconfig;
	}
	if (qemu_cmdline_parse_version(qv, argc, argv, &sim->cmd, err, errlen))
		goto fail;
	const char *dtb = opts && opts->dtb_path ? opts->dtb_path : sim->cmd.dtb;
	const char *dts = opts ? opts->dts_path : NULL;
	/*
	 * With -M the board is QEMU's virt, whatever DT the kernel is given
	 * (QEMU's -dtb replaces only the DT); without, the DT is the platform.
	 */
	bool board = qemu_opt_get(&sim->cmd.machine, "type") != NULL;
	if (board && virt_machine_build(&sim->cmd, &sim->machine, err, errlen))
		goto fail;
	if (dtb || dts) {
		void *blob = NULL;
		size_t size = 0;
		int r = dts ? compile_dts(dts, &blob, &size, err, errlen) : read_file(dtb, &blob, &size);
		if (r && !err[0])
			snprintf(err, errlen, "%s: %s", dts ? dts : dtb, strerror(-r));
		if (!r)
			r = board ? machine_replace_dtb(&sim->machine, blob, size, err, errlen)
				  : dtb_machine_build(blob, size, sim->cmd.append, &sim->machine, err, errlen);
		free(blob);
		if (r)
			goto fail;
	} else if (!board && virt_machine_build(&sim->cmd, &sim->machine, err, errlen)) {
		goto fail;	/* QEMU's own message: no machine specified */
	}
	/* a user's DT machine has no QEMU board, but its hardware models are QEMU's */
	if (!sim->machine.qemu)
		sim->machine.qemu = qv;
	/* iommusim's hardware and firmware beyond QEMU (S2FWB, CANWBS root complexes) */
	if (opts && (opts->smmu_s2fwb || opts->pci_rc_canwbs) &&
	    machine_set_x_options(&sim->machine, opts->smmu_s2fwb, opts->pci_rc_canwbs)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	struct boot_options bo = { .init_modules = opts ? opts->init_modules : NULL, .version = lv,
				   .config = config };
	sim->k = kernel_boot(&sim->machine, &bo, err, errlen);
	if (!sim->k)
		goto fail;
	return sim;
fail:
	iommusim_free(sim);
	return NULL;
}

void iommusim_free(struct iommusim *sim)
{
	if (!sim)
		return;
	/* the user process exits first: its files close, its memory goes */
	if (sim->k)
		uapi_free(sim->k);
	kernel_free(sim->k);
	machine_free(&sim->machine);
	qemu_cmdline_free(&sim->cmd);
	free(sim->iommufd_verb);
	free(sim);
}

int iommusim_dump_dts(struct iommusim *sim, FILE *out)
{
	return machine_dump_dts(&sim->machine, out);
}

void iommusim_dmesg(struct iommusim *sim, FILE *out)
{
	klog_dump(&sim->k->log, out);
}

void iommusim_versions(FILE *out)
{
	for (const struct linux_version *const *l = linux_versions(); *l; l++)
		fprintf(out, "linux %s: %s%s\n", (*l)->name, (*l)->description,
			*l == linux_version_default() ? " (the default)" : "");
	for (const struct qemu_version *const *q = qemu_versions(); *q; q++)
		fprintf(out, "qemu %s: %s%s\n", (*q)->name, (*q)->description,
			*q == qemu_version_default() ? " (the default)" : "");
}
