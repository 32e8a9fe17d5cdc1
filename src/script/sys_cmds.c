/* sleep (the virtual clock) and dmesg (the kernel log) as busybox 1.35 runs them. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "init/boot.h"
#include "script/shell.h"

/* the longest sleep the virtual clock takes: its nanoseconds fit a u64 many times over */
#define SLEEP_MAX_S 1e9

static const struct {
	const char *suffix;
	unsigned long mult;
} duration_suffixes[] = { { "s", 1 }, { "m", 60 }, { "h", 60 * 60 }, { "d", 24 * 60 * 60 } };

/* busybox's xatoul_sfx(s, duration_suffixes): a decimal, maybe one suffix; -EINVAL after the message */
static int xatoul_sfx(FILE *err, const char *s, double *out)
{
	char *e;
	if (*s == '-' || *s == '+' || isspace((unsigned char)*s))
		goto inval;
	errno = 0;
	unsigned long long r = strtoull(s, &e, 10);
	if (errno || e == s)
		goto inval;
	for (size_t i = 0; i < sizeof(duration_suffixes) / sizeof(duration_suffixes[0]); i++) {
		if (!strcmp(e, duration_suffixes[i].suffix)) {
			if (r > ~0ULL / duration_suffixes[i].mult) {
				fprintf(err, "sleep: number %s is not in 0..%llu range\n", s, ~0ULL);
				return -EINVAL;
			}
			*out = (double)(r * duration_suffixes[i].mult);
			return 0;
		}
	}
	if (*e)
		goto inval;
	*out = (double)r;
	return 0;
inval:
	fprintf(err, "sleep: invalid number '%s'\n", s);
	return -EINVAL;
}

/*
 * busybox's parse_duration_str(): with a '.', the leading run of digits and
 * dots is a float whose last character then stands in, as '1', for the
 * suffix's multiplier ("1.5m": 1.5 * "1m"), and the error names that string.
 */
static int parse_duration(FILE *err, const char *s, double *out)
{
	if (!strchr(s, '.'))
		return xatoul_sfx(err, s, out);
	size_t len = strspn(s, "0123456789.");
	if (!len)
		return xatoul_sfx(err, s, out);
	char *num = strndup(s, len), *end;
	if (!num)
		return -ENOMEM;
	errno = 0;
	double d = strtod(num, &end);
	bool bad = errno || *end;
	free(num);
	if (bad)
		return bb_show_usage(err, "sleep");
	char *rest = strdup(s + len - 1);
	if (!rest)
		return -ENOMEM;
	rest[0] = '1';
	double mult;
	int ret = xatoul_sfx(err, rest, &mult);
	free(rest);
	*out = d * mult;
	return ret;
}

/* sleep N...: the clock moves on by their total */
int sh_sleep(struct sh_ctx *c)
{
	int i = 1;
	if (i < c->argc && !strcmp(c->argv[i], "--"))
		i++;
	if (i == c->argc)
		return bb_show_usage(c->err, "sleep");
	if (!strncasecmp(c->argv[i], "inf", 3)) {
		fprintf(c->err, "sleep: sleeping for ever is not modelled\n");
		return -EOPNOTSUPP;
	}
	double total = 0;
	for (; i < c->argc; i++) {
		double d;
		int ret = parse_duration(c->err, c->argv[i], &d);
		if (ret)
			return ret;
		total += d;
	}
	if (total > SLEEP_MAX_S) {
		fprintf(c->err, "sleep: the model's clock goes %.0f s at most\n", SLEEP_MAX_S);
		return -EOPNOTSUPP;
	}
	kernel_sleep(c->sim->k, (u64)(total * 1e9));
	return 0;
}

/* dmesg: the log with its virtual timestamps; busybox's -c, -r, -n and -s are not modelled */
int sh_dmesg(struct sh_ctx *c)
{
	for (int i = 1; i < c->argc; i++) {
		const char *a = c->argv[i];
		if (a[0] != '-' || !a[1])
			continue;
		for (const char *o = a + 1; *o; o++) {
			if (!strchr("crns", *o)) {
				fprintf(c->err, "dmesg: invalid option -- '%c'\n", *o);
				return bb_show_usage(c->err, "dmesg");
			}
		}
		fprintf(c->err, "dmesg: its options are not modelled\n");
		return -EOPNOTSUPP;
	}
	klog_dump(&c->sim->k->log, c->so);
	return 0;
}
