/*
 * The script interpreter: shell commands on the virtual /sys, as the
 * reference guest's busybox sh runs them, plus the model's own verbs. A
 * failing command prints what that shell prints and the script goes on; a
 * syntax error ends the script, as it ends sh.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "iommusim/iommusim.h"
#include "script/glob.h"
#include "script/parse.h"
#include "script/path.h"
#include "script/session.h"
#include "script/shell.h"
#include "script/verbs.h"

typedef int (*cmd_fn)(struct iommusim *sim, struct script_cmd *c, FILE *out);

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

static int cmd_vfio(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	return verb_vfio(sim, c->argc, c->argv, out);
}

static int cmd_iommufd(struct iommusim *sim, struct script_cmd *c, FILE *out)
{
	return verb_iommufd(sim, c->argc, c->argv, out);
}

/* the model's own verbs: no shell has them */
static const struct {
	const char *name;
	cmd_fn fn;
} verbs[] = {
	{ "smmu", cmd_smmu },
	{ "dma", cmd_dma },
	{ "blk", cmd_blk },
	{ "mem", cmd_mem },
	{ "iommu", cmd_iommu },
	{ "vfio", cmd_vfio },
	{ "iommufd", cmd_iommufd },
};

static const struct {
	const char *name;
	int (*fn)(struct sh_ctx *c);
} shell_cmds[] = {
	{ "echo", sh_echo },
	{ "cat", sh_cat },
	{ "ls", sh_ls },
	{ "readlink", sh_readlink },
	{ "pwd", sh_pwd },
	{ "dmesg", sh_dmesg },
	{ "sleep", sh_sleep },
	{ "modprobe", sh_modprobe },
	{ "rmmod", sh_rmmod },
	{ "lsmod", sh_lsmod },
	{ "od", sh_od },
};

/* ash's words for a redirection it cannot open: ENOENT and ENOTDIR are the directory's */
static const char *create_errmsg(int err)
{
	if (err == -ENOENT || err == -ENOTDIR)
		return "nonexistent directory";
	if (err == -EROFS)
		return "the model keeps no files outside /sys";
	return strerror(-err);
}

/* The words after pathname expansion, malloc'd (the strings too). */
struct words {
	int argc;
	char **argv;
};

static void words_free(struct words *w)
{
	for (int i = 0; i < w->argc; i++)
		free(w->argv[i]);
	free(w->argv);
}

static int expand_words(struct kernel *k, const struct script_cmd *c, struct words *w)
{
	w->argc = 0;
	w->argv = NULL;
	size_t cap = 0;
	for (int i = 0; i < c->argc; i++) {
		char **m = NULL;
		size_t n = 0;
		if (c->glob[i] && sh_glob(k, c->glob[i], &m, &n))
			goto nomem;
		for (size_t j = 0; j < (n ? n : 1); j++) {
			if ((size_t)w->argc + 1 >= cap) {
				cap = cap ? 2 * cap : 16;
				char **v = realloc(w->argv, cap * sizeof(*v));
				if (!v) {
					sh_glob_free(m, n);
					goto nomem;
				}
				w->argv = v;
			}
			w->argv[w->argc] = strdup(n ? m[j] : c->argv[i]);
			if (!w->argv[w->argc]) {
				sh_glob_free(m, n);
				goto nomem;
			}
			w->argv[++w->argc] = NULL;
		}
		sh_glob_free(m, n);
	}
	return 0;
nomem:
	words_free(w);
	return -ENOMEM;
}

/* A shell command: the redirection opened first (sh does), then the command. */
static int run_shell(struct iommusim *sim, struct script_cmd *c, int (*fn)(struct sh_ctx *), FILE *out)
{
	struct sh_out so = { .console = out, .k = sim->k };
	char *target = NULL, *buf = NULL;
	size_t len = 0;
	int ret;
	if (c->redirect) {
		ret = path_open_write(sim->k, c->redirect, &target);
		if (ret) {
			fprintf(out, "sh: can't create %s: %s\n", c->redirect, create_errmsg(ret));
			return ret;
		}
		so.console = NULL;
		so.path = target;
	}
	if (!fn) {
		/* a command busybox has but the model does not is no "not found" */
		if (bb_known_command(c->argv[0]))
			fprintf(out, "sh: %s: not supported by iommusim's script interpreter\n", c->argv[0]);
		else
			fprintf(out, "sh: %s: not found\n", c->argv[0]);
		free(target);
		return -ENOENT;
	}
	struct words w;
	if (expand_words(sim->k, c, &w)) {
		free(target);
		return -ENOMEM;
	}
	struct sh_ctx ctx = { .sim = sim, .argc = w.argc, .argv = w.argv, .out = &so, .err = out };
	ctx.so = target ? open_memstream(&buf, &len) : out;
	if (!ctx.so) {
		words_free(&w);
		free(target);
		return -ENOMEM;
	}
	ret = fn(&ctx);
	words_free(&w);
	if (target) {
		/* stdio's buffer, written at exit; ls, readlink, lsmod and dmesg do not report its error */
		fclose(ctx.so);
		sh_write(&so, buf, len);
		free(buf);
		free(target);
	}
	return ret;
}

/* One of the model's verbs, its words expanded as sh expands any command's. */
static int run_verb(struct iommusim *sim, struct script_cmd *c, cmd_fn fn, FILE *out)
{
	struct words w;
	if (expand_words(sim->k, c, &w))
		return -ENOMEM;
	int ret = -EINVAL;
	if (w.argc > SCRIPT_MAX_WORDS) {
		fprintf(out, "sh: too many words (at most %d)\n", SCRIPT_MAX_WORDS);
	} else {
		struct script_cmd e = { .argc = w.argc };
		memcpy(e.argv, w.argv, (size_t)w.argc * sizeof(*e.argv));
		ret = fn(sim, &e, out);
	}
	words_free(&w);
	return ret;
}

/* Run one command; *fatal when it was a syntax error, which ends sh. */
static int run_text(struct iommusim *sim, const char *text, FILE *out, bool *fatal)
{
	struct script_cmd c;
	char err[256];
	*fatal = false;
	int perr = script_parse_line(text, &c, err, sizeof(err));
	if (perr) {
		fprintf(out, "sh: %s\n", err);
		/* ash's syntax errors end the script; the model's own limits do not */
		*fatal = perr == -EAGAIN || (perr == -EINVAL && !strncmp(err, "syntax error", 12));
		return perr == -EAGAIN ? -EINVAL : perr;
	}
	int ret = 0;
	if (c.argc) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(verbs); i++)
			if (!strcmp(verbs[i].name, c.argv[0]))
				break;
		if (i < ARRAY_SIZE(verbs)) {
			if (c.redirect) {
				fprintf(out, "sh: %s: output redirection is only supported for shell commands\n", c.argv[0]);
				ret = -EINVAL;
			} else {
				ret = run_verb(sim, &c, verbs[i].fn, out);
			}
		} else {
			for (i = 0; i < ARRAY_SIZE(shell_cmds); i++)
				if (!strcmp(shell_cmds[i].name, c.argv[0]))
					break;
			ret = run_shell(sim, &c, i < ARRAY_SIZE(shell_cmds) ? shell_cmds[i].fn : NULL, out);
		}
	}
	script_cmd_free(&c);
	return ret;
}

/* sh reads on past a backslash-newline at the end of the input as if it were not there */
static void drop_continuation(char *text)
{
	size_t n = strlen(text);
	if (n >= 2 && text[n - 2] == '\\' && text[n - 1] == '\n')
		text[n - 2] = '\0';
}

int iommusim_run_line(struct iommusim *sim, const char *line, FILE *out)
{
	char *text = strdup(line);
	bool fatal;
	if (!text)
		return -ENOMEM;
	/* one line is all the input there is */
	struct script_cmd c;
	char err[256];
	if (script_parse_line(text, &c, err, sizeof(err)) == -EAGAIN && !err[0])
		drop_continuation(text);
	else
		script_cmd_free(&c);
	int ret = run_text(sim, text, out, &fatal);
	free(text);
	return ret;
}

int iommusim_run_script(struct iommusim *sim, FILE *in, FILE *out)
{
	char *line = NULL, *text = NULL;
	size_t cap = 0, tlen = 0;
	ssize_t n;
	int failed = 0;
	bool eof = false;
	while (!eof) {
		n = getline(&line, &cap, in);
		eof = n < 0;
		if (eof && !text)
			break;
		if (!eof) {
			char *t = realloc(text, tlen + (size_t)n + 1);
			if (!t) {
				failed++;
				break;
			}
			text = t;
			memcpy(text + tlen, line, (size_t)n + 1);
			tlen += (size_t)n;
		}
		/* a quoted string or a backslash-newline goes on on the next line */
		struct script_cmd c;
		char err[256];
		int perr = script_parse_line(text, &c, err, sizeof(err));
		script_cmd_free(&c);
		if (perr == -EAGAIN && !eof)
			continue;
		if (perr == -EAGAIN && !err[0])
			drop_continuation(text);
		bool fatal;
		if (run_text(sim, text, out, &fatal))
			failed++;
		free(text);
		text = NULL;
		tlen = 0;
		if (fatal)
			break;
	}
	free(text);
	free(line);
	return failed;
}
