/*
 * The kernel log (dmesg) with virtual timestamps, and the virtual clock that
 * stamps it. Lines are stored without the "[    t.tttttt] " prefix, which is
 * rendered when dmesg is printed.
 */
#ifndef IOMMUSIM_BASE_LOG_H
#define IOMMUSIM_BASE_LOG_H

#include <stdarg.h>
#include <stdio.h>
#include "base/bits.h"

struct log_line {
	u64 ts_ns;
	char *text;
};

struct klog {
	u64 clock_ns;		/* the virtual clock */
	struct log_line *lines;
	size_t n, cap;
};

void klog_init(struct klog *log);
void klog_free(struct klog *log);
void klog_printf(struct klog *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void klog_vprintf(struct klog *log, const char *fmt, va_list ap);
/* dmesg: every line with its "[%5lu.%06lu] " stamp. */
void klog_dump(const struct klog *log, FILE *out);
/* Lines since index from (for tests and for printing new lines only). */
size_t klog_count(const struct klog *log);
const char *klog_line(const struct klog *log, size_t i);
/* Advance the virtual clock (probes take time; `sleep N` advances it). */
static inline void klog_advance(struct klog *log, u64 ns) { log->clock_ns += ns; }

/*
 * printk_ratelimited()'s state (lib/ratelimit.c): DEFAULT_RATELIMIT_BURST (10)
 * messages per DEFAULT_RATELIMIT_INTERVAL (5 s) on the virtual clock, in
 * jiffies of Debian's HZ=250. Linux keeps one static state per call site;
 * the model keeps one per call site per system, where that system's layer
 * keeps its state.
 */
struct ratelimit_state {
	bool started;
	u64 begin;		/* jiffies */
	int printed, missed;
};
/*
 * ___ratelimit(): true when the message may be printed. Once the interval is
 * over, the next call first logs "FUNC: N callbacks suppressed" for the
 * messages dropped during it.
 */
bool klog_ratelimit(struct klog *log, struct ratelimit_state *rs, const char *func);

#endif
