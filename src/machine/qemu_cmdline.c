/*
 * QEMU 7.2's command line (softmmu/vl.c qemu_init): the driver and the
 * parsed command line's lifetime. A first pass looks every option up
 * ("-foo: invalid option", "-m: requires an argument"), a second one hands
 * them in order to their handlers (qemu_opt_handlers.c), then the machine
 * dict's nested and legacy keys are applied. Three syntaxes, as QEMU has
 * them (split in qemu_optstr.c):
 *  - QemuOpts (util/qemu-option.c): "a=1,b=x,,y,flag" -> {a:1, b:"x,y",
 *    flag:on}, "noflag" -> flag=off; the first element of some lists is an
 *    implied key (-device: driver, -netdev: type);
 *  - keyval (util/keyval.c) for -machine and -blockdev: dotted keys
 *    ("memory.size=1G"), no bare flags;
 *  - JSON ('{...}') for -device, -blockdev, -object, -netdev.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/qemu_cmdline.h"
#include "machine/qemu_version.h"
#include "machine/qemu_cmdline_internal.h"
#include "machine/qemu_options.h"

static int record(struct parse *p, const char *opt, const char *arg, enum qemu_effect e)
{
	struct qemu_arg *a = p->c.args;

	if (needs_growth(p->c.nargs)) {
		a = realloc(p->c.args, (p->c.nargs ? p->c.nargs * 2 : 1) * sizeof(*a));
		if (!a)
			return -ENOMEM;
		p->c.args = a;
	}
	a[p->c.nargs].opt = opt ? strdup(opt) : NULL;
	a[p->c.nargs].arg = arg ? strdup(arg) : NULL;
	a[p->c.nargs].effect = e;
	if ((opt && !a[p->c.nargs].opt) || (arg && !a[p->c.nargs].arg)) {
		free(a[p->c.nargs].opt);
		free(a[p->c.nargs].arg);
		return -ENOMEM;
	}
	p->c.nargs++;
	return 0;
}

int cmdline_fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err && p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* An error QEMU finds in a later phase: kept (the first of its phase) for the builder. */
int cmdline_defer(struct parse *p, enum qemu_phase ph)
{
	if (ph == QPH_PARSE)
		return -EINVAL;
	if (!p->c.deferred[ph]) {
		p->c.deferred[ph] = strdup(p->err && p->errlen ? p->err : "");
		if (!p->c.deferred[ph])
			return -ENOMEM;
	}
	if (p->err && p->errlen)
		p->err[0] = '\0';
	return 0;
}

static bool have_chardev(const struct parse *p, const char *id)
{
	for (size_t i = 0; i < p->nchardevs; i++)
		if (!strcmp(p->chardevs[i], id))
			return true;
	return false;
}

static bool effect_of(const struct qemu_option_def *d, enum qemu_effect *e)
{
	switch (d->kind) {
	case QOK_MODELLED: *e = QEFF_MODELLED; return true;
	case QOK_NO_EFFECT: *e = QEFF_NONE; return true;
	case QOK_INFO: *e = QEFF_INFO; return true;
	default: return false;
	}
}

/*
 * After the options: the machine dict's legacy and nested keys, as
 * qemu_apply_legacy_machine_options() and the machine's properties take
 * them (errors here have no location, as in QEMU).
 */
static int finish(struct parse *p)
{
	struct qemu_optlist *m = &p->c.machine;
	const char *v;
	int ret = 0;

	/* monitors are made in qemu_create_late_backends(), after every chardev */
	for (size_t i = 0; i < p->c.nargs; i++) {
		const struct qemu_arg *a = &p->c.args[i];
		struct qemu_optlist mon = { 0 };
		const char *cd;

		if (!a->opt || strcmp(a->opt, "mon") || !a->arg)
			continue;
		ret = qemu_opts_split("-mon", a->arg, NULL, &mon, p->err, p->errlen);
		cd = qemu_opt_get(&mon, "chardev");
		if (!ret && cd && !have_chardev(p, cd)) {
			cmdline_fail(p, "-mon %s: chardev \"%s\" not found", a->arg, cd);
			ret = cmdline_defer(p, QPH_MONITORS);
		}
		qemu_optlist_free(&mon);
		if (ret)
			return ret;
	}
	/* keyval_dashify: "dump_guest_core" is "dump-guest-core" */
	for (size_t i = 0; i < m->nopts; i++)
		for (char *c = m->opts[i].key; *c; c++)
			if (*c == '_')
				*c = '-';
	if ((v = qemu_opt_get(m, "memory"))) {
		return cmdline_fail(p, "Parameter 'memory' used inconsistently");
	}
	if ((v = qemu_opt_get(m, "smp")))
		return cmdline_fail(p, "Invalid parameter type for 'smp', expected: object");
	if ((v = qemu_opt_get(m, "boot")))
		return cmdline_fail(p, "Invalid parameter type for 'boot', expected: object");
	/* -M smp.X and memory.X: -smp and -m win over them */
	for (size_t i = 0; !ret && i < m->nopts; i++) {
		const char *k = m->opts[i].key;

		if (!strncmp(k, "smp.", 4) && !p->c.has_smp) {
			ret = optlist_set(&p->c.smp, k + 4, m->opts[i].val, QOPT_STR);
		} else if (!strncmp(k, "memory.", 7)) {
			static const struct { const char *mk, *ok; } map[] = {
				{ "size", "size" }, { "slots", "slots" }, { "max-size", "maxmem" },
			};
			size_t j;

			for (j = 0; j < 3 && strcmp(k + 7, map[j].mk); j++)
				;
			if (j == 3)
				return cmdline_fail(p, "Parameter '%s' is unexpected", k);
			if (!qemu_opt_get(&p->c.memory, map[j].ok))
				ret = optlist_set(&p->c.memory, map[j].ok, m->opts[i].val, QOPT_STR);
		} else if (!strncmp(k, "boot.", 5)) {
			char *b = NULL;

			if (asprintf(&b, "%s=%s", k + 5, m->opts[i].val) < 0)
				return -ENOMEM;
			enum qemu_phase ph;

			ret = qemu_option_check(qemu_option_lookup("boot"), "-boot", b, &ph, p->err, p->errlen);
			free(b);
			if (ret == -EINVAL)
				ret = cmdline_defer(p, ph);
		}
	}
	if (ret)
		return ret;
	if (!p->c.has_smp) {
		for (size_t i = 0; i < m->nopts; i++)
			if (!strncmp(m->opts[i].key, "smp.", 4))
				p->c.has_smp = true;
	}
	for (size_t i = 0; i < m->nopts;) {
		const char *k = m->opts[i].key;

		if (!strncmp(k, "smp.", 4) || !strncmp(k, "memory.", 7) || !strncmp(k, "boot.", 5))
			optlist_del(m, k);
		else
			i++;
	}
	if ((v = qemu_opt_get(&p->c.memory, "size"))) {
		p->c.mem = strdup(v);
		if (!p->c.mem)
			return -ENOMEM;
	}
	/* the kernel's inputs, out of the machine dict */
	{
		static const char *const keys[] = { "append", "dtb", "kernel", "initrd" };
		char **dst[] = { &p->c.append, &p->c.dtb, &p->c.kernel, &p->c.initrd };

		for (size_t i = 0; i < 4; i++) {
			if ((v = qemu_opt_get(m, keys[i]))) {
				*dst[i] = strdup(v);
				if (!*dst[i])
					return -ENOMEM;
				optlist_del(m, keys[i]);
			}
		}
	}
	if (p->machine_accel && p->c.naccels) {
		cmdline_fail(p, "The -accel and \"-machine accel=\" options are incompatible");
		optlist_del(m, "accel");
		return cmdline_defer(p, QPH_ACCEL);
	}
	/* the accelerators in the order QEMU tries them: KVM is never available here */
	if ((v = qemu_opt_get(m, "accel")) || p->c.naccels) {
		bool tcg = false, kvm = false;
		char bad[64] = "";

		if (v) {
			char *list = strdup(v), *save = NULL;

			if (!list)
				return -ENOMEM;
			for (char *a = strtok_r(list, ":", &save); a && !tcg; a = strtok_r(NULL, ":", &save)) {
				if (!strcmp(a, "tcg"))
					tcg = true;
				else if (!strcmp(a, "kvm"))
					kvm = true;
				else if (!bad[0])
					snprintf(bad, sizeof(bad), "%s", a);
			}
			free(list);
		}
		for (size_t i = 0; i < p->c.naccels && !tcg; i++) {
			tcg = !strcmp(p->c.accels[i].driver, "tcg");
			kvm |= !strcmp(p->c.accels[i].driver, "kvm");
		}
		optlist_del(m, "accel");
		if (!tcg && kvm) {
			cmdline_fail(p, "%s: KVM is not modelled: iommusim models QEMU's TCG accelerator only",
			     v ? "-machine accel=kvm" : "-accel kvm");
			return cmdline_defer(p, QPH_ACCEL);
		}
		if (!tcg && bad[0]) {
			cmdline_fail(p, "invalid accelerator %s", bad);
			return cmdline_defer(p, QPH_ACCEL);
		}
	}
	/* accelerator properties given to -machine (kernel_irqchip, ...) go to KVM's */
	optlist_del(m, "kernel-irqchip");
	optlist_del(m, "kvm-shadow-mem");
	optlist_del(m, "igd-passthru");
	return 0;
}

int qemu_cmdline_parse(int argc, char **argv, struct qemu_cmdline *out,
		       char *err, size_t errlen)
{
	return qemu_cmdline_parse_version(qemu_version_default(), argc, argv, out, err, errlen);
}

int qemu_cmdline_parse_version(const struct qemu_version *qemu, int argc, char **argv,
			       struct qemu_cmdline *out, char *err, size_t errlen)
{
	struct parse p = { .err = err, .errlen = errlen };
	int ret = 0;

	memset(out, 0, sizeof(*out));
	p.c.qemu = qemu;
	/* first pass: every option must exist and have its argument */
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const struct qemu_option_def *d;

		if (!a || a[0] != '-')
			continue;	/* a disk image */
		d = qemu_option_lookup(a + (a[1] == '-' ? 2 : 1));
		if (!d) {
			qemu_set_err(err, errlen, "%s: invalid option", a);
			return -EINVAL;
		}
		if (d->has_arg) {
			if (i + 1 >= argc || !argv[i + 1]) {
				qemu_set_err(err, errlen, "%s: requires an argument", a);
				return -EINVAL;
			}
			i++;
		}
	}
	/* second pass: in order */
	for (int i = 0; i < argc && !ret && !p.c.info; i++) {
		const char *a = argv[i];
		const struct qemu_option_def *d;
		const char *arg = NULL;
		enum qemu_effect e = QEFF_NONE;

		if (!a || a[0] != '-') {
			/* a disk image: drive_add(IF_DEFAULT, 0, file, "media=disk") */
			ret = add_legacy_drive(&p, a ? a : "", 0, false, a ? a : "", NULL);
			if (!ret)
				ret = record(&p, NULL, a ? a : "", QEFF_MODELLED);
			continue;
		}
		d = qemu_option_lookup(a + (a[1] == '-' ? 2 : 1));
		if (d->has_arg)
			arg = argv[++i];
		ret = cmdline_handle(&p, d, a, arg, i - (arg ? 1 : 0));
		/* an -object is modelled when it can be the RAM (a memory backend) */
		if (!ret && !strcmp(d->name, "object") && p.c.nobjects &&
		    strncmp(p.c.objects[p.c.nobjects - 1].driver, "memory-backend-", 15))
			e = QEFF_NONE;
		else if (!ret && !effect_of(d, &e))
			continue;
		if (!ret && e != QEFF_INFO && !p.c.info)
			ret = record(&p, d->name, arg, e);
	}
	if (!ret && !p.c.info && p.device_help_err)
		ret = cmdline_fail(&p, "%s", p.device_help_err);
	if (!ret && !p.c.info && p.device_help) {
		p.c.info = p.device_help;
		p.device_help = NULL;
	}
	free(p.device_help);
	free(p.device_help_err);
	if (!ret && !p.c.info)
		ret = finish(&p);
	/* without -M (a DT of the user's own) there are no later phases: the first error now */
	for (int ph = 0; !ret && !p.c.info && !qemu_opt_get(&p.c.machine, "type") && ph < QPH_COUNT; ph++) {
		if (p.c.deferred[ph]) {
			qemu_set_err(err, errlen, "%s", p.c.deferred[ph]);
			ret = -EINVAL;
		}
	}
	for (size_t i = 0; i < p.nchardevs; i++)
		free(p.chardevs[i]);
	free(p.chardevs);
	if (ret == -ENOMEM)
		qemu_set_err(err, errlen, "out of memory");
	if (ret) {
		qemu_cmdline_free(&p.c);
		return ret;
	}
	*out = p.c;
	return 0;
}

static void free_lists(struct qemu_optlist *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		qemu_optlist_free(&a[i]);
	free(a);
}

void qemu_cmdline_free(struct qemu_cmdline *cmd)
{
	if (!cmd)
		return;
	qemu_optlist_free(&cmd->machine);
	qemu_optlist_free(&cmd->memory);
	free(cmd->mem);
	free(cmd->append);
	free(cmd->dtb);
	free(cmd->kernel);
	free(cmd->initrd);
	free(cmd->info);
	for (int i = 0; i < QPH_COUNT; i++)
		free(cmd->deferred[i]);
	free_lists(cmd->devices, cmd->ndevices);
	free_lists(cmd->drives, cmd->ndrives);
	free_lists(cmd->netdevs, cmd->nnetdevs);
	free_lists(cmd->globals, cmd->nglobals);
	free_lists(cmd->nics, cmd->nnics);
	free_lists(cmd->blockdevs, cmd->nblockdevs);
	free_lists(cmd->objects, cmd->nobjects);
	free_lists(cmd->accels, cmd->naccels);
	for (size_t i = 0; i < cmd->nargs; i++) {
		free(cmd->args[i].opt);
		free(cmd->args[i].arg);
	}
	free(cmd->args);
	qemu_optlist_free(&cmd->smp);
	qemu_optlist_free(&cmd->cpu);
	memset(cmd, 0, sizeof(*cmd));
}

void qemu_cmdline_print(const struct qemu_cmdline *cmd, FILE *out)
{
	for (size_t i = 0; i < cmd->nargs; i++) {
		const struct qemu_arg *a = &cmd->args[i];
		const char *what = a->effect == QEFF_MODELLED ? "modelled" : "no effect on the answers";

		if (!a->opt)
			fprintf(out, "%-40s %s (a disk image: -drive index=0,media=disk)\n", a->arg, what);
		else if (a->arg)
			fprintf(out, "-%s %-*s %s\n", a->opt, (int)(a->arg[0] && strlen(a->opt) < 38 ? 38 - strlen(a->opt) : 0),
				a->arg, what);
		else
			fprintf(out, "-%-39s %s\n", a->opt, what);
	}
}
