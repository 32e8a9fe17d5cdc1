/*
 * Script verbs that make devices do DMA and look at memory:
 *   dma read|write DEVICE ADDR LEN [PATTERN]
 *   dma map|unmap|sync|alloc DEVICE ...
 *   mem read|write PA LEN [PATTERN]
 *   iommu map DEVICE IOVA PA LEN [r|w|rw]   /  iommu unmap DEVICE IOVA LEN
 *   smmu ste DEVICE [pasid N]  /  smmu walk DEVICE IOVA [r|w] [pasid N]
 * A PATTERN is a byte (0xNN) repeated, or a string repeated. A DEVICE is
 * named as device_arg.h says (0000:01:00.0, 01:00.0, virtio1, vda, ...); a
 * virtio device or a disk means the transport that does its DMA.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "script/verbs.h"
#include "script/device_arg.h"
#include "drivers/device_dma.h"
#include "hw/system.h"
#include "iommu/iommu.h"
#include "pgtable/io_pgtable.h"
#include "pci/pci.h"
#include "hw/smmuv3/smmu_debug.h"
#include "dma/mapping.h"

#define MAX_XFER (16u << 20)

int verb_parse_u64(const char *s, u64 *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-')
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_len(const char *s, u64 *out)
{
	if (verb_parse_u64(s, out) || !*out || *out > MAX_XFER)
		return -EINVAL;
	return 0;
}

void verb_fill_pattern(u8 *buf, size_t len, const char *pat)
{
	u64 byte;
	if (pat && !strncmp(pat, "0x", 2) && !verb_parse_u64(pat, &byte) && byte <= 0xff) {
		memset(buf, (int)byte, len);
		return;
	}
	size_t plen = pat ? strlen(pat) : 0;
	for (size_t i = 0; i < len; i++)
		buf[i] = plen ? (u8)pat[i % plen] : (u8)i;
}

/* Like xxd: offset, 16 bytes in hex pairs, then the printable ones. */
void hexdump(FILE *out, u64 base, const u8 *buf, size_t len)
{
	for (size_t off = 0; off < len; off += 16) {
		fprintf(out, "%010llx:", (unsigned long long)(base + off));
		for (size_t i = 0; i < 16; i++) {
			if (i % 2 == 0)
				fputc(' ', out);
			if (off + i < len)
				fprintf(out, "%02x", buf[off + i]);
			else
				fputs("  ", out);
		}
		fputs("  ", out);
		for (size_t i = 0; i < 16 && off + i < len; i++)
			fputc(buf[off + i] >= 0x20 && buf[off + i] < 0x7f ? buf[off + i] : '.', out);
		fputc('\n', out);
	}
}

static int parse_dir(const char *s, enum dma_data_direction *dir)
{
	static const char *const names[] = { "bidirectional", "to-device", "from-device" };
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*dir = (enum dma_data_direction)i;
			return 0;
		}
	return -EINVAL;
}

/* dma map|unmap|sync|alloc: the DMA API as a driver calls it */
static int dma_api_verb(struct device *dev, int argc, char **argv, FILE *out)
{
	const char *op = argv[1];
	u64 a, len;
	enum dma_data_direction dir = DMA_BIDIRECTIONAL;
	if (!strcmp(op, "alloc")) {
		u64 handle;
		if (argc != 4 || parse_len(argv[3], &len))
			goto usage;
		u64 pa = dma_alloc_coherent(dev, len, &handle);
		if (!pa) {
			fprintf(out, "dma: %s: dma_alloc_coherent of %llu bytes failed\n", dev->name,
				(unsigned long long)len);
			return -ENOMEM;
		}
		fprintf(out, "cpu 0x%llx dma 0x%llx\n", (unsigned long long)pa, (unsigned long long)handle);
		return 0;
	}
	bool sync = !strcmp(op, "sync");
	int dir_arg = sync ? 6 : 5;
	if (argc < 5 || argc > dir_arg + 1 || verb_parse_u64(argv[3], &a) || parse_len(argv[4], &len) ||
	    (argc == dir_arg + 1 && parse_dir(argv[dir_arg], &dir)) ||
	    (sync && (argc < 6 || (strcmp(argv[5], "for-cpu") && strcmp(argv[5], "for-device")))))
		goto usage;
	if (!strcmp(op, "map")) {
		u64 dma = dma_map_page_attrs(dev, a, len, dir, 0);
		if (dma == DMA_MAPPING_ERROR) {
			fprintf(out, "dma: %s: dma_map of %#llx+%#llx failed (%s)\n", dev->name,
				(unsigned long long)a, (unsigned long long)len, dma_ops_name(dev));
			return -ENOMEM;
		}
		fprintf(out, "dma 0x%llx (%s)\n", (unsigned long long)dma, dma_ops_name(dev));
	} else if (!strcmp(op, "unmap")) {
		/* Linux only WARNs on a bad unmap; the model refuses it and counts it */
		u64 errors = dma_dev_stats(dev)->unmap_errors;
		dma_unmap_page_attrs(dev, a, len, dir, 0);
		if (dma_dev_stats(dev)->unmap_errors != errors) {
			fprintf(out, "dma: %s: unmap of %#llx+%#llx refused: not a live mapping\n", dev->name,
				(unsigned long long)a, (unsigned long long)len);
			return -EINVAL;
		}
	} else if (sync) {
		if (!strcmp(argv[5], "for-cpu"))
			dma_sync_single_for_cpu(dev, a, len, dir);
		else
			dma_sync_single_for_device(dev, a, len, dir);
	}
	return 0;
usage:
	fprintf(out, "dma: usage: dma map DEVICE PA LEN [DIR] | dma unmap DEVICE DMA LEN [DIR] | "
		     "dma sync DEVICE DMA LEN for-cpu|for-device [DIR] | dma alloc DEVICE LEN "
		     "(DIR: bidirectional, to-device, from-device)\n");
	return -EINVAL;
}

int verb_dma(struct kernel *k, int argc, char **argv, FILE *out)
{
	u64 addr, len;
	bool write = argc >= 2 && !strcmp(argv[1], "write");
	bool api = argc >= 3 && (!strcmp(argv[1], "map") || !strcmp(argv[1], "unmap") ||
				 !strcmp(argv[1], "sync") || !strcmp(argv[1], "alloc"));
	if (!api && (argc < 5 || argc > 6 || (strcmp(argv[1], "read") && !write) || (!write && argc == 6))) {
		fprintf(out, "dma: usage: dma read|write DEVICE ADDR LEN [PATTERN] | dma map|unmap|sync|alloc ...\n");
		return -EINVAL;
	}
	struct device *dev = verb_dma_device(k, "dma", argv[2], out);
	if (!dev)
		return -ENODEV;
	if (api)
		return dma_api_verb(dev, argc, argv, out);
	if (verb_parse_u64(argv[3], &addr) || parse_len(argv[4], &len)) {
		fprintf(out, "dma: bad address or length '%s %s' (length 1..%u)\n", argv[3], argv[4], MAX_XFER);
		return -EINVAL;
	}
	u8 *buf = calloc(1, len);
	if (!buf)
		return -ENOMEM;
	if (write)
		verb_fill_pattern(buf, len, argc == 6 ? argv[5] : NULL);
	int ret = device_dma(dev, addr, buf, len, write, false);
	if (ret)
		fprintf(out, "dma: %s: %s of %llu bytes at %#llx failed: %s\n", dev->name,
			write ? "write" : "read", (unsigned long long)len, (unsigned long long)addr,
			strerror(-ret));
	else if (!write)
		hexdump(out, addr, buf, len);
	free(buf);
	return ret;
}

int verb_mem(struct kernel *k, int argc, char **argv, FILE *out)
{
	struct hw_system *hw = k->hw;
	u64 pa, len;
	bool write = argc >= 2 && !strcmp(argv[1], "write");
	if (argc < 4 || argc > 5 || (strcmp(argv[1], "read") && !write) || (!write && argc == 5)) {
		fprintf(out, "mem: usage: mem read|write PA LEN [PATTERN]\n");
		return -EINVAL;
	}
	if (verb_parse_u64(argv[2], &pa) || parse_len(argv[3], &len)) {
		fprintf(out, "mem: bad address or length '%s %s' (length 1..%u)\n", argv[2], argv[3], MAX_XFER);
		return -EINVAL;
	}
	u8 *buf = calloc(1, len);
	if (!buf)
		return -ENOMEM;
	int ret;
	if (write) {
		verb_fill_pattern(buf, len, argc == 5 ? argv[4] : NULL);
		ret = guest_mem_write(hw->mem, pa, buf, len);
	} else {
		ret = guest_mem_read(hw->mem, pa, buf, len);
		if (!ret)
			hexdump(out, pa, buf, len);
	}
	if (ret)
		fprintf(out, "mem: %#llx+%#llx is not RAM\n", (unsigned long long)pa, (unsigned long long)len);
	free(buf);
	return ret;
}

static int parse_prot(const char *s, int *prot)
{
	if (!strcmp(s, "r"))
		*prot = IOMMU_READ;
	else if (!strcmp(s, "w"))
		*prot = IOMMU_WRITE;
	else if (!strcmp(s, "rw"))
		*prot = IOMMU_READ | IOMMU_WRITE;
	else
		return -EINVAL;
	return 0;
}

int verb_iommu(struct kernel *k, int argc, char **argv, FILE *out)
{
	bool map = argc >= 2 && !strcmp(argv[1], "map");
	bool unmap = argc >= 2 && !strcmp(argv[1], "unmap");
	if ((map && (argc < 6 || argc > 7)) || (unmap && argc != 5) || (!map && !unmap)) {
		fprintf(out, "iommu: usage: iommu map DEVICE IOVA PA LEN [r|w|rw] | iommu unmap DEVICE IOVA LEN\n");
		return -EINVAL;
	}
	struct device *dev = verb_dma_device(k, "iommu", argv[2], out);
	if (!dev)
		return -ENODEV;
	struct iommu_domain *domain = iommu_get_domain_for_dev(dev);
	if (!domain) {
		fprintf(out, "iommu: %s: not in an IOMMU domain\n", dev->name);
		return -ENODEV;
	}
	u64 iova, pa = 0, len;
	int prot = IOMMU_READ | IOMMU_WRITE;
	if (verb_parse_u64(argv[3], &iova) || (map && verb_parse_u64(argv[4], &pa)) ||
	    verb_parse_u64(argv[map ? 5 : 4], &len) || (map && argc == 7 && parse_prot(argv[6], &prot))) {
		fprintf(out, "iommu: bad argument\n");
		return -EINVAL;
	}
	if (dev->dma_coherent)
		prot |= IOMMU_CACHE;
	if (!(domain->type & __IOMMU_DOMAIN_PAGING)) {
		fprintf(out, "iommu: %s: its domain (%s) has no page tables\n", dev->name,
			iommu_domain_type_sysfs(domain));
		return -EINVAL;
	}
	if (map) {
		int ret = iommu_map(domain, iova, pa, len, prot);
		if (ret)
			fprintf(out, "iommu: map %#llx -> %#llx (%#llx bytes) failed: %s\n",
				(unsigned long long)iova, (unsigned long long)pa, (unsigned long long)len,
				strerror(-ret));
		return ret;
	}
	size_t done = iommu_unmap(domain, iova, len);
	if (done != len) {
		fprintf(out, "iommu: unmap %#llx (%#llx bytes) unmapped %#zx\n", (unsigned long long)iova,
			(unsigned long long)len, done);
		return -EINVAL;
	}
	return 0;
}

/*
 * smmu ste DEVICE [pasid N] | smmu walk DEVICE IOVA [r|w] [pasid N]: the
 * hardware's view of a device's DMA (with a PASID: its substream's CD).
 */
int verb_smmu(struct kernel *k, int argc, char **argv, FILE *out)
{
	struct hw_system *hw = k->hw;
	u32 ssid = SMMU_NO_SSID;
	bool with_pasid = argc >= 5 && !strcmp(argv[argc - 2], "pasid");
	int n = with_pasid ? argc - 2 : argc; /* the arguments before "pasid N" */
	bool ste = n == 3 && !strcmp(argv[1], "ste");
	bool walk = (n == 4 || n == 5) && !strcmp(argv[1], "walk");
	if (!ste && !walk) {
		fprintf(out, "smmu: usage: smmu ste DEVICE [pasid N] | smmu walk DEVICE IOVA [r|w] [pasid N]\n");
		return -EINVAL;
	}
	if (with_pasid) {
		u64 v;
		/* a SubstreamID has 20 bits */
		if (verb_parse_u64(argv[argc - 1], &v) || v >= (1u << 20)) {
			fprintf(out, "smmu: bad argument\n");
			return -EINVAL;
		}
		ssid = (u32)v;
	}
	struct device *dev = verb_dma_device(k, "smmu", argv[2], out);
	if (!dev)
		return -ENODEV;
	u32 sid;
	if (!hw->smmu || device_stream_id(dev, &sid)) {
		fprintf(out, "smmu: %s: its DMA does not go through an SMMU\n", dev->name);
		return -ENODEV;
	}
	if (ste) {
		fprintf(out, "%s: sid 0x%x\n", dev->name, sid);
		return smmu_hw_debug_ste(hw->smmu, sid, ssid, out);
	}
	u64 iova;
	bool write = n == 5 && !strcmp(argv[4], "w");
	if (verb_parse_u64(argv[3], &iova) || (n == 5 && !write && strcmp(argv[4], "r"))) {
		fprintf(out, "smmu: bad argument\n");
		return -EINVAL;
	}
	return smmu_hw_debug_walk(hw->smmu, sid, ssid, iova, write, out);
}
