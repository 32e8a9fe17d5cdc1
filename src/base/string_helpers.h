/* String helpers of Linux's lib/string.c that several layers use. */
#ifndef IOMMUSIM_BASE_STRING_HELPERS_H
#define IOMMUSIM_BASE_STRING_HELPERS_H

#include <stdbool.h>

/* sysfs_streq(): equal, but for one trailing newline on either side */
static inline bool sysfs_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	if (*a == *b)
		return true;
	return (!*a && *b == '\n' && !b[1]) || (!*b && *a == '\n' && !a[1]);
}

#endif
