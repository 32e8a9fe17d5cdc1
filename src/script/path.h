/*
 * The path walk a real kernel does for the shell's open(), stat() and
 * readlink(), over the model's tree: symlinks followed where the VFS follows
 * them, ".." taken after the link it follows (the physical parent), the
 * errnos of link_path_walk(). The tree is the virtual /sys; outside it the
 * reference guest's root directory, its working directory /root and /tmp
 * (both empty) and /dev/null; nothing else.
 */
#ifndef IOMMUSIM_SCRIPT_PATH_H
#define IOMMUSIM_SCRIPT_PATH_H

#include <stdbool.h>
#include "sysfs/sysfs.h"

/* The shell's working directory: init runs the script in /root. */
#define SH_CWD "/root"

/* lstat() of an absolute path without "." or ".." or links before its last component. */
int path_lstat(struct kernel *k, const char *path, struct sysfs_stat *st);

/*
 * realpath(3): the canonical absolute path, malloc'd in *out. 0, -ENOENT,
 * -ENOTDIR, -ELOOP, -ENAMETOOLONG, -ENOMEM.
 */
int path_realpath(struct kernel *k, const char *path, char **out);

/*
 * What open() reaches, following the last component too (cat, ls): the
 * canonical path in *out and its stat. Errors as path_realpath().
 */
int path_open(struct kernel *k, const char *path, char **out, struct sysfs_stat *st);

/*
 * open(O_WRONLY | O_CREAT | O_TRUNC), the shell's "> path": the canonical
 * path of the file to write in *out. -ENOENT/-ENOTDIR (its directory is not
 * there), -EISDIR, -EACCES (no store, or a new name in a directory of /sys),
 * -EROFS (a new file outside /sys: the model keeps none), others of the walk.
 * "/dev/null" comes back as itself.
 */
int path_open_write(struct kernel *k, const char *path, char **out);

/*
 * readlink(2): the link's target in *out. -ENOENT, -ENOTDIR, -EINVAL (not a
 * link; "link/" names the directory it points to).
 */
int path_readlink(struct kernel *k, const char *path, char **out);

/* lstat() of any path: the links before its last component followed. */
int path_lstat_any(struct kernel *k, const char *path, struct sysfs_stat *st);

/* The directory's entries, sorted (ls); -ENOTDIR on a file. */
int path_list(struct kernel *k, const char *canonical, struct sysfs_buf *out);

#endif
