#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "init/cmdline.h"

/* kstrtobool(): 1/y/Y/on, 0/n/N/off */
static int parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "1") || !strcasecmp(v, "y") || !strcasecmp(v, "yes") || !strcasecmp(v, "on"))
		*out = 1;
	else if (!strcmp(v, "0") || !strcasecmp(v, "n") || !strcasecmp(v, "no") || !strcasecmp(v, "off"))
		*out = 0;
	else
		return -EINVAL;
	return 0;
}

static int parse_int(const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 0);
	if (errno || end == v || *end || x < lo || x > hi)
		return -EINVAL;
	*out = x;
	return 0;
}

static void append_unknown(struct kernel_cmdline *c, const char *tok)
{
	size_t old = c->unknown ? strlen(c->unknown) : 0;
	char *p = realloc(c->unknown, old + strlen(tok) + 4);
	if (!p)
		return;
	if (old)
		sprintf(p + old, " \"%s\"", tok);
	else
		sprintf(p, "\"%s\"", tok);
	c->unknown = p;
}

int kernel_cmdline_parse(const char *line, struct kernel_cmdline *out, char *err, size_t errlen)
{
	struct kernel_cmdline c = {
		.iommu_passthrough = -1, .iommu_strict = -1, .deferred_probe_timeout = 10,
		.disable_bypass = 1,
	};
	char *copy = strdup(line ? line : "");
	if (!copy)
		return -ENOMEM;
	int ret = 0;
	for (char *save = NULL, *tok = strtok_r(copy, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(tok, '=');
		const char *val = eq ? eq + 1 : "";
		size_t klen = eq ? (size_t)(eq - tok) : strlen(tok);
		long n;
		int b;
#define KEY(s) (klen == strlen(s) && !strncmp(tok, s, klen))
		if (KEY("iommu.passthrough")) {
			ret = parse_bool(val, &b);
			c.iommu_passthrough = b;
		} else if (KEY("iommu.strict")) {
			ret = parse_bool(val, &b);
			c.iommu_strict = b;
		} else if (KEY("iommu.forcedac")) {
			ret = parse_bool(val, &b);
			c.iommu_forcedac = b;
		} else if (KEY("arm-smmu-v3.disable_bypass")) {
			ret = parse_bool(val, &b);
			c.disable_bypass = b;
		} else if (KEY("deferred_probe_timeout")) {
			ret = parse_int(val, -1, 1000000, &n);
			c.deferred_probe_timeout = (int)n;
		} else if (KEY("swiotlb")) {
			/* swiotlb=<slabs>[,force|noforce] or swiotlb=force */
			char *v = strdup(val), *comma = strchr(v, ',');
			if (comma)
				*comma++ = '\0';
			if (!strcmp(v, "force"))
				c.swiotlb_force = true;
			else if (!(ret = parse_int(v, 1, 1L << 30, &n)))
				c.swiotlb_nslabs = (unsigned long)n;
			if (!ret && comma && !strcmp(comma, "force"))
				c.swiotlb_force = true;
			free(v);
		} else {
			append_unknown(&c, tok);
		}
#undef KEY
		if (ret) {
			snprintf(err, errlen, "-append: bad value '%s' for %.*s", val, (int)klen, tok);
			break;
		}
	}
	free(copy);
	if (ret) {
		free(c.unknown);
		return ret;
	}
	*out = c;
	return 0;
}

void kernel_cmdline_free(struct kernel_cmdline *c)
{
	free(c->unknown);
	c->unknown = NULL;
}
