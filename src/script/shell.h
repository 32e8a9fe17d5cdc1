/*
 * The shell commands of a script, as the reference guest runs them: busybox
 * 1.35's ash and its applets (echo is ash's builtin; cat, ls, readlink,
 * sleep, modprobe, rmmod, lsmod, dmesg are applets, pwd a builtin). Each prints exactly what
 * they print on real Linux 6.1, errors included.
 */
#ifndef IOMMUSIM_SCRIPT_SHELL_H
#define IOMMUSIM_SCRIPT_SHELL_H

#include <stdbool.h>
#include <stdio.h>
#include "script/session.h"

/* Where a command's standard output goes. */
struct sh_out {
	FILE *console;		/* the script's output, or NULL when redirected */
	struct kernel *k;
	const char *path;	/* "> PATH" opened already: each write() is one store */
};

/* write(1, buf, len): 0, or the store's -errno. Nothing is written for len 0. */
int sh_write(struct sh_out *o, const char *buf, size_t len);

struct sh_ctx {
	struct iommusim *sim;
	int argc;
	char **argv;
	struct sh_out *out;	/* for the commands that write(2) their output: echo, cat */
	FILE *so;		/* stdio's stdout for the others: flushed in one write at exit */
	FILE *err;		/* stderr; the script's output too */
};

/* each returns 0 or a negative errno (the failure it reported) */
int sh_echo(struct sh_ctx *c);
int sh_cat(struct sh_ctx *c);
int sh_ls(struct sh_ctx *c);
int sh_readlink(struct sh_ctx *c);
int sh_pwd(struct sh_ctx *c);
int sh_sleep(struct sh_ctx *c);
int sh_dmesg(struct sh_ctx *c);
int sh_modprobe(struct sh_ctx *c);
int sh_rmmod(struct sh_ctx *c);
int sh_lsmod(struct sh_ctx *c);
int sh_od(struct sh_ctx *c);

/* --- busybox's conventions (busybox.c) --- */

/* bb_show_usage(): the applet's usage text, on stderr. -EINVAL. */
int bb_show_usage(FILE *err, const char *applet);

/*
 * getopt32(): the options among argv[1..] (glibc's getopt permutes them; "--"
 * ends them), bit i of *flags for letter opts[i]; the operands in order in
 * args (room for argc), their count returned. An unknown option prints
 * "APPLET: invalid option -- 'x'" and the usage: -EINVAL.
 */
int bb_getopt(FILE *err, int argc, char **argv, const char *opts, unsigned int *flags, char **args);

/* whether the reference guest's sh runs name: one of busybox's applets or ash's builtins */
bool bb_known_command(const char *name);

#endif
