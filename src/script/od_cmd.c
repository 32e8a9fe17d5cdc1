/*
 * busybox's od (od_bloaty.c), as far as reading binary sysfs files needs:
 * -A x|o|d|n (address radix), -t x1 (hex bytes, the only type modelled),
 * -j SKIP, -N COUNT, -v. Sixteen bytes a line after the address; a line
 * equal to the one before prints once as "*" (unless -v); the address after
 * the last byte ends the output.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "script/path.h"
#include "script/shell.h"
#include "sysfs/sysfs.h"

struct od_opts {
	char radix;		/* 'x', 'o', 'd' or 'n' */
	unsigned long long skip, count;
	bool limited, verbose;
};

/* xstrtoull with busybox's suffixes for -j/-N: 0x.. hex, 0.. octal, b k m */
static int od_number(const char *s, unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	if (!strcmp(end, "b"))
		v *= 512;
	else if (!strcmp(end, "k"))
		v *= 1024;
	else if (!strcmp(end, "m"))
		v *= 1024 * 1024;
	else if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

static int od_parse(struct sh_ctx *c, struct od_opts *o, int *first_file)
{
	o->radix = 'o';
	int i = 1;
	for (; i < c->argc; i++) {
		const char *a = c->argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
		char opt = a[1];
		if (opt == 'v' && !a[2]) {
			o->verbose = true;
			continue;
		}
		if (!strchr("AtjN", opt)) {
			fprintf(c->err, "od: option '%s' is not modelled\n", a);
			return -EOPNOTSUPP;
		}
		const char *val = a[2] ? a + 2 : (i + 1 < c->argc ? c->argv[++i] : NULL);
		if (!val) {
			fprintf(c->err, "od: option requires an argument -- '%c'\n", opt);
			return bb_show_usage(c->err, "od");
		}
		if (opt == 'A') {
			if (strlen(val) != 1 || !strchr("xodn", val[0])) {
				fprintf(c->err, "od: bad output address radix '%s'; it must be one character from [doxn]\n", val);
				return -EINVAL;
			}
			o->radix = val[0];
		} else if (opt == 't') {
			if (strcmp(val, "x1")) {
				fprintf(c->err, "od: output type '%s' is not modelled (only x1)\n", val);
				return -EOPNOTSUPP;
			}
		} else if (od_number(val, opt == 'j' ? &o->skip : &o->count)) {
			fprintf(c->err, "od: invalid number '%s'\n", val);
			return -EINVAL;
		} else if (opt == 'N') {
			o->limited = true;
		}
	}
	*first_file = i;
	return 0;
}

static void od_address(FILE *f, char radix, unsigned long long addr)
{
	if (radix == 'x')
		fprintf(f, "%06llx", addr);
	else if (radix == 'o')
		fprintf(f, "%07llo", addr);
	else if (radix == 'd')
		fprintf(f, "%07llu", addr);
}

/* the bytes of one file, as read(2) returns them */
static int od_read(struct sh_ctx *c, const char *f, struct sysfs_buf *b, size_t *len)
{
	char *canon = NULL;
	struct sysfs_stat st;
	int r = path_open(c->sim->k, f, &canon, &st);
	if (!r && st.type == SYSFS_DIR)
		r = -EISDIR;
	else if (!r && !st.readable)
		r = -EACCES;
	else if (!r)
		r = sysfs_read(c->sim->k, canon, b);
	free(canon);
	if (r) {
		fprintf(c->err, "od: %s: %s\n", f, strerror(-r));
		return r;
	}
	*len = b->text ? (b->len ? b->len : strlen(b->text)) : 0;
	return 0;
}

int sh_od(struct sh_ctx *c)
{
	struct od_opts o = { 0 };
	int first = 0;
	int ret = od_parse(c, &o, &first);
	if (ret)
		return ret;
	if (first >= c->argc) {
		fprintf(c->err, "od: reading the script's standard input is not modelled\n");
		return -EOPNOTSUPP;
	}
	/* the files are one input, as od concatenates them */
	unsigned char *data = NULL;
	size_t total = 0;
	for (int i = first; i < c->argc; i++) {
		struct sysfs_buf b = { 0 };
		size_t len;
		int r = od_read(c, c->argv[i], &b, &len);
		if (r) {
			ret = r;
			sysfs_buf_free(&b);
			continue;
		}
		unsigned char *p = realloc(data, total + len + 1);
		if (!p) {
			sysfs_buf_free(&b);
			free(data);
			return -ENOMEM;
		}
		data = p;
		memcpy(data + total, b.text, len);
		total += len;
		sysfs_buf_free(&b);
	}
	if (o.skip > total) {
		fprintf(c->err, "od: can't skip past end of combined input\n");
		free(data);
		return -EINVAL;
	}
	unsigned long long end = total;
	if (o.limited && o.skip + o.count < end)
		end = o.skip + o.count;
	const unsigned char *prev = NULL;
	bool starred = false;
	for (unsigned long long off = o.skip; off < end; off += 16) {
		size_t n = end - off < 16 ? (size_t)(end - off) : 16;
		if (!o.verbose && prev && n == 16 && !memcmp(prev, data + off, 16)) {
			if (!starred)
				fprintf(c->so, "*\n");
			starred = true;
			continue;
		}
		starred = false;
		od_address(c->so, o.radix, off);
		for (size_t i = 0; i < n; i++)
			fprintf(c->so, " %02x", data[off + i]);
		fprintf(c->so, "\n");
		prev = data + off;
	}
	if (o.radix != 'n') {
		od_address(c->so, o.radix, end);
		fprintf(c->so, "\n");
	}
	free(data);
	return ret;
}
