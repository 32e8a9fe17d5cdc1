/*
 * IOVA allocator, following Linux 6.1 drivers/iommu/iova.c.
 *
 * The kernel keeps ranges in an rbtree keyed by pfn_lo; every decision it
 * makes depends only on in-order neighbours (rb_prev/rb_next), so an AVL
 * tree gives the same allocations. Locks are not modelled: the model is
 * single-threaded, and "CPUs" are an index chosen by the caller.
 */
#include "dma/iova.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct iova_magazine {
	unsigned long size;
	unsigned long pfns[IOVA_MAG_SIZE];
};

struct iova_cpu_rcache {
	struct iova_magazine *loaded;
	struct iova_magazine *prev;
};

struct iova_rcache {
	unsigned long depot_size;
	struct iova_magazine *depot[MAX_GLOBAL_MAGS];
	struct iova_cpu_rcache *cpu_rcaches; /* nr_cpus entries */
};

static struct iova *to_iova(const struct iova_node *node)
{
	return (struct iova *)node;
}

/* ---- ordered tree (AVL with parent links) ---- */

static int node_height(const struct iova_node *n)
{
	return n ? n->height : 0;
}

static void node_update(struct iova_node *n)
{
	n->height = 1 + MAX(node_height(n->left), node_height(n->right));
}

static void set_left(struct iova_node *n, struct iova_node *child)
{
	n->left = child;
	if (child)
		child->parent = n;
}

static void set_right(struct iova_node *n, struct iova_node *child)
{
	n->right = child;
	if (child)
		child->parent = n;
}

static struct iova_node *rotate_right(struct iova_node *y)
{
	struct iova_node *x = y->left;

	set_left(y, x->right);
	set_right(x, y);
	node_update(y);
	node_update(x);
	return x;
}

static struct iova_node *rotate_left(struct iova_node *x)
{
	struct iova_node *y = x->right;

	set_right(x, y->left);
	set_left(y, x);
	node_update(x);
	node_update(y);
	return y;
}

/* Restore the AVL invariant at n; returns the subtree's new root. */
static struct iova_node *rebalance(struct iova_node *n)
{
	int balance;

	node_update(n);
	balance = node_height(n->left) - node_height(n->right);
	if (balance > 1) {
		if (node_height(n->left->left) < node_height(n->left->right))
			set_left(n, rotate_left(n->left));
		return rotate_right(n);
	}
	if (balance < -1) {
		if (node_height(n->right->right) < node_height(n->right->left))
			set_right(n, rotate_right(n->right));
		return rotate_left(n);
	}
	return n;
}

static struct iova_node *tree_insert_at(struct iova_node *root, struct iova_node *new)
{
	if (!root)
		return new;
	if (to_iova(new)->pfn_lo < to_iova(root)->pfn_lo)
		set_left(root, tree_insert_at(root->left, new));
	else
		set_right(root, tree_insert_at(root->right, new));
	return rebalance(root);
}

static struct iova_node *tree_remove_min(struct iova_node *n, struct iova_node **min)
{
	if (!n->left) {
		*min = n;
		return n->right;
	}
	set_left(n, tree_remove_min(n->left, min));
	return rebalance(n);
}

static struct iova_node *tree_erase_at(struct iova_node *root, struct iova_node *victim)
{
	unsigned long key = to_iova(victim)->pfn_lo;
	struct iova_node *min, *rest;

	if (root != victim) {
		if (key < to_iova(root)->pfn_lo)
			set_left(root, tree_erase_at(root->left, victim));
		else
			set_right(root, tree_erase_at(root->right, victim));
		return rebalance(root);
	}
	if (!root->left || !root->right)
		return root->left ? root->left : root->right;
	rest = tree_remove_min(root->right, &min);
	set_left(min, root->left);
	set_right(min, rest);
	return rebalance(min);
}

static void tree_set_root(struct iova_domain *iovad, struct iova_node *root)
{
	iovad->root = root;
	if (root)
		root->parent = NULL;
}

static void tree_insert(struct iova_domain *iovad, struct iova *iova)
{
	iova->node.left = iova->node.right = iova->node.parent = NULL;
	iova->node.height = 1;
	tree_set_root(iovad, tree_insert_at(iovad->root, &iova->node));
}

static void tree_erase(struct iova_domain *iovad, struct iova *iova)
{
	tree_set_root(iovad, tree_erase_at(iovad->root, &iova->node));
}

static struct iova_node *tree_prev(const struct iova_node *n)
{
	const struct iova_node *p;

	if (n->left) {
		n = n->left;
		while (n->right)
			n = n->right;
		return (struct iova_node *)n;
	}
	for (p = n->parent; p && n == p->left; n = p, p = p->parent)
		;
	return (struct iova_node *)p;
}

static struct iova_node *tree_next(const struct iova_node *n)
{
	const struct iova_node *p;

	if (n->right) {
		n = n->right;
		while (n->left)
			n = n->left;
		return (struct iova_node *)n;
	}
	for (p = n->parent; p && n == p->right; n = p, p = p->parent)
		;
	return (struct iova_node *)p;
}

struct iova *iova_first(const struct iova_domain *iovad)
{
	const struct iova_node *n = iovad ? iovad->root : NULL;

	if (!n)
		return NULL;
	while (n->left)
		n = n->left;
	return to_iova(n);
}

struct iova *iova_next(const struct iova *iova)
{
	struct iova_node *n = iova ? tree_next(&iova->node) : NULL;

	return n ? to_iova(n) : NULL;
}

/* ---- domain ---- */

unsigned long iova_rcache_range(void)
{
	return IOVA_CPU_PAGE_SIZE << (IOVA_RANGE_CACHE_MAX_SIZE - 1);
}

int init_iova_domain(struct iova_domain *iovad, unsigned long granule, unsigned long start_pfn)
{
	if (!iovad)
		return -EINVAL;
	/* The granule must represent CPU pages exactly (Linux BUG_ON). */
	if (!granule || granule > IOVA_CPU_PAGE_SIZE || (granule & (granule - 1)))
		return -EINVAL;

	memset(iovad, 0, sizeof(*iovad));
	iovad->granule = granule;
	iovad->start_pfn = start_pfn;
	iovad->dma_32bit_pfn = 1UL << (32 - iova_shift(iovad));
	iovad->max32_alloc_size = iovad->dma_32bit_pfn;
	iovad->anchor.pfn_lo = iovad->anchor.pfn_hi = IOVA_ANCHOR;
	tree_insert(iovad, &iovad->anchor);
	iovad->cached_node = &iovad->anchor.node;
	iovad->cached32_node = &iovad->anchor.node;
	return 0;
}

static struct iova_node *get_cached_node(struct iova_domain *iovad, unsigned long limit_pfn)
{
	if (limit_pfn <= iovad->dma_32bit_pfn)
		return iovad->cached32_node;
	return iovad->cached_node;
}

static void cached_node_insert_update(struct iova_domain *iovad, struct iova *new)
{
	if (new->pfn_hi < iovad->dma_32bit_pfn)
		iovad->cached32_node = &new->node;
	else
		iovad->cached_node = &new->node;
}

/* Runs before the node leaves the tree: the caches move to its successor. */
static void cached_node_delete_update(struct iova_domain *iovad, struct iova *free)
{
	struct iova *cached = to_iova(iovad->cached32_node);

	if (free == cached ||
	    (free->pfn_hi < iovad->dma_32bit_pfn && free->pfn_lo >= cached->pfn_lo))
		iovad->cached32_node = tree_next(&free->node);

	/* Freeing below 4 GiB may make room for any 32-bit size again. */
	if (free->pfn_lo < iovad->dma_32bit_pfn)
		iovad->max32_alloc_size = iovad->dma_32bit_pfn;

	cached = to_iova(iovad->cached_node);
	if (free->pfn_lo >= cached->pfn_lo)
		iovad->cached_node = tree_next(&free->node);
}

/*
 * First node in order whose range reaches limit_pfn: where a walk bounded
 * by limit_pfn starts. 6.1's iova_find_limit() may stop at a later node
 * above the limit, which walks to the same result. Above 4 GiB 6.1 simply
 * starts from the anchor.
 */
static struct iova_node *iova_find_limit(struct iova_domain *iovad, unsigned long limit_pfn)
{
	struct iova_node *node = iovad->root, *best = &iovad->anchor.node;

	if (limit_pfn > iovad->dma_32bit_pfn)
		return &iovad->anchor.node;
	while (node) {
		if (to_iova(node)->pfn_hi >= limit_pfn) {
			best = node;
			node = node->left;
		} else {
			node = node->right;
		}
	}
	return best;
}

/* fls_long(x): 1-based index of the top set bit, 0 for 0. */
static unsigned int fls_long(unsigned long x)
{
	return x ? (unsigned int)(sizeof(long) * CHAR_BIT) - (unsigned int)__builtin_clzl(x) : 0;
}

/* 6.1 __alloc_and_insert_iova_range(); limit_pfn is exclusive here. */
static int alloc_and_insert_iova_range(struct iova_domain *iovad, unsigned long size,
				       unsigned long limit_pfn, struct iova *new,
				       bool size_aligned)
{
	struct iova_node *curr;
	struct iova *curr_iova;
	unsigned long new_pfn, retry_pfn;
	unsigned long align_mask = ~0UL;
	unsigned long high_pfn = limit_pfn, low_pfn = iovad->start_pfn;

	if (size_aligned) {
		unsigned int shift = fls_long(size - 1);

		align_mask = shift >= sizeof(long) * CHAR_BIT ? 0 : align_mask << shift;
	}

	/* A 32-bit request no smaller than one that already failed fails at once. */
	if (limit_pfn <= iovad->dma_32bit_pfn && size >= iovad->max32_alloc_size)
		return -ENOMEM;

	curr = get_cached_node(iovad, limit_pfn);
	curr_iova = to_iova(curr);
	retry_pfn = curr_iova->pfn_hi;

retry:
	do {
		high_pfn = MIN(high_pfn, curr_iova->pfn_lo);
		new_pfn = (high_pfn - size) & align_mask;
		curr = tree_prev(curr);
		curr_iova = curr ? to_iova(curr) : NULL;
	} while (curr && new_pfn <= curr_iova->pfn_hi && new_pfn >= low_pfn);

	if (high_pfn < size || new_pfn < low_pfn) {
		/* Search once more, from the limit down to where the cached walk began. */
		if (low_pfn == iovad->start_pfn && retry_pfn < limit_pfn) {
			high_pfn = limit_pfn;
			low_pfn = retry_pfn + 1;
			curr = iova_find_limit(iovad, limit_pfn);
			curr_iova = to_iova(curr);
			goto retry;
		}
		/* 6.1 records any failed size here, whatever the limit. */
		iovad->max32_alloc_size = size;
		return -ENOMEM;
	}

	new->pfn_lo = new_pfn;
	new->pfn_hi = new->pfn_lo + size - 1;
	tree_insert(iovad, new);
	iovad->nr_ranges++;
	cached_node_insert_update(iovad, new);
	return 0;
}

struct iova *alloc_iova(struct iova_domain *iovad, unsigned long size,
			unsigned long limit_pfn, bool size_aligned)
{
	struct iova *new_iova;

	if (!iovad || !iovad->root || !size)
		return NULL;
	new_iova = calloc(1, sizeof(*new_iova));
	if (!new_iova)
		return NULL;
	if (alloc_and_insert_iova_range(iovad, size, limit_pfn + 1, new_iova, size_aligned)) {
		free(new_iova);
		iovad->stats.alloc_failures++;
		return NULL;
	}
	iovad->stats.allocs++;
	return new_iova;
}

static struct iova *private_find_iova(const struct iova_domain *iovad, unsigned long pfn)
{
	const struct iova_node *node = iovad->root;

	while (node) {
		const struct iova *iova = to_iova(node);

		if (pfn < iova->pfn_lo)
			node = node->left;
		else if (pfn > iova->pfn_hi)
			node = node->right;
		else
			return (struct iova *)iova;
	}
	return NULL;
}

static void remove_iova(struct iova_domain *iovad, struct iova *iova)
{
	cached_node_delete_update(iovad, iova);
	tree_erase(iovad, iova);
	iovad->nr_ranges--;
	iovad->stats.frees++;
}

static void free_iova_mem(struct iova *iova)
{
	if (iova->pfn_lo != IOVA_ANCHOR)
		free(iova);
}

struct iova *find_iova(struct iova_domain *iovad, unsigned long pfn)
{
	if (!iovad || !iovad->root)
		return NULL;
	return private_find_iova(iovad, pfn);
}

void __free_iova(struct iova_domain *iovad, struct iova *iova)
{
	/* The anchor is never freed. */
	if (!iovad || !iova || iova == &iovad->anchor)
		return;
	remove_iova(iovad, iova);
	free_iova_mem(iova);
}

int free_iova(struct iova_domain *iovad, unsigned long pfn)
{
	struct iova *iova = find_iova(iovad, pfn);

	if (!iova || iova == &iovad->anchor)
		return -ENOENT;
	__free_iova(iovad, iova);
	return 0;
}

static void free_tree_nodes(struct iova_node *n)
{
	if (!n)
		return;
	free_tree_nodes(n->left);
	free_tree_nodes(n->right);
	free_iova_mem(to_iova(n));
}

static void free_iova_rcaches(struct iova_domain *iovad);

void put_iova_domain(struct iova_domain *iovad)
{
	if (!iovad)
		return;
	if (iovad->rcaches)
		free_iova_rcaches(iovad);
	free_tree_nodes(iovad->root);
	iovad->root = NULL;
	iovad->cached_node = iovad->cached32_node = NULL;
	iovad->nr_ranges = 0;
}

struct iova *reserve_iova(struct iova_domain *iovad, unsigned long pfn_lo, unsigned long pfn_hi)
{
	struct iova_node *node;
	struct iova *iova;
	bool overlap = false;

	if (!iovad || !iovad->root || pfn_lo > pfn_hi)
		return NULL;
	/* Don't allow pfns whose address does not fit in 64 bits (6.1 WARN_ON). */
	if ((pfn_hi | pfn_lo) > (ULLONG_MAX >> iova_shift(iovad)))
		return NULL;

	/*
	 * Walk in order: grow the first overlapping range down to pfn_lo, and
	 * carry on above each overlapping range until the request is covered.
	 * Growing pfn_lo in place keeps the order since nothing lies between.
	 */
	for (node = &iova_first(iovad)->node; node; node = tree_next(node)) {
		iova = to_iova(node);
		if (pfn_lo <= iova->pfn_hi && pfn_hi >= iova->pfn_lo) {
			if (pfn_lo < iova->pfn_lo)
				iova->pfn_lo = pfn_lo;
			if (pfn_hi > iova->pfn_hi)
				pfn_lo = iova->pfn_hi + 1;
			if (pfn_lo >= iova->pfn_lo && pfn_hi <= iova->pfn_hi) {
				iovad->stats.reserves++;
				return iova;
			}
			overlap = true;
		} else if (overlap) {
			break;
		}
	}

	iova = calloc(1, sizeof(*iova));
	if (!iova)
		return NULL;
	iova->pfn_lo = pfn_lo;
	iova->pfn_hi = pfn_hi;
	tree_insert(iovad, iova);
	iovad->nr_ranges++;
	iovad->stats.reserves++;
	return iova;
}

/* ---- rcache: magazines (Bonwick & Adams, as in Linux) ---- */

static struct iova_magazine *iova_magazine_alloc(void)
{
	return calloc(1, sizeof(struct iova_magazine));
}

/* Return every pfn of a magazine to the tree. */
static void iova_magazine_free_pfns(struct iova_magazine *mag, struct iova_domain *iovad)
{
	unsigned long i;

	for (i = 0; i < mag->size; i++) {
		struct iova *iova = private_find_iova(iovad, mag->pfns[i]);

		if (!iova) /* WARN_ON in Linux */
			continue;
		remove_iova(iovad, iova);
		free_iova_mem(iova);
	}
	mag->size = 0;
}

static bool iova_magazine_full(const struct iova_magazine *mag)
{
	return mag->size == IOVA_MAG_SIZE;
}

static bool iova_magazine_empty(const struct iova_magazine *mag)
{
	return mag->size == 0;
}

/* Take the newest pfn not above limit_pfn, filling its hole with the last one. */
static unsigned long iova_magazine_pop(struct iova_magazine *mag, unsigned long limit_pfn)
{
	unsigned long i, pfn;

	/* Only fall back to the tree if no pfn at all is suitable. */
	for (i = mag->size - 1; mag->pfns[i] > limit_pfn; i--)
		if (i == 0)
			return 0;
	pfn = mag->pfns[i];
	mag->pfns[i] = mag->pfns[--mag->size];
	return pfn;
}

static void iova_magazine_push(struct iova_magazine *mag, unsigned long pfn)
{
	mag->pfns[mag->size++] = pfn;
}

static void free_iova_rcaches(struct iova_domain *iovad)
{
	unsigned int i, cpu;
	unsigned long j;

	if (!iovad->rcaches)
		return;
	for (i = 0; i < IOVA_RANGE_CACHE_MAX_SIZE; i++) {
		struct iova_rcache *rcache = &iovad->rcaches[i];

		if (!rcache->cpu_rcaches)
			break;
		for (cpu = 0; cpu < iovad->nr_cpus; cpu++) {
			free(rcache->cpu_rcaches[cpu].loaded);
			free(rcache->cpu_rcaches[cpu].prev);
		}
		free(rcache->cpu_rcaches);
		for (j = 0; j < rcache->depot_size; j++)
			free(rcache->depot[j]);
	}
	free(iovad->rcaches);
	iovad->rcaches = NULL;
}

int iova_domain_init_rcaches_cpus(struct iova_domain *iovad, unsigned int nr_cpus)
{
	unsigned int i, cpu;

	if (!iovad || !iovad->root || !nr_cpus || nr_cpus > IOVA_MAX_NR_CPUS)
		return -EINVAL;
	if (iovad->rcaches)
		return -EEXIST;

	iovad->nr_cpus = nr_cpus;
	iovad->cur_cpu = 0;
	iovad->rcaches = calloc(IOVA_RANGE_CACHE_MAX_SIZE, sizeof(struct iova_rcache));
	if (!iovad->rcaches)
		return -ENOMEM;
	for (i = 0; i < IOVA_RANGE_CACHE_MAX_SIZE; i++) {
		struct iova_rcache *rcache = &iovad->rcaches[i];

		rcache->cpu_rcaches = calloc(nr_cpus, sizeof(struct iova_cpu_rcache));
		if (!rcache->cpu_rcaches)
			goto out_err;
		for (cpu = 0; cpu < nr_cpus; cpu++) {
			rcache->cpu_rcaches[cpu].loaded = iova_magazine_alloc();
			rcache->cpu_rcaches[cpu].prev = iova_magazine_alloc();
			if (!rcache->cpu_rcaches[cpu].loaded || !rcache->cpu_rcaches[cpu].prev)
				goto out_err;
		}
	}
	return 0;

out_err:
	free_iova_rcaches(iovad);
	return -ENOMEM;
}

int iova_domain_init_rcaches(struct iova_domain *iovad)
{
	return iova_domain_init_rcaches_cpus(iovad, IOVA_DEFAULT_NR_CPUS);
}

int iova_set_cpu(struct iova_domain *iovad, unsigned int cpu)
{
	if (!iovad || !iovad->rcaches || cpu >= iovad->nr_cpus)
		return -EINVAL;
	iovad->cur_cpu = cpu;
	return 0;
}

/* order_base_2(n): ceil(log2(n)), 0 for n <= 1. */
static unsigned int order_base_2(unsigned long n)
{
	return n > 1 ? fls_long(n - 1) : 0;
}

/*
 * Put a pfn in this CPU's loaded magazine; when loaded and prev are both
 * full, the loaded one goes to the depot (or, with the depot full, back to
 * the tree) and a fresh one is loaded.
 */
static bool __iova_rcache_insert(struct iova_domain *iovad, struct iova_rcache *rcache,
				 unsigned long iova_pfn)
{
	struct iova_cpu_rcache *cpu_rcache = &rcache->cpu_rcaches[iovad->cur_cpu];
	struct iova_magazine *mag_to_free = NULL;
	bool can_insert = false;

	if (!iova_magazine_full(cpu_rcache->loaded)) {
		can_insert = true;
	} else if (!iova_magazine_full(cpu_rcache->prev)) {
		struct iova_magazine *tmp = cpu_rcache->prev;

		cpu_rcache->prev = cpu_rcache->loaded;
		cpu_rcache->loaded = tmp;
		can_insert = true;
	} else {
		struct iova_magazine *new_mag = iova_magazine_alloc();

		if (new_mag) {
			if (rcache->depot_size < MAX_GLOBAL_MAGS)
				rcache->depot[rcache->depot_size++] = cpu_rcache->loaded;
			else
				mag_to_free = cpu_rcache->loaded;
			cpu_rcache->loaded = new_mag;
			can_insert = true;
		}
	}

	if (can_insert)
		iova_magazine_push(cpu_rcache->loaded, iova_pfn);

	if (mag_to_free) {
		iova_magazine_free_pfns(mag_to_free, iovad);
		free(mag_to_free);
	}
	return can_insert;
}

static bool iova_rcache_insert(struct iova_domain *iovad, unsigned long pfn, unsigned long size)
{
	unsigned int log_size = order_base_2(size);

	if (!iovad->rcaches || log_size >= IOVA_RANGE_CACHE_MAX_SIZE)
		return false;
	return __iova_rcache_insert(iovad, &iovad->rcaches[log_size], pfn);
}

/* Take from loaded, else swap in prev, else swap a depot magazine in. */
static unsigned long __iova_rcache_get(struct iova_domain *iovad, struct iova_rcache *rcache,
				       unsigned long limit_pfn)
{
	struct iova_cpu_rcache *cpu_rcache = &rcache->cpu_rcaches[iovad->cur_cpu];
	bool has_pfn = false;

	if (!iova_magazine_empty(cpu_rcache->loaded)) {
		has_pfn = true;
	} else if (!iova_magazine_empty(cpu_rcache->prev)) {
		struct iova_magazine *tmp = cpu_rcache->prev;

		cpu_rcache->prev = cpu_rcache->loaded;
		cpu_rcache->loaded = tmp;
		has_pfn = true;
	} else if (rcache->depot_size > 0) {
		free(cpu_rcache->loaded);
		cpu_rcache->loaded = rcache->depot[--rcache->depot_size];
		has_pfn = true;
	}

	return has_pfn ? iova_magazine_pop(cpu_rcache->loaded, limit_pfn) : 0;
}

/* limit_pfn is exclusive; a cached range must start at or below limit - size. */
static unsigned long iova_rcache_get(struct iova_domain *iovad, unsigned long size,
				     unsigned long limit_pfn)
{
	unsigned int log_size = order_base_2(size);

	if (!iovad->rcaches || log_size >= IOVA_RANGE_CACHE_MAX_SIZE)
		return 0;
	return __iova_rcache_get(iovad, &iovad->rcaches[log_size], limit_pfn - size);
}

void free_cpu_cached_iovas(unsigned int cpu, struct iova_domain *iovad)
{
	unsigned int i;

	if (!iovad || !iovad->rcaches || cpu >= iovad->nr_cpus)
		return;
	for (i = 0; i < IOVA_RANGE_CACHE_MAX_SIZE; i++) {
		struct iova_cpu_rcache *cpu_rcache = &iovad->rcaches[i].cpu_rcaches[cpu];

		iova_magazine_free_pfns(cpu_rcache->loaded, iovad);
		iova_magazine_free_pfns(cpu_rcache->prev, iovad);
	}
}

void free_global_cached_iovas(struct iova_domain *iovad)
{
	unsigned int i;
	unsigned long j;

	if (!iovad || !iovad->rcaches)
		return;
	for (i = 0; i < IOVA_RANGE_CACHE_MAX_SIZE; i++) {
		struct iova_rcache *rcache = &iovad->rcaches[i];

		for (j = 0; j < rcache->depot_size; j++) {
			iova_magazine_free_pfns(rcache->depot[j], iovad);
			free(rcache->depot[j]);
		}
		rcache->depot_size = 0;
	}
}

unsigned long alloc_iova_fast(struct iova_domain *iovad, unsigned long size,
			      unsigned long limit_pfn, bool flush_rcache)
{
	unsigned long iova_pfn;
	struct iova *new_iova;

	if (!iovad || !iovad->root || !size)
		return 0;

	/*
	 * Cacheable sizes are rounded up to a power of two so that a range
	 * freed into a cache always fits whoever takes it out again.
	 */
	if (size < (1UL << (IOVA_RANGE_CACHE_MAX_SIZE - 1)))
		size = 1UL << order_base_2(size);

	iova_pfn = iova_rcache_get(iovad, size, limit_pfn + 1);
	if (iova_pfn) {
		iovad->stats.rcache_hits++;
		return iova_pfn;
	}
	iovad->stats.rcache_misses++;

	for (;;) {
		unsigned int cpu;

		new_iova = alloc_iova(iovad, size, limit_pfn, true);
		if (new_iova)
			return new_iova->pfn_lo;
		if (!flush_rcache || !iovad->rcaches)
			return 0;
		/* Replenish the tree from every cache, then try once more. */
		flush_rcache = false;
		iovad->stats.rcache_flushes++;
		for (cpu = 0; cpu < iovad->nr_cpus; cpu++)
			free_cpu_cached_iovas(cpu, iovad);
		free_global_cached_iovas(iovad);
	}
}

int free_iova_fast(struct iova_domain *iovad, unsigned long pfn, unsigned long size)
{
	struct iova *iova;

	if (!iovad || !iovad->root || !size)
		return -EINVAL;
	/* Linux trusts the caller; caching a pfn that is not a range would hand it out twice. */
	iova = private_find_iova(iovad, pfn);
	if (!iova || iova == &iovad->anchor || iova->pfn_lo != pfn)
		return -EINVAL;

	if (iova_rcache_insert(iovad, pfn, size)) {
		iovad->stats.rcache_inserts++;
		return 0;
	}
	remove_iova(iovad, iova);
	free_iova_mem(iova);
	return 0;
}

int iova_rcache_get_info(const struct iova_domain *iovad, unsigned int order,
			 unsigned int cpu, struct iova_rcache_info *info)
{
	const struct iova_rcache *rcache;

	if (!iovad || !iovad->rcaches || !info || order >= IOVA_RANGE_CACHE_MAX_SIZE ||
	    cpu >= iovad->nr_cpus)
		return -EINVAL;
	rcache = &iovad->rcaches[order];
	info->loaded = rcache->cpu_rcaches[cpu].loaded->size;
	info->prev = rcache->cpu_rcaches[cpu].prev->size;
	info->depot = rcache->depot_size;
	return 0;
}
