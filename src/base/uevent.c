/*
 * kobject_synth_uevent() (lib/kobject_uevent.c, 6.1): what writing a uevent
 * file does. The action word, then optionally a UUID and KEY=VALUE pairs;
 * nothing listens to uevents in the model, so a well-formed write just
 * succeeds. A bad one fails with -EINVAL and the kernel's warning.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include "base/device.h"

#define UUID_STRING_LEN 36

static const char *const kobject_actions[] = {
	"add", "remove", "change", "move", "online", "offline", "bind", "unbind",
};

/* kobject_action_type(): the action word; *args: what follows its space, or NULL */
static int kobject_action_type(const char *buf, size_t count, const char **args)
{
	if (count && (buf[count - 1] == '\n' || buf[count - 1] == '\0'))
		count--;
	if (!count)
		return -EINVAL;
	const char *sp = memchr(buf, ' ', count);
	size_t first = sp ? (size_t)(sp - buf) : count;
	for (size_t i = 0; i < ARRAY_SIZE(kobject_actions); i++) {
		if (strncmp(kobject_actions[i], buf, first) || kobject_actions[i][first])
			continue;
		*args = sp ? sp + 1 : NULL;
		return 0;
	}
	return -EINVAL;
}

/* uuid_is_valid(): 8-4-4-4-12 hex digits */
static bool uuid_is_valid(const char *s)
{
	for (int i = 0; i < UUID_STRING_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

/* action_arg_word_end(): alphanumerics up to delim; NULL when none or another character */
static const char *word_end(const char *buf, const char *buf_end, char delim)
{
	const char *next = buf;
	while (next <= buf_end && *next != delim)
		if (!isalnum((unsigned char)*next++))
			return NULL;
	return next == buf ? NULL : next;
}

/* kobject_action_args(): "UUID[ KEY=VALUE]..." */
static int kobject_action_args(const char *buf, size_t count)
{
	if (count && (buf[count - 1] == '\n' || buf[count - 1] == '\0'))
		count--;
	if (count < UUID_STRING_LEN || !uuid_is_valid(buf))
		return -EINVAL;
	const char *next = buf + UUID_STRING_LEN, *buf_end = buf + count - 1;
	while (next <= buf_end) {
		if (*next != ' ')
			return -EINVAL;
		const char *key = ++next;
		if (key > buf_end)
			return -EINVAL;
		next = word_end(key, buf_end, '=');
		if (!next || next > buf_end || *next != '=')
			return -EINVAL;
		if (++next > buf_end)
			return -EINVAL;
		next = word_end(next, buf_end, ' ');
		if (!next)
			return -EINVAL;
	}
	return 0;
}

int kobject_synth_uevent(struct kernel *k, const char *kobj_path, const char *buf, size_t count)
{
	const char *args = NULL, *msg = NULL;
	int r = kobject_action_type(buf, count, &args);
	if (r)
		msg = "unknown uevent action string";
	else if (args && (r = kobject_action_args(args, count - (size_t)(args - buf))))
		msg = "incorrect uevent action arguments";
	if (r)
		kprintf(k, "synth uevent: %s: %s", kobj_path, msg);
	return r;
}
