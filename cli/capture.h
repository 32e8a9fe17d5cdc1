/* What one of the public API's printers prints, as a string (verify, compare). */
#ifndef IOMMUSIM_CLI_CAPTURE_H
#define IOMMUSIM_CLI_CAPTURE_H

#include <stdio.h>
#include "iommusim/iommusim.h"

/* print(sim, f)'s output, malloc'd; NULL when out of memory. */
char *capture(void (*print)(struct iommusim *, FILE *), struct iommusim *sim);

#endif
