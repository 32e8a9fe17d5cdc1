/* Which kernel, QEMU and configuration answered (answered_by.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "kversion/answered_by.h"
#include "kversion/linux_version.h"
#include "kconfig/kconfig.h"
#include "machine/machine.h"
#include "machine/qemu_version.h"
#include "base/device.h"
#include "sysfs/sysfs.h"

/* An option's value as .config writes it: "y", "m", "n" or the number. */
static void value_str(const struct kconfig_value *v, enum kconfig_symbol s, char *buf, size_t len)
{
	if (kconfig_symbol_kind(s) == KCONFIG_INT && v->state == 'y')
		snprintf(buf, len, "%ld", v->number);
	else
		snprintf(buf, len, "%c", v->state ? v->state : 'n');
}

static bool changed(const struct kconfig_value *a, const struct kconfig_value *b)
{
	return a->state != b->state || a->number != b->number;
}

json_object *answered_by_json(const struct kernel *k)
{
	const struct linux_version *lv = kernel_version(k);
	const struct kernel_config *c = kernel_config(k);
	const struct machine *m = k->machine;
	const struct qemu_version *qv = m && m->qemu ? m->qemu : qemu_version_default();
	json_object *o = json_object_new_object();
	json_object_object_add(o, "linux", json_object_new_string(lv->name));
	json_object_object_add(o, "linux_release", json_object_new_string(c->release));
	json_object_object_add(o, "qemu", json_object_new_string(qv->name));
	char type[32];
	snprintf(type, sizeof(type), "virt-%d.%d", m ? m->virt_version / 100 : 0, m ? m->virt_version % 100 : 0);
	json_object_object_add(o, "machine", m && m->virt_version ? json_object_new_string(type) : NULL);
	json_object *kc = json_object_new_object();
	for (int s = 0; s < KCONFIG_NR_SYMBOLS; s++) {
		if (!changed(&c->values[s], &lv->config->values[s]))
			continue;
		char v[32];
		value_str(&c->values[s], s, v, sizeof(v));
		json_object_object_add(kc, kconfig_symbol_name(s), json_object_new_string(v));
	}
	json_object_object_add(o, "kconfig", kc);
	return o;
}

void answered_by_print(const struct kernel *k, FILE *out)
{
	json_object *o = answered_by_json(k);
	json_object_object_foreach(o, key, val) {
		if (json_object_is_type(val, json_type_object)) {
			fprintf(out, "%s:", key);
			json_object_object_foreach(val, name, v)
				fprintf(out, " CONFIG_%s=%s", name, json_object_get_string(v));
			fprintf(out, "%s\n", json_object_object_length(val) ? "" : " as built");
		} else {
			fprintf(out, "%s: %s\n", key, val ? json_object_get_string(val) : "(a device tree of the user's)");
		}
	}
	json_object_put(o);
}

static int version_debug_read(struct kernel *k, const char *rest, struct sysfs_buf *out)
{
	if (rest && *rest)
		return -ENOENT;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	answered_by_print(k, f);
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	out->text = buf;
	return 0;
}

void answered_by_register_debugfs(void)
{
	sysfs_register_debug("version", version_debug_read);
}
