/*
 * Machines from a user's flattened device tree, and printing any machine's
 * DT back as source through dtc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libfdt.h>

#include "machine/machine.h"

/* A blob libfdt can walk whole; 0 or -EINVAL with why in err. */
static int dtb_check(const void *fdt, size_t size, char *err, size_t errlen)
{
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (!fdt || size < sizeof(struct fdt_header)) {
		if (err)
			snprintf(err, errlen, "device tree blob too small (%zu bytes)", size);
		return -EINVAL;
	}
	r = fdt_check_header(fdt);
	if (!r && fdt_totalsize(fdt) > size)
		r = -FDT_ERR_TRUNCATED;
	/* the whole structure block, strings and nesting, not just the header */
	if (!r)
		r = fdt_check_full(fdt, size);
	if (r) {
		if (err)
			snprintf(err, errlen, "invalid device tree blob: %s", fdt_strerror(r));
		return -EINVAL;
	}
	return 0;
}

int dtb_machine_build(const void *fdt, size_t size, const char *append,
		      struct machine *m, char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	if (dtb_check(fdt, size, err, errlen))
		return -EINVAL;
	m->fdt_size = fdt_totalsize(fdt);
	m->fdt = malloc(m->fdt_size);
	m->append = strdup(append ? append : "");
	if (!m->fdt || !m->append) {
		free(m->fdt);
		free((char *)m->append);
		memset(m, 0, sizeof(*m));
		if (err)
			snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(m->fdt, fdt, m->fdt_size);
	return 0;
}

int machine_replace_dtb(struct machine *m, const void *fdt, size_t size, char *err, size_t errlen)
{
	if (dtb_check(fdt, size, err, errlen))
		return -EINVAL;
	void *copy = malloc(fdt_totalsize(fdt));
	if (!copy) {
		if (err)
			snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(copy, fdt, fdt_totalsize(fdt));
	free(m->fdt);
	m->fdt = copy;
	m->fdt_size = fdt_totalsize(fdt);
	return 0;
}

/* dtc -I dtb -O dts -q, the blob on its stdin, its output copied to out. */
int machine_dump_dts(const struct machine *m, FILE *out)
{
	char tmpl[] = "/tmp/iommusim-dtb-XXXXXX";
	char cmd[128];
	char buf[4096];
	FILE *p;
	size_t n;
	int fd, status, ret = 0;

	if (!m || !m->fdt || !out)
		return -EINVAL;
	fd = mkstemp(tmpl);
	if (fd < 0)
		return -errno;
	if (write(fd, m->fdt, m->fdt_size) != (ssize_t)m->fdt_size) {
		ret = -EIO;
		close(fd);
		unlink(tmpl);
		return ret;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -q %s", tmpl);
	p = popen(cmd, "r");
	if (!p) {
		ret = -errno;
		unlink(tmpl);
		return ret ? ret : -EIO;
	}
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		if (fwrite(buf, 1, n, out) != n) {
			ret = -EIO;
			break;
		}
	}
	status = pclose(p);
	unlink(tmpl);
	if (!ret && (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status)))
		ret = (WIFEXITED(status) && WEXITSTATUS(status) == 127) ? -ENOENT : -EIO;
	return ret;
}
