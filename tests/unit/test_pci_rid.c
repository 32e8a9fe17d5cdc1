/*
 * The requester ID of a DMA is the hardware's (hw/pci_rid.c, QEMU's
 * pci_requester_id()), formed from the bridges and the bus-number registers
 * the kernel programmed; the kernel's pci_for_each_dma_alias() only predicts
 * it. On random topologies the two must agree for every function, and when
 * the kernel's view and the hardware part (a bridge's secondary bus number
 * rewritten behind its back), the SMMU must say so.
 */
#include <stdio.h>
#include "boot_util.h"
#include "hw/pci_config.h"
#include "hw/pci_rid.h"

/* ---- random topologies as QEMU command lines ---- */

enum bus_kind { BUS_ROOT, BUS_PORT, BUS_CONV };

struct topo {
	char args[8192];
	size_t len;
	unsigned ids, chassis;
	unsigned seed;
};

static unsigned rnd(struct topo *t, unsigned n)
{
	/* xorshift: the same topologies on every run */
	t->seed ^= t->seed << 13;
	t->seed ^= t->seed >> 17;
	t->seed ^= t->seed << 5;
	return t->seed % n;
}

static void add(struct topo *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct topo *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	t->len += (size_t)vsnprintf(t->args + t->len, sizeof(t->args) - t->len, fmt, ap);
	va_end(ap);
	cr_assert_lt(t->len, sizeof(t->args));
}

static const char *const endpoints[] = { "virtio-rng-pci", "virtio-net-pci" };

static void gen_bus(struct topo *t, const char *bus, enum bus_kind kind, int depth);

/* a bridge at slot.fn of bus, and what is behind it */
static void gen_bridge(struct topo *t, const char *bus, enum bus_kind kind, unsigned slot, unsigned fn,
		       const char *mf, int depth)
{
	char id[16];
	snprintf(id, sizeof(id), "b%u", t->ids++);
	/* a PCIe-to-PCI bridge needs a PCIe bus; a pci-bridge goes anywhere */
	if (kind != BUS_CONV && rnd(t, 2)) {
		add(t, " -device pcie-pci-bridge,id=%s,bus=%s,addr=%u.%u%s", id, bus, slot, fn, mf);
	} else {
		add(t, " -device pci-bridge,id=%s,bus=%s,addr=%u.%u,chassis_nr=%u%s", id, bus, slot, fn,
		    ++t->chassis, mf);
	}
	gen_bus(t, id, BUS_CONV, depth + 1);
}

/* a slot: one function, or a multifunction device of 2-3 functions (one may be a bridge) */
static void gen_slot(struct topo *t, const char *bus, enum bus_kind kind, unsigned slot, int depth)
{
	unsigned nfn = rnd(t, 3) == 0 ? 2 + rnd(t, 2) : 1;
	for (unsigned fn = 0; fn < nfn; fn++) {
		const char *mf = nfn > 1 && fn == 0 ? ",multifunction=on" : "";
		if (depth < 3 && rnd(t, 4) == 0)
			gen_bridge(t, bus, kind, slot, fn, mf, depth);
		else
			add(t, " -device %s,bus=%s,addr=%u.%u%s", endpoints[rnd(t, 2)], bus, slot, fn, mf);
	}
}

static void gen_bus(struct topo *t, const char *bus, enum bus_kind kind, int depth)
{
	switch (kind) {
	case BUS_ROOT:
		for (unsigned slot = 1; slot <= 1 + rnd(t, 8); slot++) {
			if (rnd(t, 2)) {
				char id[16];
				snprintf(id, sizeof(id), "rp%u", t->ids++);
				add(t, " -device pcie-root-port,id=%s,bus=pcie.0,addr=%u,chassis=%u", id, slot,
				    ++t->chassis);
				gen_bus(t, id, BUS_PORT, depth + 1);
			} else {
				gen_slot(t, bus, kind, slot, depth);
			}
		}
		break;
	case BUS_PORT:
		/* one link partner: device 0 */
		if (rnd(t, 5))
			gen_slot(t, bus, kind, 0, depth);
		break;
	case BUS_CONV:
		/* SHPC slots are 1..31 */
		for (unsigned slot = 1, n = rnd(t, 4); slot <= n; slot++)
			gen_slot(t, bus, kind, slot, depth);
		break;
	}
}

static int last_alias(struct pci_dev *pdev, u16 alias, void *data)
{
	(void)pdev;
	*(u16 *)data = alias;
	return 0;
}

static u16 predicted_rid(struct pci_dev *pdev)
{
	u16 rid = 0xffff;
	pci_for_each_dma_alias(pdev, last_alias, &rid);
	return rid;
}

/* every function: the hardware's RID is the kernel's last alias; bridges hold the kernel's numbers */
static unsigned check_agreement(struct iommusim *sim, const char *args)
{
	struct pci_host *host = sim->k->pci;
	cr_assert_not_null(host, "%s", args);
	unsigned bridges_behind = 0;
	for (size_t i = 0; i < host->nall; i++) {
		struct pci_dev *p = host->all[i];
		u16 hw = hw_pci_requester_id(p->hw);
		u16 kernel = predicted_rid(p);
		cr_assert_eq(hw, kernel, "%s: hardware RID %#06x, kernel predicts %#06x\n%s", p->dev.name, hw,
			     kernel, args);
		uint16_t rid;
		uint32_t sid;
		cr_assert_eq(iommusim_pci_requester_id(sim, p->dev.name, &rid, &sid), 0);
		cr_assert_eq(rid, kernel);
		cr_assert_eq(sid, kernel, "virt: StreamID = RID");
		if (p->subordinate) {
			uint32_t buses;
			cr_assert_eq(iommusim_pci_config_read(sim, p->dev.name, HW_PCI_PRIMARY_BUS, 4, &buses), 0);
			cr_assert_eq(buses & 0xff, p->bus->number, "%s primary", p->dev.name);
			cr_assert_eq(buses >> 8 & 0xff, p->subordinate->number, "%s secondary", p->dev.name);
			cr_assert_eq(buses >> 16 & 0xff, p->subordinate->busn_end, "%s subordinate", p->dev.name);
		}
		if (hw != pci_dev_id(p))
			bridges_behind++;
	}
	return bridges_behind;
}

Test(pci_rid, random_topologies_agree)
{
	unsigned aliased = 0, functions = 0;
	for (unsigned n = 0; n < 60; n++) {
		struct topo t = { .seed = 0x9e3779b9u * (n + 1) };
		add(&t, "-M virt,iommu=smmuv3 -nic none");
		gen_bus(&t, "pcie.0", BUS_ROOT, 0);
		char err[256] = "";
		struct iommusim *sim = boot_str(t.args, err, sizeof(err));
		cr_assert_not_null(sim, "boot failed: %s\n%s", err, t.args);
		aliased += check_agreement(sim, t.args);
		functions += (unsigned)((struct pci_host *)sim->k->pci)->nall;
		iommusim_free(sim);
	}
	/* the generator must reach the interesting cases */
	cr_assert_gt(functions, 300u);
	cr_assert_gt(aliased, 20u);
}

/* QEMU's rules by hand: conventional bridge takes over, PCIe-to-PCI gives (secondary, 0) */
Test(pci_rid, rules)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none "
				       "-device pcie-root-port,id=rp1,chassis=1,addr=1 "
				       "-device pcie-pci-bridge,id=ppb,bus=rp1 "
				       "-device pci-bridge,id=pb,bus=ppb,addr=2,chassis_nr=2 "
				       "-device virtio-rng-pci,bus=pb,addr=3 "
				       "-device virtio-rng-pci,bus=ppb,addr=1 "
				       "-device pci-bridge,id=pb0,bus=pcie.0,addr=2,chassis_nr=3 "
				       "-device virtio-rng-pci,bus=pb0,addr=1 "
				       "-device virtio-rng-pci,bus=pcie.0,addr=3.0,multifunction=on "
				       "-device virtio-rng-pci,bus=pcie.0,addr=3.1");
	static const struct {
		const char *dev;
		u16 rid;
	} want[] = {
		{ "0000:00:01.0", 0x0008 },	/* root port: its own */
		{ "0000:01:00.0", 0x0100 },	/* the PCIe-to-PCI bridge: on a PCIe bus, its own */
		{ "0000:02:01.0", 0x0200 },	/* behind it: (secondary bus, 0) */
		{ "0000:02:02.0", 0x0200 },	/* the pci-bridge behind it too */
		{ "0000:03:03.0", 0x0200 },	/* taken over by the pci-bridge, then by the PCIe-to-PCI bridge */
		{ "0000:00:02.0", 0x0010 },
		{ "0000:04:01.0", 0x0010 },	/* behind a conventional bridge on pcie.0: the bridge's */
		{ "0000:00:03.0", 0x0018 },
		{ "0000:00:03.1", 0x0019 },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint16_t rid;
		cr_assert_eq(iommusim_pci_requester_id(sim, want[i].dev, &rid, NULL), 0, "%s", want[i].dev);
		cr_assert_eq(rid, want[i].rid, "%s: %#06x, want %#06x", want[i].dev, rid, want[i].rid);
	}
	check_agreement(sim, "rules");
	iommusim_free(sim);
}

Test(pci_rid, config_errors)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none "
				       "-device pcie-root-port,id=rp1,chassis=1 -device virtio-rng-pci,bus=rp1");
	uint32_t v;
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:01.0", HW_PCI_SECONDARY_BUS, 1, &v), 0);
	cr_assert_eq(v, 1u);
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:01.0", HW_PCI_SUBORDINATE_BUS, 1, &v), 0);
	cr_assert_eq(v, 1u);
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:01.0", 0x18, 2, &v), 0);
	cr_assert_eq(v, 0x0100u);
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:01.0", 0x19, 2, &v), -EINVAL);
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:01.0", 0x18, 3, &v), -EINVAL);
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:01.0", 4096, 1, &v), -EINVAL);
	/* the whole config space is the hardware's: the root port's IDs, read-only */
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:01.0", 0x00, 4, &v), 0);
	cr_assert_eq(v, 0x000c1b36u);
	cr_assert_eq(iommusim_pci_config_write(sim, "0000:00:01.0", 0x00, 4, 0x12345678), 0);
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:01.0", 0x00, 4, &v), 0);
	cr_assert_eq(v, 0x000c1b36u, "a write to a read-only register changes nothing");
	/* an endpoint's unimplemented BAR 2 keeps reading 0 */
	cr_assert_eq(iommusim_pci_config_write(sim, "0000:01:00.0", 0x18, 4, 0xffffffff), 0);
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:01:00.0", 0x18, 4, &v), 0);
	cr_assert_eq(v, 0u);
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:09:00.0", 0x18, 4, &v), -ENOENT);
	cr_assert_eq(iommusim_pci_config_write(sim, NULL, 0x18, 4, 0), -EINVAL);
	cr_assert_eq(iommusim_pci_config_read(sim, "0000:00:01.0", 0x18, 4, NULL), -EINVAL);
	iommusim_free(sim);
}

static bool contains(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle);
}

/*
 * The kernel's rule broken: the PCIe-to-PCI bridge's secondary bus number is
 * rewritten behind the kernel's back (setpci). Linux still predicts (2, 0)
 * for the function behind it and configured StreamID 0x200; the hardware now
 * sends 0x500, which no STE describes: C_BAD_STREAMID.
 */
Test(pci_rid, disagreement_is_an_smmu_event)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none "
				       "-device pcie-root-port,id=rp1,chassis=1 "
				       "-device pcie-pci-bridge,id=ppb,bus=rp1 "
				       "-device virtio-rng-pci,bus=ppb,addr=1");
	uint16_t rid;
	uint32_t sid;
	cr_assert_eq(iommusim_pci_requester_id(sim, "0000:02:01.0", &rid, &sid), 0);
	cr_assert_eq(rid, 0x0200);
	cr_assert_eq(predicted_rid(pdev_of(sim, "0000:02:01.0")), 0x0200);

	/* agreeing: the DMA reaches the group's domain, and faults there on an unmapped IOVA */
	char *out = run(sim, "dma write 0000:02:01.0 0x10000 4 0xaa\ndmesg");
	cr_assert(contains(out, "event 0x10 received"), "%s", out);
	cr_assert(contains(out, "0x0000020000000010"), "F_TRANSLATION from StreamID 0x200:\n%s", out);
	free(out);

	cr_assert_eq(iommusim_pci_config_write(sim, "0000:01:00.0", HW_PCI_SECONDARY_BUS, 1, 5), 0);
	cr_assert_eq(iommusim_pci_requester_id(sim, "0000:02:01.0", &rid, &sid), 0);
	cr_assert_eq(rid, 0x0500);
	cr_assert_eq(sid, 0x0500u);
	/* the kernel still predicts what it programmed */
	cr_assert_eq(predicted_rid(pdev_of(sim, "0000:02:01.0")), 0x0200);

	struct iommusim_smmu_counters before, after;
	cr_assert_eq(iommusim_smmu_counters(sim, &before), 0);
	out = run(sim, "dma write 0000:02:01.0 0x10000 4 0xaa\ndmesg");
	cr_assert_eq(iommusim_smmu_counters(sim, &after), 0);
	cr_assert_gt(after.events, before.events);
	cr_assert(contains(out, "event 0x02 received"), "C_BAD_STREAMID expected:\n%s", out);
	cr_assert(contains(out, "0x0000050000000002"), "StreamID 0x500 in the record:\n%s", out);
	free(out);
	iommusim_free(sim);
}

/*
 * A conventional bridge takes the transactions over with its own BDF: moving
 * the pci-bridge that hides a function onto a secondary bus number of another
 * bridge's group sends the hidden function's DMA into that group's domain.
 */
Test(pci_rid, disagreement_lands_in_another_group)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none "
				       "-device pcie-root-port,id=rp1,chassis=1,addr=1 "
				       "-device pci-bridge,id=pb,bus=rp1,chassis_nr=2 "
				       "-device pci-bridge,id=pb2,bus=pb,addr=1,chassis_nr=3 "
				       "-device virtio-rng-pci,bus=pb2,addr=1 "
				       "-device pcie-root-port,id=rp2,chassis=4,addr=2 "
				       "-device virtio-rng-pci,bus=rp2");
	/* 01:00.0 pb, 02:01.0 pb2, 03:01.0 rng (RID 01:00.0), 04:00.0 the other rng */
	uint16_t rid;
	cr_assert_eq(iommusim_pci_requester_id(sim, "0000:03:01.0", &rid, NULL), 0);
	cr_assert_eq(rid, 0x0100);
	int g_hidden = group_of(sim, "0000:01:00.0"), g_other = group_of(sim, "0000:04:00.0");
	cr_assert_neq(g_hidden, g_other);
	/* rp1's secondary bus becomes 4: pb (and everything it hides) now sends 04:00.0 */
	cr_assert_eq(iommusim_pci_config_write(sim, "0000:00:01.0", HW_PCI_SECONDARY_BUS, 1, 4), 0);
	cr_assert_eq(iommusim_pci_requester_id(sim, "0000:03:01.0", &rid, NULL), 0);
	cr_assert_eq(rid, 0x0400);
	cr_assert_eq(predicted_rid(pdev_of(sim, "0000:03:01.0")), 0x0100);
	char *out = run(sim, "dma write 0000:03:01.0 0x20000 4 0xaa\ndmesg");
	/* a translation fault in the other group's domain, StreamID 0x400 */
	cr_assert(contains(out, "0x0000040000000010"), "fault from StreamID 0x400:\n%s", out);
	free(out);
	iommusim_free(sim);
}
