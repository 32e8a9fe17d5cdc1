/*
 * echo (ash's builtin), cat, ls and readlink as busybox 1.35 runs them on
 * the model's files: their output, and their errors word for word.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "script/path.h"
#include "script/shell.h"

int sh_write(struct sh_out *o, const char *buf, size_t len)
{
	if (!len)
		return 0;
	if (o->console) {
		fwrite(buf, 1, len, o->console);
		return 0;
	}
	if (!strcmp(o->path, "/dev/null"))
		return 0;
	/* one write(): the store sees the whole buffer (a string, as kernfs hands it over) */
	char *s = strndup(buf, len);
	if (!s)
		return -ENOMEM;
	int ret = sysfs_write(o->k, o->path, s);
	free(s);
	return ret;
}

/* echo -e: one backslash sequence at *p (after the backslash), as busybox decodes it */
static char echo_escape(const char **p)
{
	const char *q = *p;
	unsigned int n = 0, digits = 0, base = 8, max = 3;
	if (*q == 'x') {
		base = 16;
		max = 2;
		q++;
	} else if (*q == '0' && q[1] >= '0' && q[1] <= '7') {
		q++;	/* \0NNN: the 0 leads three octal digits */
	}
	while (digits < max) {
		unsigned int d;
		char ch = *q;
		if (ch >= '0' && ch <= '9')
			d = (unsigned int)(ch - '0');
		else if (base == 16 && ch >= 'a' && ch <= 'f')
			d = (unsigned int)(ch - 'a' + 10);
		else if (base == 16 && ch >= 'A' && ch <= 'F')
			d = (unsigned int)(ch - 'A' + 10);
		else
			break;
		if (d >= base || n * base + d > 255)
			break;
		n = n * base + d;
		digits++;
		q++;
	}
	if (base == 16 && !digits) {
		return '\\';	/* "\x" with no hex digit: the backslash, then the x */
	}
	if (!digits) {
		static const char from[] = "abefnrtv\\", to[] = "\a\b\033\f\n\r\t\v\\";
		const char *f = *q ? strchr(from, *q) : NULL;
		if (!f) {
			*p = q;
			return '\\';	/* an unknown one is itself */
		}
		q++;
		n = (unsigned char)to[f - from];
	}
	*p = q;
	return (char)n;
}

int sh_echo(struct sh_ctx *c)
{
	bool newline = true, escapes = false;
	int i = 1;
	/* busybox: words of n, e and E after '-' are options, until one is not */
	for (; i < c->argc && c->argv[i][0] == '-' && c->argv[i][1]; i++) {
		const char *o = c->argv[i] + 1;
		if (o[strspn(o, "neE")])
			break;
		for (; *o; o++) {
			if (*o == 'n')
				newline = false;
			else
				escapes = *o == 'e';
		}
	}
	size_t cap = 2;
	for (int j = i; j < c->argc; j++)
		cap += strlen(c->argv[j]) + 1;
	char *buf = malloc(cap), *out = buf;
	if (!buf)
		return -ENOMEM;
	for (int j = i; j < c->argc; j++) {
		if (j > i)
			*out++ = ' ';
		for (const char *s = c->argv[j]; *s;) {
			if (escapes && *s == '\\' && s[1] == 'c') {
				newline = false;	/* \c: nothing more, not even the newline */
				goto write;
			}
			if (escapes && *s == '\\') {
				s++;
				*out++ = echo_escape(&s);
			} else {
				*out++ = *s++;
			}
		}
	}
	if (newline)
		*out++ = '\n';
write:;
	int ret = sh_write(c->out, buf, (size_t)(out - buf));
	if (ret)
		fprintf(c->err, "sh: write error: %s\n", strerror(-ret));
	free(buf);
	return ret;
}

/* the errors of open() as busybox's cat and ls tell them apart from read()'s */
static bool open_errno(int err)
{
	return err == -ENOENT || err == -ENOTDIR || err == -EACCES || err == -ELOOP || err == -ENAMETOOLONG;
}

int sh_cat(struct sh_ctx *c)
{
	unsigned int flags;
	char **files = calloc((size_t)c->argc, sizeof(*files));
	if (!files)
		return -ENOMEM;
	int n = bb_getopt(c->err, c->argc, c->argv, "nbvteA", &flags, files);
	int ret = n < 0 ? n : 0;
	if (n >= 0 && flags) {
		fprintf(c->err, "cat: its options are not modelled\n");
		ret = -EOPNOTSUPP;
		n = -1;
	} else if (n == 0) {
		fprintf(c->err, "cat: reading the script's standard input is not modelled\n");
		ret = -EOPNOTSUPP;
	}
	for (int i = 0; i < n; i++) {
		const char *f = files[i];
		char *canon = NULL;
		struct sysfs_stat st;
		struct sysfs_buf b = { 0 };
		int r = path_open(c->sim->k, f, &canon, &st);
		if (!r && st.type == SYSFS_DIR)
			r = -EISDIR;
		else if (!r && !st.readable)
			r = -EACCES;	/* kernfs_fop_open(): no show */
		else if (!r && strcmp(canon, "/dev/null"))
			r = sysfs_read(c->sim->k, canon, &b);
		if (r && open_errno(r)) {
			fprintf(c->err, "cat: can't open '%s': %s\n", f, strerror(-r));
		} else if (r) {
			fprintf(c->err, "cat: read error: %s\n", strerror(-r));
		} else if (b.text) {
			r = sh_write(c->out, b.text, strlen(b.text));
			if (r)
				fprintf(c->err, "cat: write error: %s\n", strerror(-r));
		}
		if (r)
			ret = r;
		sysfs_buf_free(&b);
		free(canon);
	}
	free(files);
	return ret;
}

struct ls_arg {
	const char *name;	/* as given: what ls prints */
	char *canon;
};

static int ls_arg_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ls_arg *)a)->name, ((const struct ls_arg *)b)->name);
}

/*
 * busybox ls, not on a tty: one name a line. The operands that fail to stat
 * are reported first, then the files (sorted), then each directory (sorted)
 * with its entries, under a "NAME:" header when there were several operands.
 * Links among the operands are followed.
 */
int sh_ls(struct sh_ctx *c)
{
	int ret = 0;
	char **ops = calloc((size_t)c->argc + 1, sizeof(*ops));
	struct ls_arg *files = calloc((size_t)c->argc + 1, sizeof(*files));
	struct ls_arg *dirs = calloc((size_t)c->argc + 1, sizeof(*dirs));
	if (!ops || !files || !dirs) {
		ret = -ENOMEM;
		goto out;
	}
	/* -1 is what ls does anyway off a tty, -d lists directories as files; its many others are not modelled */
	int nops = 0, nfiles = 0, ndirs = 0;
	bool options = true, dirs_as_files = false;
	for (int i = 1; i < c->argc; i++) {
		const char *a = c->argv[i];
		if (options && !strcmp(a, "--")) {
			options = false;
		} else if (options && a[0] == '-' && a[1]) {
			if (a[strspn(a + 1, "1d") + 1]) {
				fprintf(c->err, "ls: option %s is not modelled\n", a);
				ret = -EOPNOTSUPP;
				goto out;
			}
			dirs_as_files |= strchr(a, 'd') != NULL;
		} else {
			ops[nops++] = c->argv[i];
		}
	}
	if (!nops)
		ops[nops++] = ".";
	for (int i = 0; i < nops; i++) {
		struct sysfs_stat st;
		char *canon;
		int r = path_open(c->sim->k, ops[i], &canon, &st);
		if (r) {
			fprintf(c->err, "ls: %s: %s\n", ops[i], strerror(-r));
			ret = r;
			continue;
		}
		struct ls_arg *a = st.type == SYSFS_DIR && !dirs_as_files ? &dirs[ndirs++] : &files[nfiles++];
		a->name = ops[i];
		a->canon = canon;
	}
	if (nfiles)
		qsort(files, (size_t)nfiles, sizeof(*files), ls_arg_cmp);
	if (ndirs)
		qsort(dirs, (size_t)ndirs, sizeof(*dirs), ls_arg_cmp);
	for (int i = 0; i < nfiles; i++)
		fprintf(c->so, "%s\n", files[i].name);
	for (int i = 0; i < ndirs; i++) {
		if (nops > 1)
			fprintf(c->so, "%s%s:\n", i || nfiles ? "\n" : "", dirs[i].name);
		struct sysfs_buf b;
		int r = path_list(c->sim->k, dirs[i].canon, &b);
		if (r == -EOPNOTSUPP)
			fprintf(c->err, "ls: can't open '%s': the model does not list this directory\n", dirs[i].name);
		else if (r)
			fprintf(c->err, "ls: can't open '%s': %s\n", dirs[i].name, strerror(-r));
		for (size_t j = 0; !r && j < b.nnames; j++)
			fprintf(c->so, "%s\n", b.names[j]);
		if (r)
			ret = r;
		sysfs_buf_free(&b);
	}
out:
	for (int i = 0; files && i < c->argc + 1; i++)
		free(files[i].canon);
	for (int i = 0; dirs && i < c->argc + 1; i++)
		free(dirs[i].canon);
	free(ops);
	free(files);
	free(dirs);
	return ret;
}

/* pwd: init runs the script in /root, and the model has no cd */
int sh_pwd(struct sh_ctx *c)
{
	fprintf(c->so, "%s\n", SH_CWD);
	return 0;
}

/*
 * readlink -f, busybox's xmalloc_realpath_coreutils(): realpath(); for a
 * path that is not there, a dangling link's target canonicalized, else the
 * canonical directory and the last name (slashes around it dropped; "/name"
 * as it is). A bare name that is not there gives nothing.
 */
static int realpath_coreutils(struct kernel *k, const char *path, char **out)
{
	int ret = path_realpath(k, path, out);
	if (ret != -ENOENT)
		return ret;
	char *target;
	if (!path_readlink(k, path, &target)) {
		char *abs = NULL;
		/* busybox takes a relative target from the cwd, not from the link's directory */
		ret = target[0] == '/' ? 0 : asprintf(&abs, "%s/%s", SH_CWD, target) < 0 ? -ENOMEM : 0;
		if (!ret)
			ret = realpath_coreutils(k, abs ? abs : target, out);
		free(abs);
		free(target);
		return ret;
	}
	while (path[0] == '/' && path[1] == '/')
		path++;
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	char *copy = strndup(path, n), *canon = NULL;
	if (!copy)
		return -ENOMEM;
	char *slash = strrchr(copy, '/');
	if (!slash) {
		ret = -ENOENT;
	} else if (slash == copy) {
		*out = copy;
		return 0;
	} else {
		*slash = '\0';
		ret = path_realpath(k, copy, &canon);
		if (!ret && asprintf(out, "%s/%s", strcmp(canon, "/") ? canon : "", slash + 1) < 0)
			ret = -ENOMEM;
	}
	free(canon);
	free(copy);
	return ret;
}

int sh_readlink(struct sh_ctx *c)
{
	enum { OPT_n = 1, OPT_f = 2, OPT_v = 4 };
	unsigned int flags;
	char *args[2] = { NULL };
	char **ops = calloc((size_t)c->argc, sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	/* -s and -q (quiet) are what it is anyway; this busybox has no -e */
	int n = bb_getopt(c->err, c->argc, c->argv, "nfvsq", &flags, ops);
	if (n >= 0)
		args[0] = ops[0];
	free(ops);
	if (n < 0)
		return n;
	if (n != 1)
		return bb_show_usage(c->err, "readlink");
	char *buf = NULL;
	int ret;
	if (flags & OPT_f)
		ret = realpath_coreutils(c->sim->k, args[0], &buf);
	else
		ret = path_readlink(c->sim->k, args[0], &buf);
	if (ret && (flags & OPT_v) && !(flags & OPT_f))
		fprintf(c->err, "readlink: %s: cannot read link: %s\n", args[0],
			ret == -EINVAL ? "not a symlink" : strerror(-ret));
	if (!ret)
		fprintf(c->so, (flags & OPT_n) ? "%s" : "%s\n", buf);
	free(buf);
	return ret;
}
