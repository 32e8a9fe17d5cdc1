/*
 * The iommufd verb (src/script/iommufd_exec.h, shared with the oracle's
 * probe): every word it does not take prints the usage line, one line, and
 * makes no call at all (a recording table of operations counts them), and
 * on the model a refused line leaves the process, its files and memory, and
 * the IOAS as they were. The words it takes become the structs and guest
 * SMMU commands 7.3's <linux/iommufd.h> and the SMMUv3 command formats give.
 */
#include <fcntl.h>
#include "boot_util.h"
#include "iommusim/vfio.h"
#include "script/session.h"
#include "uapi/iommufd_abi.h"
#include "uapi/uapi.h"
#include "uapi/vfio_cdev_abi.h"
#include "script/iommufd_exec.h"

/* --- a recording kernel: what the verb asked for --- */

struct iommufd_exec_host {
	int calls;			/* every operation */
	unsigned long request;		/* the last ioctl's */
	_Alignas(8) unsigned char arg[IOMMUFD_EXEC_BUF];	/* its struct as sent */
	_Alignas(8) unsigned char data[1024];	/* what its data_uptr pointed at */
	size_t data_len;
};

static int rec_open(struct iommufd_exec_host *h, const char *path)
{
	(void)path;
	h->calls++;
	return 3;
}

static int rec_close(struct iommufd_exec_host *h, int fd)
{
	(void)fd;
	h->calls++;
	return 0;
}

static long rec_ioctl(struct iommufd_exec_host *h, int fd, unsigned long request, void *arg)
{
	(void)fd;
	h->calls++;
	h->request = request;
	memcpy(h->arg, arg, sizeof(h->arg));
	if (request == IOMMU_HWPT_INVALIDATE) {
		const struct iommu_hwpt_invalidate *c = arg;
		h->data_len = (size_t)c->entry_len * c->entry_num;
		memcpy(h->data, (const void *)(uintptr_t)c->data_uptr, h->data_len);
	} else if (request == IOMMU_HWPT_ALLOC) {
		const struct iommu_hwpt_alloc *c = arg;
		h->data_len = c->data_len;
		if (c->data_len)
			memcpy(h->data, (const void *)(uintptr_t)c->data_uptr, c->data_len);
	}
	return 0;
}

static int rec_first_entry(struct iommufd_exec_host *h, const char *dir, char *name, size_t len)
{
	(void)dir;
	h->calls++;
	snprintf(name, len, "vfio0");
	return 0;
}

static void *rec_user_alloc(struct iommufd_exec_host *h, size_t size)
{
	(void)size;
	h->calls++;
	return h->data;
}

static int rec_eventfd(struct iommufd_exec_host *h)
{
	h->calls++;
	return 7;
}

static const struct iommufd_exec_ops rec_ops = {
	.open = rec_open,
	.close = rec_close,
	.ioctl = rec_ioctl,
	.first_entry = rec_first_entry,
	.user_alloc = rec_user_alloc,
	.eventfd = rec_eventfd,
};

/* one line through the verb on the recording kernel, /dev/iommu and DEV open; its output */
static char *rec_run(struct iommufd_exec_host *h, struct iommufd_exec_state *st, const char *line)
{
	char buf[512], *argv[64];
	int argc = 0;
	snprintf(buf, sizeof(buf), "%s", line);
	for (char *w = strtok(buf, " "); w && argc < 64; w = strtok(NULL, " "))
		argv[argc++] = w;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	const struct iommufd_exec x = { .host = h, .ops = &rec_ops, .state = st, .out = out };
	iommufd_exec(&x, argc, argv);
	fclose(out);
	return text;
}

static void rec_setup(struct iommufd_exec_host *h, struct iommufd_exec_state *st)
{
	memset(h, 0, sizeof(*h));
	iommufd_exec_state_init(st);
	st->iommufd = 3;
	st->ndevices = 1;
	snprintf(st->devices[0].name, sizeof(st->devices[0].name), "0000:01:00.0");
	st->devices[0].fd = 4;
	st->devices[0].dev_id = 1;
}

/* the words the verb refuses before any call */
static const char *const bad_lines[] = {
	"iommufd",
	"iommufd bogus",
	"iommufd open extra",
	"iommufd close extra",
	"iommufd destroy",
	"iommufd destroy x",
	"iommufd destroy -1",
	"iommufd destroy 0x100000000",
	"iommufd destroy 1 bogus",
	"iommufd destroy 1 size=x",
	"iommufd destroy 1 size=4097",
	"iommufd destroy 1 size=8 size=8",
	"iommufd destroy 1 tail=0x100",
	"iommufd destroy 1 flags=",
	"iommufd ioas",
	"iommufd ioas alloc bogus",
	"iommufd ioas x iova-ranges",
	"iommufd ioas 1",
	"iommufd ioas 1 bogus",
	"iommufd ioas 1 iova-ranges num=65",
	"iommufd ioas 1 iova-ranges num=x",
	"iommufd ioas 1 iova-ranges flags=1",
	"iommufd ioas 1 iova-ranges extra",
	"iommufd ioas 1 allow-iovas 5",
	"iommufd ioas 1 allow-iovas 1-x",
	"iommufd ioas 1 allow-iovas -5",
	"iommufd ioas 1 allow-iovas 0-1 flags=1",
	"iommufd ioas 1 map",
	"iommufd ioas 1 map 0x1000",
	"iommufd ioas 1 map x 0x1000",
	"iommufd ioas 1 map 0x1000 y",
	"iommufd ioas 1 map 0x1000 0x1000 rwx",
	"iommufd ioas 1 map 0x1000 0x1000 r r",
	"iommufd ioas 1 map auto -1",
	"iommufd ioas 1 map auto 0x1000 num=1",
	"iommufd ioas 1 copy 2 0 0x1000",
	"iommufd ioas 1 copy x 0 0x1000 auto",
	"iommufd ioas 1 copy 2 0 0x1000 somewhere",
	"iommufd ioas 1 unmap 0",
	"iommufd ioas 1 unmap all extra",
	"iommufd ioas 1 unmap 0 0x1000 flags=1",
	"iommufd option",
	"iommufd option bogus get",
	"iommufd option rlimit-mode",
	"iommufd option rlimit-mode set",
	"iommufd option rlimit-mode set x",
	"iommufd option rlimit-mode ioas get",
	"iommufd option huge-pages ioas 1 frob",
	"iommufd option huge-pages ioas x get",
	"iommufd option huge-pages get flags=1",
	"iommufd device",
	"iommufd device 0000:01:00.0",
	"iommufd device 0000:01:00.0 frob",
	"iommufd device 0000:02:00.0 open extra",
	"iommufd device 0000:01:00.0 close extra",
	"iommufd device 0000:01:00.0 bind extra",
	"iommufd device 0000:01:00.0 attach",
	"iommufd device 0000:01:00.0 attach x",
	"iommufd device 0000:01:00.0 detach 1",
	"iommufd device 0000:01:00.0 hw-info len=100",
	"iommufd device 0000:01:00.0 hw-info len=x",
	"iommufd device 0000:01:00.0 irq-info",
	"iommufd device 0000:01:00.0 irq-info x",
	"iommufd device 0000:01:00.0 irq-info -1",
	"iommufd device 0000:01:00.0 irq-info 0x100000000",
	"iommufd device 0000:01:00.0 irq-info 2 extra",
	"iommufd device 0000:01:00.0 set-irqs",
	"iommufd device 0000:01:00.0 set-irqs 2 0 1 eventfd",
	"iommufd device 0000:01:00.0 set-irqs x 0 1 eventfd trigger new",
	"iommufd device 0000:01:00.0 set-irqs 2 -1 1 eventfd trigger new",
	"iommufd device 0000:01:00.0 set-irqs 2 0 1 frob trigger",
	"iommufd device 0000:01:00.0 set-irqs 2 0 1 eventfd frob new",
	"iommufd device 0000:01:00.0 set-irqs 2 0 1 none trigger 1",
	"iommufd device 0000:01:00.0 set-irqs 2 0 1 bool trigger 256",
	"iommufd device 0000:01:00.0 set-irqs 2 0 1 bool trigger new",
	"iommufd device 0000:01:00.0 set-irqs 2 0 1 eventfd trigger x",
	"iommufd device 0000:01:00.0 set-irqs 2 0 1 eventfd trigger new size=20",
	"iommufd device 0000:01:00.0 set-irqs 2 0 1 eventfd trigger new argsz=x",
	"iommufd device 0000:01:00.0 set-irqs 2 0 17 eventfd trigger 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
	"iommufd hwpt",
	"iommufd hwpt alloc",
	"iommufd hwpt alloc 0000:01:00.0",
	"iommufd hwpt alloc 0000:01:00.0 x",
	"iommufd hwpt free 0000:01:00.0 1",
	"iommufd hwpt alloc 0000:01:00.0 1 ste=1",
	"iommufd hwpt alloc 0000:01:00.0 1 ste=1,x",
	"iommufd hwpt alloc 0000:01:00.0 1 ste=1,2 ste=1,2",
	"iommufd hwpt alloc 0000:01:00.0 1 nest",
	"iommufd hwpt alloc 0000:01:00.0 1 nest-parent nest-parent",
	"iommufd viommu alloc 0000:01:00.0",
	"iommufd viommu alloc 0000:01:00.0 x",
	"iommufd viommu alloc 0000:01:00.0 1 type=x",
	"iommufd viommu alloc 0000:01:00.0 1 type=0x100000000",
	"iommufd viommu free 0000:01:00.0 1",
	"iommufd vdevice alloc 1 0000:01:00.0",
	"iommufd vdevice alloc x 0000:01:00.0 1",
	"iommufd vdevice alloc 1 0000:01:00.0 y",
	"iommufd vdevice alloc 1 0000:01:00.0 1 flags=1",
	"iommufd invalidate",
	"iommufd invalidate 1",
	"iommufd invalidate x tlbi-nh-all",
	"iommufd invalidate 1 tlbi-bogus",
	"iommufd invalidate 1 tlbi-nh-va asid=0x10000",
	"iommufd invalidate 1 tlbi-nh-va asid=x",
	"iommufd invalidate 1 tlbi-nh-all bogus=1",
	"iommufd invalidate 1 1:x",
	"iommufd invalidate 1 tlbi-nh-all flags=1",
	"iommufd invalidate 1 cfgi-cd ssid=0x100000",
};

/* text is the usage line and nothing else */
static void assert_usage(const char *line, const char *text)
{
	cr_assert(!strncmp(text, "iommufd: usage: iommufd open | close", 36), "'%s' printed '%s'", line, text);
	cr_assert_eq(strchr(text, '\n'), text + strlen(text) - 1, "'%s': one line, got '%s'", line, text);
}

Test(iommufd_verbs, bad_words_make_no_call)
{
	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		struct iommufd_exec_host h;
		struct iommufd_exec_state st, before;
		rec_setup(&h, &st);
		before = st;
		char *text = rec_run(&h, &st, bad_lines[i]);
		assert_usage(bad_lines[i], text);
		cr_assert_eq(h.calls, 0, "'%s' made %d calls", bad_lines[i], h.calls);
		cr_assert(!memcmp(&st, &before, sizeof(st)), "'%s' changed the verb's state", bad_lines[i]);
		free(text);
	}
}

/* set-irqs on the cdev: the vfio verb's struct (vfio_format.h), a "new" value the ops' eventfd */
Test(iommufd_verbs, set_irqs_sends_vfio_irq_set)
{
	struct iommufd_exec_host h;
	struct iommufd_exec_state st;
	rec_setup(&h, &st);
	char *text = rec_run(&h, &st, "iommufd device 0000:01:00.0 set-irqs 2 1 2 eventfd trigger new -1");
	cr_assert_str_eq(text, "ok\n");
	free(text);
	cr_assert_eq(h.calls, 2, "one eventfd and the ioctl, got %d calls", h.calls);
	cr_assert_eq(h.request, VFIO_DEVICE_SET_IRQS);
	const struct vfio_irq_set *set = (const void *)h.arg;
	cr_assert_eq(set->argsz, sizeof(*set) + 8);
	cr_assert_eq(set->flags, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER);
	cr_assert_eq(set->index, 2);
	cr_assert_eq(set->start, 1);
	cr_assert_eq(set->count, 2);
	int32_t fds[2];
	memcpy(fds, h.arg + sizeof(*set), sizeof(fds));
	cr_assert_eq(fds[0], 7);
	cr_assert_eq(fds[1], -1);
	/* flags= and argsz= as given; a device not open makes no call */
	rec_setup(&h, &st);
	text = rec_run(&h, &st, "iommufd device 0000:01:00.0 set-irqs 3 0 1 bool unmask 1 argsz=40 flags=0x25");
	cr_assert_str_eq(text, "ok\n");
	free(text);
	cr_assert_eq(set->argsz, 40);
	cr_assert_eq(set->flags, 0x25);
	cr_assert_eq(h.arg[sizeof(*set)], 1);
	rec_setup(&h, &st);
	text = rec_run(&h, &st, "iommufd device 0000:09:00.0 set-irqs 2 0 1 eventfd trigger new");
	cr_assert_str_eq(text, "iommufd: device 0000:09:00.0 is not open\n");
	free(text);
	text = rec_run(&h, &st, "iommufd device 0000:09:00.0 irq-info 2");
	cr_assert_str_eq(text, "iommufd: device 0000:09:00.0 is not open\n");
	free(text);
	cr_assert_eq(h.calls, 0);
}

/* the guest commands' words at their places in the SMMUv3 command formats */
Test(iommufd_verbs, invalidate_encodes_smmu_commands)
{
	struct iommufd_exec_host h;
	struct iommufd_exec_state st;
	rec_setup(&h, &st);
	char *text = rec_run(&h, &st,
			     "iommufd invalidate 4 tlbi-nh-va asid=1 addr=0x1234000 leaf=1 tlbi-nh-all "
			     "cfgi-cd sid=0x8 ssid=3 leaf=1 atc-inv sid=8 addr=0x2000 atc-size=52 0x46:0x7 "
			     "tlbi-nh-va asid=0xffff vmid=7 num=31 scale=63 ttl=3 tg=2");
	cr_assert_str_eq(text, "ok 6 entries\n");
	free(text);
	cr_assert_eq(h.request, IOMMU_HWPT_INVALIDATE);
	const struct iommu_hwpt_invalidate *c = (const void *)h.arg;
	cr_assert_eq(c->size, sizeof(*c));
	cr_assert_eq(c->hwpt_id, 4);
	cr_assert_eq(c->data_type, IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3);
	cr_assert_eq(c->entry_len, 16);
	cr_assert_eq(c->entry_num, 6);
	const uint64_t *w = (const void *)h.data;
	/* CMD_TLBI_NH_VA 0x12: ASID [63:48]; address [63:12] and Leaf [0] in the second word */
	cr_assert_eq(w[0], 0x12 | (1ULL << 48));
	cr_assert_eq(w[1], 0x1234000 | 1);
	cr_assert_eq(w[2], 0x10);
	cr_assert_eq(w[3], 0);
	/* CMD_CFGI_CD 0x05: SSID [31:12], SID [63:32], Leaf */
	cr_assert_eq(w[4], 0x05 | (3ULL << 12) | (8ULL << 32));
	cr_assert_eq(w[5], 1);
	/* CMD_ATC_INV 0x40: SID; Size [5:0], address [63:12] */
	cr_assert_eq(w[6], 0x40 | (8ULL << 32));
	cr_assert_eq(w[7], 0x2000 | 52);
	/* raw W0:W1 */
	cr_assert_eq(w[8], 0x46);
	cr_assert_eq(w[9], 7);
	/* NUM [16:12], SCALE [25:20], VMID [47:32], ASID; TTL [9:8], TG [11:10] */
	cr_assert_eq(w[10], 0x12 | (31ULL << 12) | (63ULL << 20) | (7ULL << 32) | (0xffffULL << 48));
	cr_assert_eq(w[11], (3ULL << 8) | (2ULL << 10));
}

/* a vSTE goes as iommu_hwpt_arm_smmuv3 of the nested HWPT; size= and tail= shape the struct sent */
Test(iommufd_verbs, hwpt_alloc_and_sizes)
{
	struct iommufd_exec_host h;
	struct iommufd_exec_state st;
	rec_setup(&h, &st);
	char *text = rec_run(&h, &st, "iommufd hwpt alloc 0000:01:00.0 4 ste=0x4000000b,0x10 size=80 tail=0xff");
	free(text);
	const struct iommu_hwpt_alloc *c = (const void *)h.arg;
	cr_assert_eq(h.request, IOMMU_HWPT_ALLOC);
	cr_assert_eq(c->size, 80);
	cr_assert_eq(c->dev_id, 1);
	cr_assert_eq(c->pt_id, 4);
	cr_assert_eq(c->flags, 0);
	cr_assert_eq(c->data_type, IOMMU_HWPT_DATA_ARM_SMMUV3);
	cr_assert_eq(c->data_len, 16);
	const uint64_t *ste = (const void *)h.data;
	cr_assert_eq(ste[0], 0x4000000b);
	cr_assert_eq(ste[1], 0x10);
	for (size_t i = sizeof(*c); i < 80; i++)
		cr_assert_eq(h.arg[i], 0xff, "tail byte %zu", i);
	cr_assert_eq(h.arg[80], 0);

	rec_setup(&h, &st);
	text = rec_run(&h, &st, "iommufd hwpt alloc 0000:01:00.0 2 nest-parent");
	free(text);
	c = (const void *)h.arg;
	cr_assert_eq(c->flags, IOMMU_HWPT_ALLOC_NEST_PARENT);
	cr_assert_eq(c->data_type, IOMMU_HWPT_DATA_NONE);
	cr_assert_eq(c->size, sizeof(*c));

	/* map: fixed IOVA and rw unless told; flags= replaces the word */
	rec_setup(&h, &st);
	text = rec_run(&h, &st, "iommufd ioas 1 map 0x100000 0x1000 r");
	free(text);
	const struct iommu_ioas_map *m = (const void *)h.arg;
	cr_assert_eq(m->flags, IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE);
	rec_setup(&h, &st);
	text = rec_run(&h, &st, "iommufd ioas 1 map auto 0x1000 flags=0x100");
	free(text);
	m = (const void *)h.arg;
	cr_assert_eq(m->flags, 0x100);
	cr_assert_eq(m->iova, 0);
}

/* --- the model: a refused line changes nothing --- */

#define MACHINE                                                                                    \
	"-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
	"-device virtio-net-pci,bus=rp1"
#define DEV "0000:01:00.0"

static struct iommusim *iommufd_machine(void)
{
	const char *settings[] = { "IOMMUFD=y,VFIO_DEVICE_CDEV=y,ARM_SMMU_V3_IOMMUFD=y", NULL };
	struct iommusim_options opts = { .linux_version = "7.3", .qemu_version = "10.0", .kconfig = settings };
	char err[1024] = "";
	struct iommusim *sim = boot_str_opts(MACHINE, &opts, err, sizeof(err));
	cr_assert_not_null(sim, "%s", err);
	char *out = run(sim, "echo vfio-pci > /sys/bus/pci/devices/" DEV "/driver_override\n"
			     "echo " DEV " > /sys/bus/pci/drivers/virtio-pci/unbind\n"
			     "echo " DEV " > /sys/bus/pci/drivers_probe\n"
			     "iommufd open\n"
			     "iommufd ioas alloc\n"
			     "iommufd ioas 1 map 0x100000 0x10000\n"
			     "iommufd option huge-pages ioas 1 set 0\n");
	cr_assert_str_eq(out, "ok\nok ioas 1\nok iova 0x100000\nok\n");
	free(out);
	return sim;
}

/* what a refused line must leave alone: the process's files and memory, the objects, the IOAS */
struct model_snapshot {
	struct uapi_file *fds[UAPI_MAX_FDS];
	size_t nblocks;
	unsigned long locked_vm;
	struct iommufd_exec_state verb;
	char *objects;
};

static struct model_snapshot model_snapshot(struct iommusim *sim)
{
	struct model_snapshot s;
	struct uapi_state *u = uapi_state(sim->k);
	memcpy(s.fds, u->fds, sizeof(s.fds));
	s.nblocks = u->nblocks;
	s.locked_vm = u->locked_vm;
	s.verb = *sim->iommufd_verb;
	s.objects = run(sim, "iommufd ioas 1 iova-ranges\n"
			     "iommufd ioas 2 iova-ranges\n"
			     "iommufd option huge-pages ioas 1 get\n"
			     "iommufd option rlimit-mode get\n");
	return s;
}

static void assert_same(const struct model_snapshot *a, const struct model_snapshot *b, const char *line)
{
	cr_assert(!memcmp(a->fds, b->fds, sizeof(a->fds)), "'%s' changed the open files", line);
	cr_assert_eq(a->nblocks, b->nblocks, "'%s' took memory", line);
	cr_assert_eq(a->locked_vm, b->locked_vm, "'%s' pinned pages", line);
	cr_assert(!memcmp(&a->verb, &b->verb, sizeof(a->verb)), "'%s' changed the verb's state", line);
	cr_assert_str_eq(a->objects, b->objects, "'%s' changed the objects", line);
}

Test(iommufd_verbs, model_refused_lines_change_nothing)
{
	struct iommusim *sim = iommufd_machine();
	struct model_snapshot before = model_snapshot(sim);
	cr_assert(strstr(before.objects, "ok alignment ") == before.objects, "%s", before.objects);
	cr_assert(strstr(before.objects, "\nENOENT (No such file or directory)\nok 0\nok 0\n"), "%s",
		  before.objects);
	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		char line[256];
		snprintf(line, sizeof(line), "%s\n", bad_lines[i]);
		char *text = run(sim, line);
		assert_usage(bad_lines[i], text);
		free(text);
		struct model_snapshot after = model_snapshot(sim);
		assert_same(&before, &after, bad_lines[i]);
		free(after.objects);
	}
	free(before.objects);
	iommusim_free(sim);
}

/* the files a VMM holds: /dev/iommu once, closed once; the verb says so otherwise */
Test(iommufd_verbs, model_open_close)
{
	struct iommusim *sim = iommufd_machine();
	char *out = run(sim, "iommufd open\n"
			     "iommufd close\n"
			     "iommufd close\n"
			     "iommufd ioas alloc\n"
			     "iommufd device " DEV " bind\n"
			     "iommufd device 0000:00:00.0 open\n"
			     "iommufd open\n"
			     "iommufd ioas alloc\n");
	cr_assert_str_eq(out, "iommufd: /dev/iommu is open already\n"
			      "ok\n"
			      "iommufd: /dev/iommu is not open\n"
			      "iommufd: /dev/iommu is not open\n"
			      "iommufd: device " DEV " is not open\n"
			      "iommufd: 0000:00:00.0 has no vfio device cdev\n"
			      "ok\n"
			      "ok ioas 1\n");
	free(out);
	iommusim_free(sim);
}

/*
 * SET_IRQS through the cdev (irq-info, set-irqs) as the oracle's iommufd
 * kernel answers it (tests/linux/iommufd/irqs_cdev): each MSI-X enable while
 * blocked takes an ITS event and keeps it (its_irq_domain_alloc() does not
 * give it back when the doorbell cannot be prepared), so of the table's 4
 * events 2 are left: an enable of 4 gets 2 (msi_handle_pci_fail()'s count,
 * retried), and no vector can be added past them.
 */
Test(iommufd_verbs, model_set_irqs_on_the_cdev_uses_up_its_events)
{
	struct iommusim *sim = iommufd_machine();
	char *out = run(sim, "iommufd device " DEV " open\n"
			     "iommufd device " DEV " bind\n"
			     "iommufd device " DEV " irq-info 2\n"
			     "iommufd device " DEV " set-irqs 2 0 1 eventfd trigger new\n"
			     "iommufd device " DEV " set-irqs 2 0 1 eventfd trigger new\n"
			     "iommufd device " DEV " attach 1\n"
			     "iommufd device " DEV " set-irqs 2 0 4 eventfd trigger new new new new\n"
			     "iommufd device " DEV " set-irqs 2 0 2 eventfd trigger new new\n"
			     "iommufd device " DEV " set-irqs 2 2 1 eventfd trigger new\n"
			     "iommufd device " DEV " set-irqs 2 0 2 none trigger\n"
			     "iommufd device " DEV " set-irqs 2 0 0 none trigger\n"
			     "iommufd device " DEV " close\n"
			     "iommufd device " DEV " irq-info 2\n");
	cr_assert_str_eq(out, "ok\n"
			      "ok dev 2\n"
			      "ok flags 0x1 count 4\n"
			      "ENOSPC (No space left on device)\n"
			      "ENOSPC (No space left on device)\n"
			      "ok pt 3\n"
			      "ok 2\n"
			      "ok\n"
			      "ENOSPC (No space left on device)\n"
			      "ok\n"
			      "ok\n"
			      "ok\n"
			      "iommufd: device " DEV " is not open\n");
	free(out);
	iommusim_free(sim);
}
