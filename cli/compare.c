/*
 * iommusim compare: boot one machine two ways and print what differs.
 *
 *   iommusim compare --linux A --linux B [QEMU-ARGS...]
 *   iommusim compare --qemu A --qemu B [QEMU-ARGS...]
 *   iommusim compare -append "A" -append "B" [QEMU-ARGS...]
 *
 * (and any mix of them). Both sides boot the same QEMU arguments; side A
 * takes the first of each option given twice, side B the second; one given
 * once holds for both. The
 * groups are matched by their members and type (their numbers are each
 * kernel's own), then every PCI function is compared field by field: its
 * driver, its group (number, type, the other members), its DMA masks, its
 * group's reserved regions, and the kernel log lines that name it (those
 * verify compares). Exit status 0 when nothing differs, 1 when something
 * does, 2 when a side does not boot. Everything goes through the public API.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "iommusim/iommusim.h"
#include "iommusim/vfio.h"
#include "capture.h"
#include "compare.h"
#include "log_filter.h"

enum { A, B, NSIDES };
static const char side_name[NSIDES] = { 'A', 'B' };

/* One PCI function as one side sees it. */
struct fn {
	char *name, *driver, *group_type, *members, *masks, *resv;
	long group;			/* -1: none */
	char **log;			/* the compared log lines that name it */
	size_t nlog;
};

struct side {
	struct iommusim_options opts;
	const char *append;		/* this side's -append, or NULL */
	struct iommusim *sim;
	json_object *summary;		/* iommusim_print_summary's JSON */
	char *log_text;			/* the compared kernel log */
	char **log;			/* its lines */
	size_t nlog;
};

/* The options compare takes twice (once: both sides take it). */
struct pair {
	const char *opt;
	const char *val[NSIDES];
	int n;
};

static void print_json_summary(struct iommusim *sim, FILE *out)
{
	iommusim_print_summary(sim, out, true);
}

/* Split text into its lines (the text is modified and kept by the caller). */
static char **split_lines(char *text, size_t *n)
{
	size_t cap = 16;
	char **v = malloc(cap * sizeof(*v));
	*n = 0;
	for (char *next = text, *line; v && text && (line = strsep(&next, "\n"));) {
		if (!*line)
			continue;
		if (*n == cap) {
			char **p = realloc(v, (cap *= 2) * sizeof(*v));
			if (!p) {
				free(v);
				return NULL;
			}
			v = p;
		}
		v[(*n)++] = line;
	}
	return v;
}

static char *sysfs_text(struct iommusim *sim, const char *fmt, const char *arg)
{
	char path[512], *out = NULL;
	snprintf(path, sizeof(path), fmt, arg);
	if (iommusim_sysfs_read(sim, path, &out) < 0)
		return strdup("");
	size_t n = strlen(out);
	while (n && out[n - 1] == '\n')
		out[--n] = '\0';
	for (char *p = out; *p; p++)
		if (*p == '\n')
			*p = ';';
	return out;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v = json_object_object_get(o, key);
	return v ? json_object_get_string(v) : NULL;
}

/* The group's type and members, from the summary; NULL when it has none. */
static json_object *find_group(json_object *summary, long id)
{
	json_object *groups = json_object_object_get(summary, "groups");
	for (size_t i = 0; i < json_object_array_length(groups); i++) {
		json_object *g = json_object_array_get_idx(groups, i);
		if (json_object_get_int64(json_object_object_get(g, "id")) == id)
			return g;
	}
	return NULL;
}

/* "with 0000:01:00.0 0000:01:00.1" or "alone": the group's other members. */
static char *other_members(json_object *g, const char *self)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return NULL;
	json_object *members = json_object_object_get(g, "devices");
	int others = 0;
	for (size_t i = 0; i < json_object_array_length(members); i++) {
		const char *d = json_object_get_string(json_object_array_get_idx(members, i));
		if (strcmp(d, self))
			fprintf(m, "%s%s", others++ ? " " : "with ", d);
	}
	if (!others)
		fprintf(m, "alone");
	fclose(m);
	return buf;
}

static bool names_device(const char *line, const char *dev)
{
	const char *p = line;
	size_t n = strlen(dev);
	while ((p = strstr(p, dev))) {
		char after = p[n];
		if (after == ':' || after == ' ' || after == ')' || after == ',' || after == '\0')
			return true;
		p += n;
	}
	return false;
}

static void fn_fill(struct side *s, json_object *d, struct fn *f)
{
	const char *name = jstr(d, "name");
	f->name = strdup(name);
	const char *drv = jstr(d, "driver");
	f->driver = strdup(drv ? drv : "none");
	json_object *g = json_object_object_get(d, "group");
	f->group = g ? json_object_get_int64(g) : -1;
	json_object *grp = f->group >= 0 ? find_group(s->summary, f->group) : NULL;
	f->group_type = strdup(grp ? jstr(grp, "type") : "");
	f->members = grp ? other_members(grp, name) : strdup("");
	char *dma = sysfs_text(s->sim, "/sys/bus/pci/devices/%s/dma_mask_bits", name);
	char *coh = sysfs_text(s->sim, "/sys/bus/pci/devices/%s/consistent_dma_mask_bits", name);
	if (asprintf(&f->masks, "dma %s, coherent %s", dma, coh) < 0)
		f->masks = NULL;
	free(dma);
	free(coh);
	char id[32];
	snprintf(id, sizeof(id), "%ld", f->group);
	f->resv = f->group >= 0 ? sysfs_text(s->sim, "/sys/kernel/iommu_groups/%s/reserved_regions", id)
				: strdup("(no group)");
	f->log = calloc(s->nlog + 1, sizeof(*f->log));
	for (size_t i = 0; f->log && i < s->nlog; i++)
		if (names_device(s->log[i], name))
			f->log[f->nlog++] = s->log[i];
}

static void fn_free(struct fn *f)
{
	free(f->name);
	free(f->driver);
	free(f->group_type);
	free(f->members);
	free(f->masks);
	free(f->resv);
	free(f->log);
}

/* A side's function called name, filled in; false when the side has no such function. */
static bool fn_find(struct side *s, const char *name, struct fn *f)
{
	json_object *devs = json_object_object_get(s->summary, "devices");
	for (size_t i = 0; i < json_object_array_length(devs); i++) {
		json_object *d = json_object_array_get_idx(devs, i);
		if (!strcmp(jstr(d, "name"), name)) {
			fn_fill(s, d, f);
			return true;
		}
	}
	return false;
}

static char *group_str(const struct fn *f)
{
	char *s = NULL;
	if (f->group < 0)
		return strdup("none");
	if (asprintf(&s, "%ld type=%s %s", f->group, f->group_type, f->members) < 0)
		return NULL;
	return s;
}

static bool in_list(char **v, size_t n, const char *line)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], line))
			return true;
	return false;
}

/* A group as "type=T: members", the key groups are matched by. */
static char *group_key(json_object *g)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return NULL;
	fprintf(m, "type=%s:", jstr(g, "type"));
	json_object *members = json_object_object_get(g, "devices");
	for (size_t i = 0; i < json_object_array_length(members); i++)
		fprintf(m, " %s", json_object_get_string(json_object_array_get_idx(members, i)));
	fclose(m);
	return buf;
}

static bool side_has_group(struct side *s, const char *key)
{
	json_object *groups = json_object_object_get(s->summary, "groups");
	bool found = false;
	for (size_t i = 0; !found && i < json_object_array_length(groups); i++) {
		char *k = group_key(json_object_array_get_idx(groups, i));
		found = k && !strcmp(k, key);
		free(k);
	}
	return found;
}

/* The groups one side has and the other has not (matched by members and type). */
static int compare_groups(struct side *s, json_object *out, FILE *text)
{
	int differ = 0, same = 0;
	for (int x = A; x < NSIDES; x++) {
		json_object *only = json_object_new_array();
		json_object *groups = json_object_object_get(s[x].summary, "groups");
		for (size_t i = 0; i < json_object_array_length(groups); i++) {
			json_object *g = json_object_array_get_idx(groups, i);
			char *key = group_key(g);
			if (!key)
				continue;
			if (side_has_group(&s[!x], key)) {
				same += x == A;
			} else {
				differ = 1;
				fprintf(text, "  %c only: group %s %s\n", side_name[x], jstr(g, "id"), key);
				json_object_array_add(only, json_object_get(g));
			}
			free(key);
		}
		json_object_object_add(out, x == A ? "only_a" : "only_b", only);
	}
	fprintf(text, "  in both: %d\n", same);
	json_object_object_add(out, "in_both", json_object_new_int(same));
	return differ;
}

static void field_json(json_object *o, const char *key, const char *a, const char *b)
{
	json_object *f = json_object_new_object();
	json_object_object_add(f, "a", a ? json_object_new_string(a) : NULL);
	json_object_object_add(f, "b", b ? json_object_new_string(b) : NULL);
	json_object_object_add(o, key, f);
}

/* One field of a function: printed and recorded when the sides differ. */
static bool field(FILE *text, json_object *o, const char *key, const char *a, const char *b)
{
	if (a && b && !strcmp(a, b))
		return false;
	fprintf(text, "  %-9s A: %s\n  %-9s B: %s\n", key, a ? a : "(no such function)", "",
		b ? b : "(no such function)");
	field_json(o, key, a, b);
	return true;
}

/* The log lines naming the function that only one side printed. */
static bool log_lines(FILE *text, json_object *o, const struct fn *f)
{
	bool differ = false;
	json_object *j = json_object_new_object();
	for (int x = A; x < NSIDES; x++) {
		json_object *only = json_object_new_array();
		for (size_t i = 0; i < f[x].nlog; i++) {
			if (in_list(f[!x].log, f[!x].nlog, f[x].log[i]))
				continue;
			if (!differ)
				fprintf(text, "  dmesg\n");
			differ = true;
			fprintf(text, "    %c: %s\n", side_name[x], f[x].log[i]);
			json_object_array_add(only, json_object_new_string(f[x].log[i]));
		}
		json_object_object_add(j, x == A ? "only_a" : "only_b", only);
	}
	if (differ)
		json_object_object_add(o, "dmesg", j);
	else
		json_object_put(j);
	return differ;
}

/* Every function either side has, A's order first, then B's others. */
static char **all_functions(struct side *s, size_t *n)
{
	size_t cap = 0;
	for (int x = A; x < NSIDES; x++)
		cap += json_object_array_length(json_object_object_get(s[x].summary, "devices"));
	char **v = calloc(cap + 1, sizeof(*v));
	*n = 0;
	for (int x = A; v && x < NSIDES; x++) {
		json_object *devs = json_object_object_get(s[x].summary, "devices");
		for (size_t i = 0; i < json_object_array_length(devs); i++) {
			const char *name = jstr(json_object_array_get_idx(devs, i), "name");
			if (!in_list(v, *n, name))
				v[(*n)++] = (char *)name;
		}
	}
	return v;
}

static bool names_any(const char *line, char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (names_device(line, names[i]))
			return true;
	return false;
}

/* The compared log lines that name no PCI function and only one side printed. */
static int compare_other_log(struct side *s, json_object *out, FILE *text)
{
	size_t n;
	char **names = all_functions(s, &n);
	int differ = 0;
	json_object *j = json_object_new_object();
	for (int x = A; names && x < NSIDES; x++) {
		json_object *only = json_object_new_array();
		for (size_t i = 0; i < s[x].nlog; i++) {
			const char *line = s[x].log[i];
			if (names_any(line, names, n) || in_list(s[!x].log, s[!x].nlog, line))
				continue;
			if (!differ)
				fprintf(text, "other kernel log lines\n");
			differ = 1;
			fprintf(text, "  %c: %s\n", side_name[x], line);
			json_object_array_add(only, json_object_new_string(line));
		}
		json_object_object_add(j, x == A ? "only_a" : "only_b", only);
	}
	json_object_object_add(out, "other_log", j);
	free(names);
	return differ;
}

static int compare_functions(struct side *s, json_object *out, FILE *text)
{
	size_t n;
	char **names = all_functions(s, &n);
	int differ = 0;
	size_t same = 0;
	for (size_t i = 0; names && i < n; i++) {
		struct fn f[NSIDES] = { 0 };
		bool has[NSIDES];
		for (int x = A; x < NSIDES; x++)
			has[x] = fn_find(&s[x], names[i], &f[x]);
		char *body = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&body, &len);
		if (!m)
			break;
		json_object *o = json_object_new_object();
		bool d = false;
		char *g[NSIDES] = { has[A] ? group_str(&f[A]) : NULL, has[B] ? group_str(&f[B]) : NULL };
		d |= field(m, o, "driver", has[A] ? f[A].driver : NULL, has[B] ? f[B].driver : NULL);
		d |= field(m, o, "group", g[A], g[B]);
		d |= field(m, o, "dma masks", has[A] ? f[A].masks : NULL, has[B] ? f[B].masks : NULL);
		d |= field(m, o, "reserved", has[A] ? f[A].resv : NULL, has[B] ? f[B].resv : NULL);
		d |= log_lines(m, o, f);
		fclose(m);
		if (d) {
			fprintf(text, "%s\n%s", names[i], body);
			json_object_object_add(o, "name", json_object_new_string(names[i]));
			json_object_array_add(json_object_object_get(out, "functions"), o);
			differ = 1;
		} else {
			same++;
			json_object_put(o);
		}
		free(body);
		free(g[A]);
		free(g[B]);
		for (int x = A; x < NSIDES; x++)
			if (has[x])
				fn_free(&f[x]);
	}
	fprintf(text, "the same in both: %zu function%s\n", same, same == 1 ? "" : "s");
	json_object_object_add(out, "same_functions", json_object_new_int64((int64_t)same));
	free(names);
	return differ;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: iommusim compare [--linux A --linux B] [--qemu A --qemu B] [-append A -append B]\n"
		   "                        [--kconfig NAME=VALUE[,...]]... [--dts FILE | --dtb FILE] [--json]\n"
		   "                        QEMU-ARGS...\n"
		   "Boots the machine twice (side A with the first of each option given twice, side B with\n"
		   "the second; one given once holds for both) and prints what differs: the groups, each\n"
		   "PCI function's driver, group, DMA masks, reserved regions and the kernel log lines that\n"
		   "name it, then the other log lines. Exit 0: the same, 1: they differ.\n");
}

/* A side's name: "Linux 6.1 on QEMU 7.2 (virt-7.2)" plus its -append. */
static void describe(FILE *f, struct side *s, int x)
{
	json_object *by = json_object_object_get(s[x].summary, "answered_by");
	const char *machine = jstr(by, "machine");
	fprintf(f, "%c: Linux %s on QEMU %s", side_name[x], jstr(by, "linux"), jstr(by, "qemu"));
	if (machine)
		fprintf(f, " (%s)", machine);
	if (s[x].append)
		fprintf(f, ", -append \"%s\"", s[x].append);
	fprintf(f, "\n");
}

static int boot_side(struct side *s, int qargc, char **qargv, int x)
{
	char **argv = calloc((size_t)qargc + 3, sizeof(*argv));
	if (!argv)
		return 2;
	int n = 0;
	for (int i = 0; i < qargc; i++)
		argv[n++] = qargv[i];
	if (s->append) {
		argv[n++] = "-append";
		argv[n++] = (char *)s->append;
	}
	char err[1024] = "";
	s->sim = iommusim_boot(n, argv, &s->opts, err, sizeof(err));
	free(argv);
	if (!s->sim) {
		fprintf(stderr, "iommusim: compare: side %c: %s\n", side_name[x], err);
		return 2;
	}
	char *js = capture(print_json_summary, s->sim);
	s->summary = js ? json_tokener_parse(js) : NULL;
	free(js);
	char *raw = capture(iommusim_dmesg, s->sim);
	s->log_text = log_filter_text(raw);
	free(raw);
	s->log = split_lines(s->log_text, &s->nlog);
	if (!s->summary || !s->log_text || !s->log) {
		fprintf(stderr, "iommusim: compare: out of memory\n");
		return 2;
	}
	return 0;
}

static void side_free(struct side *s)
{
	free(s->log);
	free(s->log_text);
	json_object_put(s->summary);
	iommusim_free(s->sim);
}

int compare_main(int argc, char **argv)
{
	struct pair pairs[] = { { "--linux", { 0 }, 0 }, { "--qemu", { 0 }, 0 }, { "-append", { 0 }, 0 } };
	enum { LINUX, QEMU, APPEND, NPAIRS };
	struct side s[NSIDES] = { 0 };
	char **qargv = calloc((size_t)argc + 1, sizeof(*qargv));
	const char **kconfig = calloc((size_t)argc + 1, sizeof(*kconfig));
	int qargc = 0, rc = 2;
	size_t nkconfig = 0;
	bool json = false;
	const char *dts = NULL, *dtb = NULL;
	if (!qargv || !kconfig)
		goto out;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			rc = 0;
			goto out;
		}
		if (!strcmp(a, "--json")) {
			json = true;
			continue;
		}
		bool valued = !strcmp(a, "--kconfig") || !strcmp(a, "--dts") || !strcmp(a, "--dtb") ||
			      !strcmp(a, "--append");
		int p = -1;
		for (int k = 0; k < NPAIRS; k++)
			if (!strcmp(a, pairs[k].opt) || (k == APPEND && !strcmp(a, "--append")))
				p = k;
		if (p < 0 && !valued) {
			qargv[qargc++] = argv[i];
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "iommusim: compare: %s needs an argument\n", a);
			goto out;
		}
		const char *v = argv[++i];
		if (p >= 0) {
			if (pairs[p].n == NSIDES) {
				fprintf(stderr, "iommusim: compare: %s given more than twice\n", pairs[p].opt);
				goto out;
			}
			pairs[p].val[pairs[p].n++] = v;
		} else if (!strcmp(a, "--kconfig")) {
			kconfig[nkconfig++] = v;
		} else if (!strcmp(a, "--dts")) {
			dts = v;
		} else {
			dtb = v;
		}
	}
	int given = 0;
	for (int k = 0; k < NPAIRS; k++) {
		if (pairs[k].n == 1)
			pairs[k].val[B] = pairs[k].val[A];
		given += pairs[k].n == NSIDES;
	}
	if (!given) {
		fprintf(stderr, "iommusim: compare: nothing to compare: give two --linux, two --qemu or two -append\n");
		usage(stderr);
		goto out;
	}
	for (int x = A; x < NSIDES; x++) {
		s[x].opts = (struct iommusim_options){ .dts_path = dts, .dtb_path = dtb,
						       .kconfig = nkconfig ? kconfig : NULL,
						       .linux_version = pairs[LINUX].val[x],
						       .qemu_version = pairs[QEMU].val[x] };
		s[x].append = pairs[APPEND].val[x];
		if (boot_side(&s[x], qargc, qargv, x))
			goto out;
	}
	char *body = NULL;
	size_t len = 0;
	FILE *text = open_memstream(&body, &len);
	if (!text)
		goto out;
	json_object *res = json_object_new_object();
	json_object *sides = json_object_new_object();
	for (int x = A; x < NSIDES; x++) {
		json_object *by = json_object_object_get(s[x].summary, "answered_by");
		json_object *side = json_object_get(by);
		if (s[x].append)
			json_object_object_add(side, "append", json_object_new_string(s[x].append));
		json_object_object_add(sides, x == A ? "a" : "b", side);
		describe(text, s, x);
	}
	json_object_object_add(res, "sides", sides);
	fprintf(text, "\ngroups\n");
	json_object *groups = json_object_new_object();
	json_object_object_add(res, "groups", groups);
	int differ = compare_groups(s, groups, text);
	fprintf(text, "\n");
	json_object_object_add(res, "functions", json_object_new_array());
	differ |= compare_functions(s, res, text);
	differ |= compare_other_log(s, res, text);
	fclose(text);
	json_object_object_add(res, "differ", json_object_new_boolean(differ));
	if (json)
		printf("%s\n", json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		fputs(body, stdout);
	json_object_put(res);
	free(body);
	rc = differ;
out:
	for (int x = A; x < NSIDES; x++)
		side_free(&s[x]);
	free(qargv);
	free(kconfig);
	return rc;
}
