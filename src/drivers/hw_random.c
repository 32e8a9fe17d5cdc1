/*
 * drivers/char/hw_random/core.c of Linux 6.1: hwrng_register() picks the
 * current source and feeds add_early_randomness() 32 bytes read without
 * waiting; the first current source starts the "hwrng" fill thread, which
 * reads rng_buffer_size() (64 bytes on arm64) with wait=1 and sleeps
 * CRNG_RESEED_INTERVAL (60 s) after each read that gave data, 10 s after
 * one that gave none.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/hw_random.h"

#define NSEC_PER_SEC 1000000000ULL
#define RNG_BUFFER_SIZE 64		/* SMP_CACHE_BYTES on arm64 */
#define EARLY_BYTES 32
#define CRNG_RESEED_INTERVAL_NS (60 * NSEC_PER_SEC)
#define HWRNG_RETRY_NS (10 * NSEC_PER_SEC)

struct hwrng_core {
	struct hwrng **list;		/* rng_list, in registration order */
	size_t n;
	struct hwrng *current;
	bool fill_running;
	bool fill_blocked;		/* in rng_get_data(wait=1), waiting for the device */
	size_t fill_left;		/* what that read still wants */
	u64 next_fill_ns;		/* when the thread's sleep ends */
};

static struct hwrng_core *core(struct kernel *k)
{
	if (!k->hwrng)
		k->hwrng = calloc(1, sizeof(struct hwrng_core));
	return k->hwrng;
}

/* one pass of hwrng_fillfn() from its read on */
static void fill_read(struct kernel *k, struct hwrng_core *c, size_t want)
{
	u8 buf[RNG_BUFFER_SIZE];
	struct hwrng *rng = c->current;
	if (!rng) {
		/* no current source: the thread ends */
		c->fill_running = false;
		c->fill_blocked = false;
		return;
	}
	bool blocked = false;
	int rc = rng->read(rng, buf, want, true, &blocked);
	if (rc > 0) {
		rng->fill_reads++;
		rng->fill_bytes += (u64)rc;
	}
	if (blocked) {
		c->fill_blocked = true;
		c->fill_left = want - (rc > 0 ? (size_t)rc : 0);
		return;
	}
	c->fill_blocked = false;
	/* add_hwgenerator_randomness() throttles to the reseed interval; nothing read: hwrng_msleep(10 s) */
	c->next_fill_ns = k->log.clock_ns + (rc > 0 || want < RNG_BUFFER_SIZE ? CRNG_RESEED_INTERVAL_NS
									      : HWRNG_RETRY_NS);
}

static void set_current_rng(struct kernel *k, struct hwrng_core *c, struct hwrng *rng)
{
	c->current = rng;
	if (!c->fill_running) {
		/* kthread_run(hwrng_fillfn): it reads right away */
		c->fill_running = true;
		c->fill_blocked = false;
		c->next_fill_ns = k->log.clock_ns;
	}
}

static void add_early_randomness(struct hwrng *rng)
{
	u8 buf[EARLY_BYTES];
	bool blocked = false;
	int rc = rng->read(rng, buf, sizeof(buf), false, &blocked);
	rng->early_reads++;
	if (rc > 0)
		rng->early_bytes += (u64)rc;
}

int hwrng_register(struct kernel *k, struct hwrng *rng)
{
	struct hwrng_core *c = core(k);
	if (!c)
		return -ENOMEM;
	if (!rng || !rng->name || !rng->read)
		return -EINVAL;
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->list[i]->name, rng->name))
			return -EEXIST;
	struct hwrng **p = realloc(c->list, (c->n + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	c->list = p;
	c->list[c->n++] = rng;
	bool was_running = c->fill_running;
	bool is_new_current = false;
	if (!c->current || rng->quality > c->current->quality) {
		set_current_rng(k, c, rng);
		is_new_current = true;
	}
	/* is_new_current || !rng->init: a source with no init callback always contributes */
	add_early_randomness(rng);
	(void)is_new_current;
	/* the fill thread started now runs its first read */
	if (!was_running && c->fill_running)
		hwrng_tick(k);
	return 0;
}

void hwrng_unregister(struct kernel *k, struct hwrng *rng)
{
	struct hwrng_core *c = k->hwrng;
	if (!c)
		return;
	size_t i = 0;
	while (i < c->n && c->list[i] != rng)
		i++;
	if (i == c->n)
		return;
	memmove(&c->list[i], &c->list[i + 1], (c->n - i - 1) * sizeof(c->list[0]));
	c->n--;
	if (c->current == rng) {
		/* enable_best_rng(): the best remaining one, the first of equals */
		struct hwrng *best = NULL;
		for (size_t j = 0; j < c->n; j++)
			if (!best || c->list[j]->quality > best->quality)
				best = c->list[j];
		c->current = best;
		/*
		 * a fill thread waiting on this source is woken by its cleanup
		 * (virtio_cleanup completes the read) and, rng->dying being
		 * complete, does not sleep before reading the next one
		 */
		if (c->fill_blocked) {
			c->fill_blocked = false;
			c->next_fill_ns = k->log.clock_ns;
		}
	}
	if (!c->n) {
		/* kthread_stop(hwrng_fill) */
		c->fill_running = false;
		c->fill_blocked = false;
		return;
	}
	hwrng_tick(k);
}

void hwrng_data_ready(struct kernel *k, struct hwrng *rng)
{
	struct hwrng_core *c = k->hwrng;
	if (!c || !c->fill_running || !c->fill_blocked || c->current != rng)
		return;
	/* complete(&have_data): the waiting read goes on */
	c->fill_blocked = false;
	fill_read(k, c, c->fill_left);
}

void hwrng_tick(struct kernel *k)
{
	struct hwrng_core *c = k->hwrng;
	/* each pass sleeps at least 10 s: a bounded number of passes per tick */
	for (int guard = 0; c && c->fill_running && !c->fill_blocked && k->log.clock_ns >= c->next_fill_ns &&
			    guard < 100000; guard++)
		fill_read(k, c, RNG_BUFFER_SIZE);
}

const char *hwrng_current_name(struct kernel *k)
{
	struct hwrng_core *c = k->hwrng;
	return c && c->current ? c->current->name : "none";
}

size_t hwrng_list(struct kernel *k, struct hwrng **out, size_t max)
{
	struct hwrng_core *c = k->hwrng;
	if (!c)
		return 0;
	for (size_t i = 0; i < c->n && i < max; i++)
		out[i] = c->list[i];
	return c->n;
}

bool hwrng_fill_running(struct kernel *k)
{
	struct hwrng_core *c = k->hwrng;
	return c && c->fill_running;
}

bool hwrng_fill_blocked(struct kernel *k)
{
	struct hwrng_core *c = k->hwrng;
	return c && c->fill_blocked;
}

void hwrng_core_free(struct kernel *k)
{
	struct hwrng_core *c = k->hwrng;
	if (!c)
		return;
	free(c->list);
	free(c);
	k->hwrng = NULL;
}
