/*
 * The topology as a Graphviz picture (--dot): the host bridge, buses and
 * bridges, every PCI function with its StreamID, the SMMU, and one cluster
 * per IOMMU group labelled with its domain type. `dot -Tsvg` draws it.
 */
#include <stdio.h>
#include "iommusim/iommusim.h"
#include "script/session.h"
#include "drivers/device_dma.h"
#include "iommu/iommu.h"
#include "pci/pci.h"

static void node_id(FILE *out, const struct pci_dev *p)
{
	fprintf(out, "\"%s\"", p->dev.name);
}

static void print_function(FILE *out, struct pci_dev *p)
{
	u32 sid;
	char sidstr[32] = "";
	if (!device_stream_id(&p->dev, &sid))
		snprintf(sidstr, sizeof(sidstr), "\\nsid 0x%x", sid);
	fprintf(out, "    ");
	node_id(out, p);
	fprintf(out, " [label=\"%s\\n%04x:%04x%s%s%s\"%s];\n", p->dev.name, p->vendor, p->device, sidstr,
		p->dev.driver ? "\\n" : "", p->dev.driver ? p->dev.driver->name : "",
		p->subordinate ? " shape=box3d" : "");
}

void iommusim_print_dot(struct iommusim *sim, FILE *out)
{
	struct kernel *k = sim->k;
	struct pci_host *host = k->pci;
	struct iommu_core *c = iommu_core(k);

	fprintf(out, "digraph iommusim {\n  rankdir=TB;\n  node [shape=box fontname=\"monospace\" fontsize=10];\n");
	if (k->smmu)
		fprintf(out, "  smmu [label=\"SMMUv3 9050000.smmuv3\" shape=octagon];\n");
	if (!host) {
		fprintf(out, "}\n");
		return;
	}
	fprintf(out, "  host [label=\"%s\\nPCIe host bridge\" shape=house];\n", host->bridge_parent->name);
	if (k->smmu)
		fprintf(out, "  host -> smmu [label=\"iommu-map\" style=dashed];\n");
	/* one cluster per group, the rest loose */
	for (size_t g = 0; g < c->ngroups; g++) {
		struct iommu_group *grp = c->groups[g];
		if (!grp)
			continue;
		fprintf(out, "  subgraph cluster_group%zu {\n    label=\"group %zu (%s)\";\n    style=rounded;\n", g, g,
			iommu_domain_type_sysfs(grp->default_domain));
		for (size_t i = 0; i < grp->ndevices; i++)
			if (dev_is_pci(grp->devices[i]))
				print_function(out, to_pci_dev(grp->devices[i]));
		fprintf(out, "  }\n");
	}
	for (size_t i = 0; i < host->nall; i++)
		if (!host->all[i]->dev.iommu_group)
			print_function(out, host->all[i]);
	/* edges: each function hangs off its bus's bridge, or the host bridge */
	for (size_t i = 0; i < host->nall; i++) {
		struct pci_dev *p = host->all[i];
		fprintf(out, "  ");
		if (p->bus->self)
			node_id(out, p->bus->self);
		else
			fprintf(out, "host");
		fprintf(out, " -> ");
		node_id(out, p);
		fprintf(out, " [label=\"bus %02x\"];\n", p->bus->number);
	}
	fprintf(out, "}\n");
}
