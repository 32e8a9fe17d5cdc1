#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "script/path.h"
#include "sysfs/devfs.h"

/* link_path_walk()'s limit on the links one lookup follows */
#define MAX_LINKS 40

static bool under_sys(const char *path)
{
	return !strncmp(path, "/sys", 4) && (path[4] == '\0' || path[4] == '/');
}

/* the reference guest's directories outside /sys that the model knows: empty, or not listed */
static const struct {
	const char *path;
	bool empty;		/* listed as empty; else the model does not list it */
} rootfs_dirs[] = {
	{ "/", false },
	{ "/dev", false },
	{ "/root", true },
	{ "/tmp", true },
};

int path_lstat(struct kernel *k, const char *path, struct sysfs_stat *st)
{
	memset(st, 0, sizeof(*st));
	if (under_sys(path))
		return sysfs_lstat(k, path, st);
	for (size_t i = 0; i < sizeof(rootfs_dirs) / sizeof(rootfs_dirs[0]); i++) {
		if (!strcmp(path, rootfs_dirs[i].path)) {
			st->type = SYSFS_DIR;
			st->readable = true;
			return 0;
		}
	}
	if (!strcmp(path, "/dev/null")) {
		st->type = SYSFS_REG;
		st->readable = st->writable = true;
		return 0;
	}
	return devfs_lstat(k, path, st);
}

/* the absolute form of a path the shell was given: relative ones start at its cwd */
static char *absolute(const char *path)
{
	char *s = NULL;
	if (path[0] == '/')
		return strdup(path);
	return asprintf(&s, "%s/%s", SH_CWD, path) < 0 ? NULL : s;
}

/* drop the last component of res (length *len): ".." of "/" is "/" */
static void pop(char *res, size_t *len)
{
	while (*len > 0 && res[*len - 1] != '/')
		(*len)--;
	if (*len > 0)
		(*len)--;
	res[*len] = '\0';
}

static bool only_slashes(const char *p)
{
	while (*p == '/')
		p++;
	return !*p;
}

int path_realpath(struct kernel *k, const char *path, char **out)
{
	*out = NULL;
	if (!*path)
		return -ENOENT;
	char *pend = absolute(path);
	if (!pend)
		return -ENOMEM;
	char res[PATH_MAX] = "";
	size_t len = 0;
	int links = 0, ret = 0;
	const char *p = pend;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, "/");
		if (n == 1 && p[0] == '.') {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			/* the physical parent: the links before it are followed already */
			pop(res, &len);
			p += n;
			continue;
		}
		if (len + 1 + n >= sizeof(res)) {
			ret = -ENAMETOOLONG;
			break;
		}
		res[len++] = '/';
		memcpy(res + len, p, n);
		len += n;
		res[len] = '\0';
		p += n;
		struct sysfs_stat st;
		ret = path_lstat(k, res, &st);
		if (ret)
			break;
		if (st.type == SYSFS_LNK) {
			struct sysfs_buf b;
			if (++links > MAX_LINKS) {
				ret = -ELOOP;
				break;
			}
			ret = sysfs_readlink(k, res, &b);
			char *next = NULL;
			if (!ret && (*p ? asprintf(&next, "%s/%s", b.text, p) < 0 : !(next = strdup(b.text))))
				ret = -ENOMEM;
			if (!ret) {
				if (b.text[0] == '/') {
					len = 0;
					res[0] = '\0';
				} else {
					pop(res, &len);
				}
			}
			sysfs_buf_free(&b);
			if (ret)
				break;
			free(pend);
			pend = next;
			p = pend;
			continue;
		}
		if (st.type != SYSFS_DIR && *p) {
			/*
			 * A file with more after it. The model's own debugfs files take
			 * a device name after them (iommusim/dma/DEVICE): those resolve
			 * as a whole. Anything else is what the kernel says.
			 */
			char whole[PATH_MAX];
			if (!only_slashes(p) && snprintf(whole, sizeof(whole), "%s%s", res, p) < (int)sizeof(whole) &&
			    !path_lstat(k, whole, &st) && st.type == SYSFS_REG) {
				snprintf(res, sizeof(res), "%s", whole);
				len = strlen(res);
				break;
			}
			ret = -ENOTDIR;
			break;
		}
	}
	free(pend);
	if (ret)
		return ret;
	*out = strdup(len ? res : "/");
	return *out ? 0 : -ENOMEM;
}

int path_open(struct kernel *k, const char *path, char **out, struct sysfs_stat *st)
{
	int ret = path_realpath(k, path, out);
	if (!ret)
		ret = path_lstat(k, *out, st);
	if (ret) {
		free(*out);
		*out = NULL;
	}
	return ret;
}

/*
 * The directory a path's last component is looked up in, walked, and that
 * component. -ENOTDIR when the directory is a file. *trailing: the path ended
 * in '/'. A path of slashes only has an empty last component.
 */
static int split_last(struct kernel *k, const char *path, char **dir, char **last, bool *trailing)
{
	*dir = *last = NULL;
	char *abs = absolute(path);
	if (!abs)
		return -ENOMEM;
	size_t n = strlen(abs);
	*trailing = n > 1 && abs[n - 1] == '/';
	while (n > 1 && abs[n - 1] == '/')
		abs[--n] = '\0';
	char *slash = strrchr(abs, '/');
	*last = strdup(slash + 1);
	*slash = '\0';
	int ret = *last ? path_realpath(k, *abs ? abs : "/", dir) : -ENOMEM;
	free(abs);
	struct sysfs_stat st;
	if (!ret && !(ret = path_lstat(k, *dir, &st)) && st.type != SYSFS_DIR)
		ret = -ENOTDIR;
	if (ret) {
		free(*dir);
		free(*last);
		*dir = *last = NULL;
	}
	return ret;
}

static char *join(const char *dir, const char *name)
{
	char *s = NULL;
	return asprintf(&s, "%s/%s", strcmp(dir, "/") ? dir : "", name) < 0 ? NULL : s;
}

int path_open_write(struct kernel *k, const char *path, char **out)
{
	*out = NULL;
	if (!strcmp(path, "/dev/null")) {
		*out = strdup(path);
		return *out ? 0 : -ENOMEM;
	}
	char *dir, *last;
	bool trailing;
	int ret = split_last(k, path, &dir, &last, &trailing);
	if (ret)
		return ret;
	/* O_CREAT on "name/", ".", ".." or "/": open_last_lookups() says EISDIR */
	if (trailing || !*last || !strcmp(last, ".") || !strcmp(last, "..")) {
		ret = -EISDIR;
		goto out;
	}
	char *full = join(dir, last);
	struct sysfs_stat st;
	ret = full ? path_lstat(k, full, &st) : -ENOMEM;
	if (!ret && st.type == SYSFS_LNK) {
		char *target;
		ret = path_open(k, full, &target, &st);
		free(full);
		full = ret ? NULL : target;
	}
	if (ret == -ENOENT)
		/* sysfs and debugfs directories have no create; the model keeps no other files */
		ret = under_sys(full) ? -EACCES : -EROFS;
	else if (!ret && st.type == SYSFS_DIR)
		ret = -EISDIR;
	else if (!ret && !st.writable)
		ret = -EACCES;	/* kernfs_fop_open(): no store */
	if (ret)
		free(full);
	else
		*out = full;
out:
	free(dir);
	free(last);
	return ret;
}

int path_readlink(struct kernel *k, const char *path, char **out)
{
	*out = NULL;
	char *dir, *last;
	bool trailing;
	int ret = split_last(k, path, &dir, &last, &trailing);
	if (ret)
		return ret;
	char *full = join(dir, last);
	struct sysfs_stat st;
	ret = full ? path_lstat(k, full, &st) : -ENOMEM;
	if (!ret && (trailing || !*last || !strcmp(last, ".") || !strcmp(last, ".."))) {
		/* the walk follows "link/" and stops on the directory: nothing to read */
		char *canon = NULL;
		ret = path_open(k, path, &canon, &st);
		free(canon);
		if (!ret)
			ret = -EINVAL;
	} else if (!ret && st.type != SYSFS_LNK) {
		ret = -EINVAL;
	} else if (!ret) {
		struct sysfs_buf b;
		ret = sysfs_readlink(k, full, &b);
		if (!ret) {
			*out = b.text;
			b.text = NULL;
		}
		sysfs_buf_free(&b);
	}
	free(full);
	free(dir);
	free(last);
	return ret;
}

int path_lstat_any(struct kernel *k, const char *path, struct sysfs_stat *st)
{
	char *dir, *last;
	bool trailing;
	int ret = split_last(k, path, &dir, &last, &trailing);
	if (ret)
		return ret;
	char *full = join(dir, last);
	ret = full ? path_lstat(k, full, st) : -ENOMEM;
	free(full);
	free(dir);
	free(last);
	return ret;
}

int path_list(struct kernel *k, const char *canonical, struct sysfs_buf *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(rootfs_dirs) / sizeof(rootfs_dirs[0]); i++)
		if (!strcmp(canonical, rootfs_dirs[i].path))
			return rootfs_dirs[i].empty ? 0 : -EOPNOTSUPP;
	if (!strncmp(canonical, "/dev/", 5))
		return devfs_list(k, canonical, out);
	int ret = sysfs_list(k, canonical, out);
	/* a directory of /sys/devices above the devices: there, but the model does not list it */
	return ret == -ENOENT ? -EOPNOTSUPP : ret;
}
