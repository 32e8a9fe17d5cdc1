/*
 * ash's pathname expansion (expandmeta): a word with an unquoted * ? or [
 * becomes the paths it matches, sorted, or stays as it is when none does.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "script/glob.h"
#include "script/path.h"

struct matches {
	char **v;
	size_t n, cap;
};

static int add(struct matches *m, const char *path)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;
		char **v = realloc(m->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n] = strdup(path);
	return m->v[m->n++] ? 0 : -ENOMEM;
}

static bool has_meta(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (strchr("*?[", s[i]))
			return true;
	}
	return false;
}

/* prefix then rest (n characters of it) with its quoting undone */
static char *unquote(const char *prefix, const char *rest, size_t n)
{
	char *s = malloc(strlen(prefix) + n + 1), *o = s;
	if (!s)
		return NULL;
	o += sprintf(o, "%s", prefix);
	for (size_t i = 0; i < n; i++) {
		if (rest[i] == '\\' && i + 1 < n)
			i++;
		*o++ = rest[i];
	}
	*o = '\0';
	return s;
}

/* whether the path a match ends in is there: lstat(), or a directory for "name/" */
static bool exists(struct kernel *k, const char *path)
{
	struct sysfs_stat st;
	size_t n = strlen(path);
	if (n > 1 && path[n - 1] == '/') {
		char *canon = NULL;
		bool dir = !path_open(k, path, &canon, &st) && st.type == SYSFS_DIR;
		free(canon);
		return dir;
	}
	return !path_lstat_any(k, path, &st);
}

/* prefix: what matched so far, as typed; rest: the pattern still to match */
static int expand(struct kernel *k, const char *prefix, const char *rest, struct matches *m)
{
	size_t slashes = strspn(rest, "/");
	size_t n = strcspn(rest + slashes, "/");
	const char *comp = rest + slashes, *after = comp + n;
	char *base = NULL;
	int ret = 0;
	if (!has_meta(rest, strlen(rest))) {
		/* no wildcard left: the rest as it is, if that path is there */
		char *whole = unquote(prefix, rest, strlen(rest));
		if (!whole)
			return -ENOMEM;
		if (exists(k, whole))
			ret = add(m, whole);
		free(whole);
		return ret;
	}
	if (asprintf(&base, "%s%.*s", prefix, (int)slashes, rest) < 0)
		return -ENOMEM;
	if (!has_meta(comp, n)) {
		/* a plain component before a wildcard: on, unchecked (opendir() finds out) */
		char *next = unquote(base, comp, n);
		ret = next ? expand(k, next, after, m) : -ENOMEM;
		free(next);
	} else {
		char *pat = strndup(comp, n), *canon = NULL;
		struct sysfs_stat st;
		struct sysfs_buf b = { 0 };
		/* opendir() of what matched so far: the cwd for a relative word */
		if (pat && !path_open(k, *base ? base : ".", &canon, &st) && st.type == SYSFS_DIR &&
		    !path_list(k, canon, &b)) {
			for (size_t i = 0; !ret && i < b.nnames; i++) {
				char *next = NULL;
				if (fnmatch(pat, b.names[i], FNM_PERIOD))
					continue;
				if (asprintf(&next, "%s%s", base, b.names[i]) < 0)
					ret = -ENOMEM;
				else
					ret = *after ? expand(k, next, after, m) : add(m, next);
				free(next);
			}
		}
		if (!pat)
			ret = -ENOMEM;
		sysfs_buf_free(&b);
		free(canon);
		free(pat);
	}
	free(base);
	return ret;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sh_glob(struct kernel *k, const char *pattern, char ***out, size_t *n)
{
	struct matches m = { 0 };
	int ret = expand(k, "", pattern, &m);
	if (ret) {
		sh_glob_free(m.v, m.n);
		return ret;
	}
	if (m.n)
		qsort(m.v, m.n, sizeof(*m.v), cmp);
	*out = m.v;
	*n = m.n;
	return 0;
}

void sh_glob_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
