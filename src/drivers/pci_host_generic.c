/*
 * pci-host-generic (drivers/pci/controller/pci-host-generic.c): binds the
 * ECAM host node, maps its config window (the node's reg), takes the
 * windows its ranges forward, enumerates what answers there and, as
 * pci_host_probe() does, sizes and assigns every BAR and bridge window
 * before the functions are added.
 */
#include <errno.h>
#include <libfdt.h>
#include "drivers/drivers.h"
#include "hw/system.h"
#include "pci/pci.h"
#include "pci/setup_bus.h"

static const char *const gen_pci_of_match[] = { "pci-host-ecam-generic", NULL };

static u64 read_cells(const fdt32_t *p, int n)
{
	u64 v = 0;
	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

/*
 * devm_of_pci_get_host_bridge_resources(): one window per ranges entry,
 * I/O or memory by the PCI address's space code (the 64-bit code loses
 * IORESOURCE_MEM_64 there), prefetchable by its bit, each entry logged;
 * the model keeps them in bus addresses (virt maps memory 1:1 and I/O
 * ports from 0).
 */
static unsigned of_pci_host_windows(struct platform_device *pdev, const void *fdt, int node, struct resource *win,
				    unsigned max)
{
	if (!fdt || node < 0)
		return 0;
	char path[256];
	if (fdt_get_path(fdt, node, path, sizeof(path)))
		snprintf(path, sizeof(path), "<unknown>");
	dev_info(&pdev->dev, "host bridge %s ranges:\n", path);
	int parent = fdt_parent_offset(fdt, node);
	int pna = parent >= 0 ? fdt_address_cells(fdt, parent) : 2;
	int ns = fdt_size_cells(fdt, node);
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, "ranges", &len);
	if (!p || pna < 1 || pna > 2 || ns < 1 || ns > 2)
		return 0;
	int entry = 3 + pna + ns;
	unsigned n = 0;
	for (int off = 0; (off + entry) * 4 <= len && n < max; off += entry) {
		u32 hi = fdt32_to_cpu(p[off]);
		u64 pci_addr = read_cells(p + off + 1, 2);
		u64 cpu_addr = read_cells(p + off + 3, pna);
		u64 size = read_cells(p + off + 3 + pna, ns);
		unsigned long flags = 0;
		switch ((hi >> 24) & 3) {
		case 1:
			flags = IORESOURCE_IO;
			break;
		case 2:
		case 3:
			flags = IORESOURCE_MEM;
			if (hi & 0x40000000)
				flags |= IORESOURCE_PREFETCH;
			break;
		}
		/* the kernel's %#012llx: 0x and ten digits, zero included */
		dev_info(&pdev->dev, "  %6s 0x%010llx..0x%010llx -> 0x%010llx\n",
			 flags & IORESOURCE_IO ? "IO" : flags & IORESOURCE_MEM ? "MEM" : "err",
			 (unsigned long long)cpu_addr, (unsigned long long)(cpu_addr + size - 1),
			 (unsigned long long)pci_addr);
		if (!flags || !size)
			continue;
		win[n++] = (struct resource){ .start = pci_addr, .end = pci_addr + size - 1, .flags = flags };
	}
	/* pci_parse_request_of_pci_ranges(): a 32-bit BAR cannot span a non-prefetchable window of 4G or more */
	bool res_valid = false;
	for (unsigned i = 0; i < n; i++) {
		if (!(win[i].flags & IORESOURCE_MEM) || (win[i].flags & IORESOURCE_PREFETCH))
			continue;
		res_valid = true;
		if (resource_size(&win[i]) >> 32)
			dev_warn(&pdev->dev, "Memory resource size exceeds max for 32 bits\n");
	}
	if (!res_valid)
		dev_warn(&pdev->dev, "non-prefetchable memory resource required\n");
	return n;
}

static int gen_pci_probe(struct platform_device *pdev)
{
	struct kernel *k = pdev->dev.k;
	/* pci_ecam_create(): the window is ioremapped; nothing decodes it, no host */
	struct hw_mmio ecam;
	if (!k->hw || hw_ioremap(k->hw, pdev->base, pdev->size, &ecam))
		return -ENODEV;
	/* pci_host_common_probe(): the DT's windows first, then the config window */
	struct resource windows[PCI_BUS_NUM_RESOURCES];
	unsigned nwindows = of_pci_host_windows(pdev, k->fdt, pdev->dev.of_node, windows, PCI_BUS_NUM_RESOURCES);
	dev_info(&pdev->dev, "ECAM at [mem %#010llx-%#010llx] for [bus 00-ff]\n",
		 (unsigned long long)pdev->base, (unsigned long long)(pdev->base + pdev->size - 1));
	struct pci_host *host = pci_scan_root_bus(k, &pdev->dev, &ecam, windows, nwindows);
	if (!host)
		return -ENOMEM;
	/* pci_host_probe(): not PCI_PROBE_ONLY, so everything is assigned afresh */
	pci_host_assign_resources(host->root);
	pci_bus_add_devices(host->root);
	return 0;
}

struct platform_driver gen_pci_driver = {
	.driver = { .name = "pci-host-generic", .bus = &platform_bus_type },
	.of_match_table = gen_pci_of_match,
	.probe = gen_pci_probe,
};
