/*
 * iommusim verify [--linux-output FILE] [--stack classic|modern] [--kernel debian|iommufd|iommufd-canwbs]
 *                 [--linux V] [--qemu V] [--script FILE] [--dts FILE | --dtb FILE] [--timeout SEC]
 *                 [--kconfig NAME=VALUE[,...]]... QEMU-ARGS...
 *
 * Both sides boot the arguments with the reference guest's -cpu, -smp and -m
 * where the arguments give none. Both give three answers: the boot summary, the script's output, and
 * the kernel log (timestamps cut, only the lines log_filter.c compares).
 * The model answers as the stack's kernel and QEMU (classic: Linux 6.1 on
 * QEMU 7.2, modern: 7.3 on 10.0) unless --linux or --qemu says otherwise
 * (a file another pairing wrote).
 * Real Linux's come from oracle/run, which boots the arguments on QEMU, or
 * from a file it wrote earlier (tests/linux/NAME.linux). Each answer that
 * differs is printed as a unified diff (diff -u, linux first).
 *
 * --kernel iommufd is the oracle's own 7.3 build (oracle/iommufd.config:
 * allnoconfig plus IOMMUFD, VFIO_DEVICE_CDEV, ARM_SMMU_V3_IOMMUFD, no THP,
 * no CMA) on QEMU 10.0: the model answers as 7.3 on 10.0 with those
 * settings, and only the summary and the script are compared (the kernel
 * log of an allnoconfig kernel is not Debian's), which one line says.
 * --kernel iommufd-canwbs is that kernel with every PCI root complex CANWBS;
 * the model's counterpart is its firmware flag for it (boot's --x-pci-rc-canwbs).
 */
#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "iommusim/iommusim.h"
#include "capture.h"
#include "log_filter.h"
#include "verify.h"

#ifndef IOMMUSIM_ORACLE_DIR
#define IOMMUSIM_ORACLE_DIR "oracle"
#endif

enum { SUMMARY, SCRIPT, DMESG, NSECTIONS };
static const char *const section_name[NSECTIONS] = { "summary", "script", "dmesg" };

struct answers {
	char *text[NSECTIONS];
};

struct verify_opts {
	const char *linux_output, *stack, *kernel, *script, *dts, *dtb, *timeout;
	const char *linux_version, *qemu_version;	/* the model's, when not the stack's */
	int qargc;
	char **qargv;
	const char **kconfig;		/* --kconfig settings for the model, NULL-terminated */
	size_t nkconfig;
	/* --x-smmu-s2fwb, --x-pci-rc-canwbs: the model's hardware beyond QEMU's (iommusim_options) */
	bool smmu_s2fwb, pci_rc_canwbs;
	bool iommufd_kernel;		/* --kernel iommufd or iommufd-canwbs */
};

/* The oracle's iommufd kernels (oracle/iommufd.config) as the model's settings of 7.3. */
static const char iommufd_kernel_kconfig[] =
	"IOMMUFD=y,VFIO_DEVICE_CDEV=y,ARM_SMMU_V3_IOMMUFD=y,TRANSPARENT_HUGEPAGE=n,DMA_CMA=n";

static void answers_free(struct answers *a)
{
	for (int i = 0; i < NSECTIONS; i++)
		free(a->text[i]);
}

static char *read_stream(FILE *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return NULL;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(m);
	return buf;
}

/*
 * Split oracle/run's output into its sections ("@@iommusim NAME" lines).
 * 0, or -EINVAL when a section is missing.
 */
static int parse_linux_output(char *text, struct answers *a)
{
	char *buf[NSECTIONS] = { 0 };
	size_t len[NSECTIONS] = { 0 };
	FILE *m[NSECTIONS];
	for (int i = 0; i < NSECTIONS; i++)
		m[i] = open_memstream(&buf[i], &len[i]);
	int cur = -1;
	bool seen[NSECTIONS] = { false };
	/* line by line, empty ones too (ls prints one between directories) */
	for (char *next = text, *line; (line = strsep(&next, "\n")) && (*line || next);) {
		if (!strncmp(line, "@@iommusim ", 11)) {
			for (int i = 0; i < NSECTIONS; i++)
				if (!strcmp(line + 11, section_name[i])) {
					cur = i;
					seen[i] = true;
				}
			continue;
		}
		if (cur >= 0)
			fprintf(m[cur], "%s\n", line);
	}
	int rc = 0;
	for (int i = 0; i < NSECTIONS; i++) {
		fclose(m[i]);
		a->text[i] = buf[i];
		if (!seen[i])
			rc = -EINVAL;
	}
	return rc;
}

static void print_summary(struct iommusim *sim, FILE *out)
{
	iommusim_print_summary(sim, out, false);
}

/* The model's answers; 0, or 2 with a message on stderr. */
static int model_answers(const struct verify_opts *o, struct answers *a)
{
	bool modern = o->stack && !strcmp(o->stack, "modern");
	struct iommusim_options opts = { .dtb_path = o->dtb, .dts_path = o->dts,
					 .kconfig = o->nkconfig ? (const char *const *)o->kconfig : NULL,
					 .linux_version = o->linux_version ? o->linux_version : modern ? "7.3" : NULL,
					 .qemu_version = o->qemu_version ? o->qemu_version : modern ? "10.0" : NULL,
					 .smmu_s2fwb = o->smmu_s2fwb, .pci_rc_canwbs = o->pci_rc_canwbs };
	/* the relaxed oracle kernel: every PCI root complex CANWBS, as the model's firmware flag says */
	if (o->kernel && !strcmp(o->kernel, "iommufd-canwbs"))
		opts.pci_rc_canwbs = true;
	char err[512] = "";
	struct iommusim *sim = iommusim_boot(o->qargc, o->qargv, &opts, err, sizeof(err));
	if (!sim) {
		fprintf(stderr, "iommusim: %s\n", err);
		return 2;
	}
	a->text[SUMMARY] = capture(print_summary, sim);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (m && o->script) {
		FILE *in = fopen(o->script, "r");
		if (in) {
			iommusim_run_script(sim, in, m);
			fclose(in);
		}
	}
	if (m)
		fclose(m);
	a->text[SCRIPT] = buf;
	a->text[DMESG] = capture(iommusim_dmesg, sim);
	iommusim_free(sim);
	return 0;
}

static const char *oracle_dir(void)
{
	const char *d = getenv("IOMMUSIM_ORACLE_DIR");
	return d && *d ? d : IOMMUSIM_ORACLE_DIR;
}

/* Compile a DT source for QEMU's -dtb; 0 or 2 with dtc's message shown. */
static int compile_dts(const char *dts, char *dtb, size_t len)
{
	snprintf(dtb, len, "/tmp/iommusim-verify-XXXXXX");
	int fd = mkstemp(dtb);
	if (fd < 0) {
		perror("iommusim: verify: mkstemp");
		return 2;
	}
	close(fd);
	pid_t pid = fork();
	if (pid == 0) {
		execlp("dtc", "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, dts, (char *)NULL);
		_exit(127);
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "iommusim: verify: dtc could not compile %s\n", dts);
		unlink(dtb);
		return 2;
	}
	return 0;
}

/* Real Linux's answers from oracle/run; 0, or 2/3 as it exits (its message shown). */
static int oracle_answers(const struct verify_opts *o, struct answers *a)
{
	char dtb[64] = "";
	if (o->dts && compile_dts(o->dts, dtb, sizeof(dtb)))
		return 2;
	char run[4096];
	snprintf(run, sizeof(run), "%s/run", oracle_dir());
	char **argv = calloc((size_t)o->qargc + 16, sizeof(*argv));
	if (!argv)
		return 2;
	int n = 0;
	argv[n++] = run;
	argv[n++] = "--stack";
	argv[n++] = (char *)(o->stack ? o->stack : "classic");
	if (o->kernel) {
		argv[n++] = "--kernel";
		argv[n++] = (char *)o->kernel;
	}
	if (o->script) {
		argv[n++] = "--script";
		argv[n++] = (char *)o->script;
	}
	if (o->timeout) {
		argv[n++] = "--timeout";
		argv[n++] = (char *)o->timeout;
	}
	argv[n++] = "--";
	for (int i = 0; i < o->qargc; i++)
		argv[n++] = o->qargv[i];
	if (o->dts || o->dtb) {
		argv[n++] = "-dtb";
		argv[n++] = o->dts ? dtb : (char *)o->dtb;
	}
	int fds[2];
	int rc = 2;
	if (pipe(fds)) {
		perror("iommusim: verify: pipe");
		goto out;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(run, argv);
		fprintf(stderr, "iommusim: verify: cannot run %s: %s\n", run, strerror(errno));
		_exit(2);
	}
	close(fds[1]);
	FILE *f = fdopen(fds[0], "r");
	char *text = f ? read_stream(f) : NULL;
	if (f)
		fclose(f);
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st)) {
		free(text);
		goto out;
	}
	rc = WEXITSTATUS(st);
	if (rc == 0 && (!text || parse_linux_output(text, a))) {
		fprintf(stderr, "iommusim: verify: oracle/run printed no answers\n");
		rc = 2;
	}
	free(text);
out:
	free(argv);
	if (dtb[0])
		unlink(dtb);
	return rc;
}

static int file_answers(const char *path, struct answers *a)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "iommusim: verify: --linux-output %s: %s\n", path, strerror(errno));
		return 2;
	}
	char *text = read_stream(f);
	fclose(f);
	int rc = text && !parse_linux_output(text, a) ? 0 : 2;
	if (rc)
		fprintf(stderr, "iommusim: verify: %s is not oracle/run's output (a section is missing)\n", path);
	free(text);
	return rc;
}

static int write_temp(const char *text, char *path, size_t len)
{
	snprintf(path, len, "/tmp/iommusim-verify-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -errno;
	}
	fputs(text ? text : "", f);
	fclose(f);
	return 0;
}

/* diff -u of one answer; 0 same, 1 different, 2 trouble. */
static int diff_section(const char *name, const char *linux_text, const char *model_text)
{
	if (!strcmp(linux_text ? linux_text : "", model_text ? model_text : ""))
		return 0;
	char a[64], b[64], la[64], lb[64];
	if (write_temp(linux_text, a, sizeof(a)) || write_temp(model_text, b, sizeof(b)))
		return 2;
	snprintf(la, sizeof(la), "linux/%s", name);
	snprintf(lb, sizeof(lb), "iommusim/%s", name);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execlp("diff", "diff", "-u", "--label", la, "--label", lb, a, b, (char *)NULL);
		_exit(2);
	}
	int st = 0;
	int rc = pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ? 2 : WEXITSTATUS(st);
	unlink(a);
	unlink(b);
	return rc;
}

/*
 * The reference guest's CPU and memory (-cpu cortex-a57 -smp 2 -m 1024),
 * for each the arguments do not give: both sides boot the same machine.
 */
static int add_guest_defaults(struct verify_opts *o)
{
	static const char *const defaults[][2] = { { "-cpu", "cortex-a57" }, { "-smp", "2" }, { "-m", "1024" } };
	for (size_t d = 0; d < sizeof(defaults) / sizeof(defaults[0]); d++) {
		bool given = false;
		for (int i = 0; i < o->qargc; i++) {
			const char *a = o->qargv[i];
			given |= !strcmp(a, defaults[d][0]) || (a[0] == '-' && !strcmp(a + 1, defaults[d][0]));
		}
		if (given)
			continue;
		o->qargv[o->qargc++] = (char *)defaults[d][0];
		o->qargv[o->qargc++] = (char *)defaults[d][1];
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: iommusim verify [--linux-output FILE] [--stack classic|modern]\n"
		   "                       [--kernel debian|iommufd|iommufd-canwbs]\n"
		   "                       [--linux V] [--qemu V] [--script FILE] [--dts FILE | --dtb FILE] [--timeout SEC]\n"
		   "                       [--kconfig NAME=VALUE[,...]]... [--x-smmu-s2fwb] [--x-pci-rc-canwbs]\n"
		   "                       QEMU-ARGS...\n");
}

int verify_main(int argc, char **argv)
{
	struct verify_opts o = { 0 };
	o.qargv = calloc((size_t)argc + 8, sizeof(*o.qargv));
	/* room for the iommufd kernel's settings in front of the --kconfig ones */
	o.kconfig = calloc((size_t)argc + 2, sizeof(*o.kconfig));
	if (!o.qargv || !o.kconfig) {
		free(o.qargv);
		free(o.kconfig);
		return 2;
	}
	static const char *const with_value[] = { "--linux-output", "--stack", "--kernel", "--script", "--dts",
						  "--dtb", "--timeout", "--linux", "--qemu" };
	const char **slot[] = { &o.linux_output, &o.stack, &o.kernel, &o.script, &o.dts, &o.dtb, &o.timeout,
				&o.linux_version, &o.qemu_version };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			free(o.qargv);
			free(o.kconfig);
			return 0;
		}
		bool ours = false;
		if (!strcmp(argv[i], "--x-smmu-s2fwb")) {
			o.smmu_s2fwb = true;
			continue;
		}
		if (!strcmp(argv[i], "--x-pci-rc-canwbs")) {
			o.pci_rc_canwbs = true;
			continue;
		}
		if (!strcmp(argv[i], "--kconfig")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "iommusim: verify: %s needs an argument\n", argv[i]);
				free(o.qargv);
				free(o.kconfig);
				return 2;
			}
			o.kconfig[o.nkconfig++] = argv[++i];
			continue;
		}
		for (size_t k = 0; k < sizeof(slot) / sizeof(slot[0]); k++) {
			if (strcmp(argv[i], with_value[k]))
				continue;
			if (i + 1 >= argc) {
				fprintf(stderr, "iommusim: verify: %s needs an argument\n", argv[i]);
				free(o.qargv);
				free(o.kconfig);
				return 2;
			}
			*slot[k] = argv[++i];
			ours = true;
		}
		if (!ours)
			o.qargv[o.qargc++] = argv[i];
	}
	if (o.stack && strcmp(o.stack, "classic") && strcmp(o.stack, "modern")) {
		fprintf(stderr, "iommusim: verify: unknown stack '%s' (classic, modern)\n", o.stack);
		free(o.qargv);
		free(o.kconfig);
		return 2;
	}
	if (o.kernel && strcmp(o.kernel, "debian") && strcmp(o.kernel, "iommufd") && strcmp(o.kernel, "iommufd-canwbs")) {
		fprintf(stderr, "iommusim: verify: unknown kernel '%s' (debian, iommufd, iommufd-canwbs)\n", o.kernel);
		free(o.qargv);
		free(o.kconfig);
		return 2;
	}
	o.iommufd_kernel = o.kernel && strcmp(o.kernel, "debian");
	if (o.iommufd_kernel && o.stack && strcmp(o.stack, "modern")) {
		fprintf(stderr, "iommusim: verify: --kernel %s is a Linux 7.3 kernel (--stack modern)\n", o.kernel);
		free(o.qargv);
		free(o.kconfig);
		return 2;
	}
	if (o.dts && o.dtb) {
		fprintf(stderr, "iommusim: verify: --dts and --dtb exclude each other\n");
		free(o.qargv);
		free(o.kconfig);
		return 2;
	}
	if (o.script && access(o.script, R_OK)) {
		fprintf(stderr, "iommusim: verify: --script %s: %s\n", o.script, strerror(errno));
		free(o.qargv);
		free(o.kconfig);
		return 2;
	}

	/*
	 * The oracle boots Debian's kernel as built: another configuration's
	 * answers come from a file a kernel built with it wrote.
	 */
	if (o.nkconfig && !o.linux_output) {
		fprintf(stderr, "iommusim: verify: --kconfig needs --linux-output: the oracle boots Debian's "
				"kernel as built\n");
		free(o.qargv);
		free(o.kconfig);
		return 2;
	}
	if (o.iommufd_kernel) {
		/* the model as that kernel: 7.3 on 10.0, its settings before any --kconfig */
		o.stack = "modern";
		memmove(o.kconfig + 1, o.kconfig, o.nkconfig * sizeof(*o.kconfig));
		o.kconfig[0] = iommufd_kernel_kconfig;
		o.nkconfig++;
		printf("verify: kernel %s (the oracle's allnoconfig 7.3 build, not Debian's): its dmesg is not "
		       "compared\n", o.kernel);
	}
	add_guest_defaults(&o);
	struct answers real = { 0 }, model = { 0 };
	int rc = o.linux_output ? file_answers(o.linux_output, &real) : oracle_answers(&o, &real);
	if (!rc)
		rc = model_answers(&o, &model);
	if (!rc) {
		char *filtered[2] = { log_filter_text(real.text[DMESG]), log_filter_text(model.text[DMESG]) };
		free(real.text[DMESG]);
		free(model.text[DMESG]);
		real.text[DMESG] = filtered[0];
		model.text[DMESG] = filtered[1];
		for (int i = 0; i < NSECTIONS; i++) {
			if (i == DMESG && o.iommufd_kernel)
				continue;
			int d = diff_section(section_name[i], real.text[i], model.text[i]);
			if (d > rc)
				rc = d;
		}
	}
	answers_free(&real);
	answers_free(&model);
	free(o.qargv);
	free(o.kconfig);
	return rc;
}
