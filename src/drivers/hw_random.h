/*
 * The hardware RNG core (drivers/char/hw_random/core.c, Linux 6.1): the
 * registered sources, the current one (the first registered, or one of
 * better quality), add_early_randomness() at registration, and the "hwrng"
 * fill thread that reads the current source with wait=1, then sleeps for
 * the crng reseed interval (60 s) once the crng is ready, which it is by
 * the time init loads modules. A read that waits for data the device never
 * delivers blocks the thread for good, silently.
 */
#ifndef IOMMUSIM_DRIVERS_HW_RANDOM_H
#define IOMMUSIM_DRIVERS_HW_RANDOM_H

#include "base/device.h"

struct hwrng {
	const char *name;
	/* rng->read(): bytes copied, 0 when none (wait=0), -errno; *blocked when it would wait */
	int (*read)(struct hwrng *rng, void *buf, size_t max, bool wait, bool *blocked);
	unsigned short quality;
	void *priv;
	/* counters */
	u64 early_reads, early_bytes;	/* add_early_randomness() */
	u64 fill_reads, fill_bytes;	/* the fill thread */
};

/* hwrng_register(): 0, -EINVAL (no name or read), -EEXIST (the name is taken), -ENOMEM */
int hwrng_register(struct kernel *k, struct hwrng *rng);
void hwrng_unregister(struct kernel *k, struct hwrng *rng);
/* The data the source was waiting for arrived: a blocked fill thread goes on. */
void hwrng_data_ready(struct kernel *k, struct hwrng *rng);
/* The virtual clock moved: the fill thread's reseed sleeps that ended. */
void hwrng_tick(struct kernel *k);

/* rng_current / rng_available as sysfs shows them ("none" / "" when empty). */
const char *hwrng_current_name(struct kernel *k);
size_t hwrng_list(struct kernel *k, struct hwrng **out, size_t max);
/* the fill thread: running, and blocked in a read that waits for ever */
bool hwrng_fill_running(struct kernel *k);
bool hwrng_fill_blocked(struct kernel *k);

void hwrng_core_free(struct kernel *k);

#endif
