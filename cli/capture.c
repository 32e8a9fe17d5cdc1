/* What one of the public API's printers prints, as a string (capture.h). */
#include "capture.h"

char *capture(void (*print)(struct iommusim *, FILE *), struct iommusim *sim)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return NULL;
	print(sim, m);
	fclose(m);
	return buf;
}
