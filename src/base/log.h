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

#endif
