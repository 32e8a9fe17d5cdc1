/* ash's pathname expansion over the model's files. */
#ifndef IOMMUSIM_SCRIPT_GLOB_H
#define IOMMUSIM_SCRIPT_GLOB_H

#include <stddef.h>
#include "base/device.h"

/*
 * The paths pattern (fnmatch()'s syntax, component by component) matches,
 * sorted, malloc'd in *out: none when nothing matches (sh then keeps the
 * word). 0 or -ENOMEM.
 */
int sh_glob(struct kernel *k, const char *pattern, char ***out, size_t *n);
void sh_glob_free(char **v, size_t n);

#endif
