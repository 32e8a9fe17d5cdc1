/*
 * Every property of every device type, fed good, bad and random values in
 * both command-line forms: the parser never crashes, answers 0 or -EINVAL
 * with a message, and a refused value leaves the property as it was.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/qdev_types.h"

static const char *const values[] = {
	"", "0", "1", "-1", "2", "255", "256", "65535", "65536", "4294967295", "4294967296",
	"18446744073709551615", "18446744073709551616", "-9223372036854775809", "0x10", "0x",
	"1f.7", "20.0", "3.8", "1.", ".1", "on", "off", "auto", "true", "false", "yes", "no",
	"maybe", "1k", "1.5M", "4G", "16E", "2E", "512", "4096", "1000", "4M",
	"52:54:00:12:34:56", "52:54:00:12:34", "zz", "report", "stop", "2_5", "16", "32",
	"x,y", "a=b", "\xff\xfe", "%s%n", " 1", "1 ",
};

static const enum qemu_opt_type json_types[] = { QOPT_STR, QOPT_BOOL, QOPT_INT, QOPT_NUM, QOPT_NULL, QOPT_OTHER };

static void try_value(struct qdev *d, struct qdev_slot *s, struct qdev_input in)
{
	union qdev_scalar before = s->v;
	bool was_set = s->set;
	char msg[512] = "";
	int ret = qdev_prop_parse(d, s->prop->name, in, msg, sizeof(msg));

	cr_assert(ret == 0 || ret == -EINVAL, "%s.%s=%s: %d", d->type->name, s->prop->name, in.s, ret);
	if (ret) {
		cr_assert(msg[0], "%s.%s=%s: no message", d->type->name, s->prop->name, in.s);
		cr_assert(!memcmp(&before, &s->v, sizeof(before)) && was_set == s->set,
			  "%s.%s=%s: refused but changed", d->type->name, s->prop->name, in.s);
	} else {
		cr_assert(s->set);
	}
}

Test(qdev_fuzz, every_property_every_value)
{
	for (size_t i = 0; i < hw_device_ntypes; i++) {
		const struct hw_device_type *t = hw_device_types[i];
		struct qdev d;

		if (t->abstract)
			continue;
		cr_assert_eq(qdev_init(&d, t), 0);
		d.id = "dev0";
		for (size_t p = 0; p < d.nslots; p++) {
			for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
				try_value(&d, &d.slots[p], (struct qdev_input){ values[v], QOPT_STR, false });
				for (size_t j = 0; j < sizeof(json_types) / sizeof(json_types[0]); j++)
					try_value(&d, &d.slots[p],
						  (struct qdev_input){ values[v], json_types[j], true });
			}
		}
		qdev_fini(&d);
	}
}

Test(qdev_fuzz, random_bytes)
{
	unsigned seed = 12345;
	char buf[24];

	for (size_t i = 0; i < hw_device_ntypes; i++) {
		const struct hw_device_type *t = hw_device_types[i];
		struct qdev d;

		if (t->abstract)
			continue;
		cr_assert_eq(qdev_init(&d, t), 0);
		for (int n = 0; n < 2000; n++) {
			struct qdev_slot *s = &d.slots[rand_r(&seed) % d.nslots];
			size_t len = (size_t)(rand_r(&seed) % (sizeof(buf) - 1));

			for (size_t k = 0; k < len; k++)
				buf[k] = (char)(1 + rand_r(&seed) % 255);
			buf[len] = '\0';
			try_value(&d, s, (struct qdev_input){ buf, QOPT_STR, false });
			try_value(&d, s, (struct qdev_input){ buf, json_types[rand_r(&seed) % 6], true });
		}
		/* unknown names: "not found", nothing set */
		char msg[256];
		cr_assert_eq(qdev_prop_parse(&d, "no-such-property", (struct qdev_input){ "1", QOPT_STR, false },
					     msg, sizeof(msg)), -EINVAL);
		qdev_fini(&d);
	}
}
