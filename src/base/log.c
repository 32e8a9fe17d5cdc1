#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "base/log.h"

/* Each printk costs a little virtual time so that stamps are strictly ordered. */
#define KLOG_LINE_NS 1000

void klog_init(struct klog *log)
{
	memset(log, 0, sizeof(*log));
}

void klog_free(struct klog *log)
{
	for (size_t i = 0; i < log->n; i++)
		free(log->lines[i].text);
	free(log->lines);
	memset(log, 0, sizeof(*log));
}

void klog_vprintf(struct klog *log, const char *fmt, va_list ap)
{
	char *text = NULL;
	if (vasprintf(&text, fmt, ap) < 0)
		return;
	size_t len = strlen(text);
	while (len && text[len - 1] == '\n')
		text[--len] = '\0';
	if (log->n == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 64;
		struct log_line *l = realloc(log->lines, cap * sizeof(*l));
		if (!l) {
			free(text);
			return;
		}
		log->lines = l;
		log->cap = cap;
	}
	log->lines[log->n].ts_ns = log->clock_ns;
	log->lines[log->n].text = text;
	log->n++;
	log->clock_ns += KLOG_LINE_NS;
}

void klog_printf(struct klog *log, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	klog_vprintf(log, fmt, ap);
	va_end(ap);
}

void klog_dump(const struct klog *log, FILE *out)
{
	for (size_t i = 0; i < log->n; i++) {
		u64 ts = log->lines[i].ts_ns;
		fprintf(out, "[%5llu.%06llu] %s\n", (unsigned long long)(ts / 1000000000ULL),
			(unsigned long long)(ts % 1000000000ULL / 1000), log->lines[i].text);
	}
}

size_t klog_count(const struct klog *log)
{
	return log->n;
}

const char *klog_line(const struct klog *log, size_t i)
{
	return i < log->n ? log->lines[i].text : NULL;
}

#define HZ 250
#define NSEC_PER_JIFFY (1000000000ULL / HZ)
#define DEFAULT_RATELIMIT_INTERVAL (5 * HZ)
#define DEFAULT_RATELIMIT_BURST 10

bool klog_ratelimit(struct klog *log, struct ratelimit_state *rs, const char *func)
{
	u64 jiffies = log->clock_ns / NSEC_PER_JIFFY;
	if (!rs->started) {
		rs->started = true;
		rs->begin = jiffies;
	}
	/* time_is_before_jiffies(begin + interval) */
	if (jiffies > rs->begin + DEFAULT_RATELIMIT_INTERVAL) {
		if (rs->missed) {
			klog_printf(log, "%s: %d callbacks suppressed", func, rs->missed);
			rs->missed = 0;
		}
		rs->begin = jiffies;
		rs->printed = 0;
	}
	if (rs->printed < DEFAULT_RATELIMIT_BURST) {
		rs->printed++;
		return true;
	}
	rs->missed++;
	return false;
}
