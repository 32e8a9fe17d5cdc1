/*
 * The script interpreter: shell commands on the virtual /sys, plus the
 * model's own verbs. A failing command prints what a shell would print and
 * the script goes on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "iommusim/iommusim.h"
#include "script/parse.h"
#include "script/session.h"
#include "sysfs/sysfs.h"
#include "drivers/drivers.h"
#include "init/boot.h"
#include "script/verbs.h"

typedef int (*cmd_fn)(struct iommusim *sim, struct script_cmd *c, FILE *out);

static int cmd_echo(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	int first = 1;
	bool newline = true;
	if (c->argc > 1 && !strcmp(c->argv[1], "-n")) {
		newline = false;
		first = 2;
	}
	size_t len = 2;
	for (int i = first; i < c->argc; i++)
		len += strlen(c->argv[i]) + 1;
	char *val = calloc(1, len);
	if (!val)
		return -ENOMEM;
	for (int i = first; i < c->argc; i++) {
		if (i > first)
			strcat(val, " ");
		strcat(val, c->argv[i]);
	}
	if (newline)
		strcat(val, "\n");
	int ret = 0;
	if (!c->redirect) {
		fputs(val, out);
	} else {
		ret = sysfs_write(sim->k, c->redirect, val);
		if (ret == -ENOENT || ret == -EISDIR)
			fprintf(out, "sh: %s: %s\n", c->redirect, strerror(-ret));
		else if (ret == -EACCES)
			fprintf(out, "sh: %s: %s\n", c->redirect, strerror(-ret));
		else if (ret)
			fprintf(out, "echo: write error: %s\n", strerror(-ret));
	}
	free(val);
	return ret;
}

static int cmd_cat(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	int ret = 0;
	for (int i = 1; i < c->argc; i++) {
		struct sysfs_buf b;
		int r = sysfs_read(sim->k, c->argv[i], &b);
		if (r) {
			fprintf(out, "cat: %s: %s\n", c->argv[i], strerror(-r));
			ret = r;
		} else {
			fputs(b.text ? b.text : "", out);
		}
		sysfs_buf_free(&b);
	}
	return ret;
}

static int cmd_ls(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	int ret = 0;
	int npaths = c->argc - 1;
	for (int i = 1; i < c->argc; i++) {
		struct sysfs_buf b;
		int r = sysfs_list(sim->k, c->argv[i], &b);
		if (r == -ENOTDIR) {
			fprintf(out, "%s\n", c->argv[i]);
		} else if (r) {
			fprintf(out, "ls: cannot access '%s': %s\n", c->argv[i], strerror(-r));
			ret = r;
		} else {
			if (npaths > 1)
				fprintf(out, "%s%s:\n", i > 1 ? "\n" : "", c->argv[i]);
			for (size_t j = 0; j < b.nnames; j++)
				fprintf(out, "%s\n", b.names[j]);
		}
		sysfs_buf_free(&b);
	}
	return ret;
}

static int cmd_readlink(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	int ret = 0;
	for (int i = 1; i < c->argc; i++) {
		struct sysfs_buf b;
		int r = sysfs_readlink(sim->k, c->argv[i], &b);
		if (r)
			ret = r;	/* readlink prints nothing, it only fails */
		else
			fprintf(out, "%s\n", b.text);
		sysfs_buf_free(&b);
	}
	return ret;
}

static int cmd_dmesg(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	(void)c;
	klog_dump(&sim->k->log, out);
	return 0;
}

static int parse_seconds(const char *s, u64 *ns)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || v < 0 || v > 1e9)
		return -EINVAL;
	*ns = (u64)(v * 1e9);
	return 0;
}

static int cmd_sleep(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	u64 ns;
	if (c->argc != 2 || parse_seconds(c->argv[1], &ns)) {
		fprintf(out, "sleep: invalid time interval '%s'\n", c->argc > 1 ? c->argv[1] : "");
		return -EINVAL;
	}
	kernel_sleep(sim->k, ns);
	return 0;
}

static int cmd_modprobe(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	bool remove = c->argc > 1 && !strcmp(c->argv[1], "-r");
	int ret = 0;
	for (int i = remove ? 2 : 1; i < c->argc; i++) {
		int r = remove ? rmmod(sim->k, c->argv[i]) : modprobe(sim->k, c->argv[i]);
		if (r == -ENOENT)
			fprintf(out, "modprobe: FATAL: Module %s not found.\n", c->argv[i]);
		else if (r)
			fprintf(out, "modprobe: ERROR: could not %s '%s': %s\n", remove ? "remove" : "insert",
				c->argv[i], strerror(-r));
		if (r)
			ret = r;
	}
	return ret;
}

static int cmd_rmmod(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	int ret = 0;
	for (int i = 1; i < c->argc; i++) {
		int r = rmmod(sim->k, c->argv[i]);
		if (r == -ENOENT)
			fprintf(out, "rmmod: ERROR: Module %s is not currently loaded\n", c->argv[i]);
		else if (r == -EBUSY)
			fprintf(out, "rmmod: ERROR: Module %s is in use\n", c->argv[i]);
		if (r)
			ret = r;
	}
	return ret;
}

static int cmd_lsmod(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	(void)c;
	const char *names[32];
	bool loaded[32];
	size_t n = module_list(sim->k, names, loaded, 32);
	fprintf(out, "Module\n");
	for (size_t i = 0; i < n; i++)
		if (loaded[i])
			fprintf(out, "%s\n", names[i]);
	return 0;
}

static int cmd_dma(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	return verb_dma(sim->k, c->argc, c->argv, out);
}

static int cmd_mem(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	return verb_mem(sim->k, c->argc, c->argv, out);
}

static int cmd_blk(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	return verb_blk(sim->k, c->argc, c->argv, out);
}

static int cmd_iommu(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	return verb_iommu(sim->k, c->argc, c->argv, out);
}

static int cmd_smmu(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	return verb_smmu(sim->k, c->argc, c->argv, out);
}

static const struct {
	const char *name;
	cmd_fn fn;
} commands[] = {
	{ "smmu", cmd_smmu },
	{ "dma", cmd_dma },
	{ "blk", cmd_blk },
	{ "mem", cmd_mem },
	{ "iommu", cmd_iommu },
	{ "echo", cmd_echo },
	{ "cat", cmd_cat },
	{ "ls", cmd_ls },
	{ "readlink", cmd_readlink },
	{ "dmesg", cmd_dmesg },
	{ "sleep", cmd_sleep },
	{ "modprobe", cmd_modprobe },
	{ "rmmod", cmd_rmmod },
	{ "lsmod", cmd_lsmod },
};

int iommusim_run_line(struct iommusim *sim, const char *line, FILE *out)
{
	struct script_cmd c;
	char err[256];
	int perr = script_parse_line(line, &c, err, sizeof(err));
	if (perr) {
		fprintf(out, "sh: %s\n", err);
		return perr;
	}
	int ret = 0;
	if (c.argc) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(commands); i++)
			if (!strcmp(commands[i].name, c.argv[0]))
				break;
		if (i == ARRAY_SIZE(commands)) {
			fprintf(out, "sh: %s: command not found\n", c.argv[0]);
			ret = -ENOENT;
		} else if (c.redirect && commands[i].fn != cmd_echo) {
			fprintf(out, "sh: %s: output redirection is only supported for echo\n", c.argv[0]);
			ret = -EINVAL;
		} else {
			ret = commands[i].fn(sim, &c, out);
		}
	}
	script_cmd_free(&c);
	return ret;
}

int iommusim_run_script(struct iommusim *sim, FILE *in, FILE *out)
{
	char *line = NULL;
	size_t cap = 0;
	int failed = 0;
	while (getline(&line, &cap, in) >= 0)
		if (iommusim_run_line(sim, line, out))
			failed++;
	free(line);
	return failed;
}
