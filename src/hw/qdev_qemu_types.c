/*
 * The device types qemu-system-aarch64 7.2 lets a user create (its
 * -device help, aliases included), so that iommusim can tell a type it does
 * not model from one QEMU does not have at all.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/qdev.h"

static const char *const qemu_7_2_devices[] = {
	"160s33b", "320s33b", "640s33b", "AC97", "ES1370", "VGA", "ac97", "acpi-erst",
	"adm1272", "ads7846", "ahci", "am53c974", "aspeed.i2c.slave", "at24c-eeprom",
	"at25128a-nonjedec", "at25256a-nonjedec", "at25df041a", "at25df321a", "at25df641",
	"at25fs010", "at25fs040", "at26df081a", "at26df161a", "at26df321", "at26f004",
	"at45db081d", "ati-vga", "bcm2835-cprman-clock-mux", "bcm2835-cprman-dsi0hsck-mux",
	"bcm2835-cprman-pll", "bcm2835-cprman-pll-channel", "bochs-display",
	"ccid-card-emulated", "ccid-card-passthru", "cirrus-vga", "corgi-ssp", "ctucan_pci",
	"cxl-downstream", "cxl-rp", "cxl-type3", "cxl-upstream", "dc390", "dpcd", "dps310",
	"ds1338", "e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e", "edu",
	"emc1413", "emc1414", "en25f32", "en25p32", "en25p64", "en25q32b", "en25q64", "es1370",
	"gd25q32", "gd25q64", "guest-loader", "hda-duplex", "hda-micro", "hda-output",
	"i2c-ddc", "i6300esb", "i82550", "i82551", "i82557a", "i82557b", "i82557c", "i82558a",
	"i82558b", "i82559a", "i82559b", "i82559c", "i82559er", "i82562", "i82801",
	"i82801b11-bridge", "ich9-ahci", "ich9-intel-hda", "ich9-usb-ehci1", "ich9-usb-ehci2",
	"ich9-usb-uhci1", "ich9-usb-uhci2", "ich9-usb-uhci3", "ich9-usb-uhci4",
	"ich9-usb-uhci5", "ich9-usb-uhci6", "ide-cd", "ide-hd", "intel-hda", "ioh3420",
	"ipoctal232", "is25lp016d", "is25lp032", "is25lp064", "is25lp080d", "is25lp128",
	"is25lp256", "is25lq040b", "is25wp032", "is25wp064", "is25wp128", "is25wp256",
	"isl69259", "isl69260", "ivshmem-doorbell", "ivshmem-plain", "kvaser_pci", "led",
	"lm8323", "loader", "lsi", "lsi53c810", "lsi53c895a", "lsm303dlhc_mag", "m25p05",
	"m25p10", "m25p128", "m25p16", "m25p20", "m25p32", "m25p40", "m25p64", "m25p80",
	"m25pe16", "m25pe20", "m25pe80", "m25px32", "m25px32-s0", "m25px32-s1", "m25px64",
	"m41t80", "m45pe10", "m45pe16", "m45pe80", "max1110", "max1111", "max31785",
	"max34451", "max7310", "megasas", "megasas-gen2", "mioe3680_pci", "mptsas1068",
	"mt25ql01g", "mt25ql02g", "mt25ql512ab", "mt25qu01g", "mt25qu02g", "mt35xu01g",
	"mx25l12805d", "mx25l12855e", "mx25l1606e", "mx25l2005a", "mx25l25635e", "mx25l25635f",
	"mx25l25655e", "mx25l3205d", "mx25l4005a", "mx25l6405d", "mx25l8005", "mx66l1g45g",
	"mx66l51235f", "mx66u1g45g", "mx66u51235f", "n25q00", "n25q00a", "n25q032",
	"n25q032a11", "n25q032a13", "n25q064", "n25q064a11", "n25q064a13", "n25q128",
	"n25q128a11", "n25q128a13", "n25q256a", "n25q256a11", "n25q256a13", "n25q512a",
	"n25q512a11", "n25q512a13", "n25q512ax3", "nand", "ne2k_pci", "nec-usb-xhci",
	"npcm7xx-clock-divider", "npcm7xx-clock-pll", "npcm7xx-clock-sel", "nvdimm", "nvme",
	"nvme-ns", "nvme-subsys", "pc-dimm", "pca9546", "pca9548", "pca9552", "pci-bridge",
	"pci-bridge-seat", "pci-ohci", "pci-serial", "pci-serial-2x", "pci-serial-4x",
	"pci-testdev", "pcie-pci-bridge", "pcie-root-port", "pcm3680_pci", "pcnet",
	"piix3-usb-uhci", "piix4-usb-uhci", "pvpanic-pci", "pvrdma", "pvscsi",
	"pxa2xx-i2c-slave", "pxb", "pxb-cxl", "pxb-pcie", "qemu-xhci", "raa228000",
	"raa229004", "ramfb", "rocker", "rtl8139", "s25fl016k", "s25fl064k", "s25fl129p0",
	"s25fl129p1", "s25fl256s0", "s25fl256s1", "s25fl512s", "s25fs512s", "s25sl004a",
	"s25sl008a", "s25sl016a", "s25sl032a", "s25sl032p", "s25sl064a", "s25sl064p",
	"s25sl12800", "s25sl12801", "s70fl01gs", "s70fs01gs", "scsi-block", "scsi-cd",
	"scsi-generic", "scsi-hd", "sd-card", "sdhci-pci", "secondary-vga", "sii9022",
	"spitz-lcdtg", "ssd0303", "ssd0323", "sst25vf016b", "sst25vf032b", "sst25vf040b",
	"sst25vf080b", "sst25wf010", "sst25wf020", "sst25wf040", "sst25wf080", "sst25wf512",
	"tmp105", "tmp421", "tmp422", "tmp423", "tosa-ssp", "tosa_dac", "tpci200",
	"tpm-tis-device", "tulip", "twl92230", "u2f-passthru", "usb-audio", "usb-bot",
	"usb-braille", "usb-ccid", "usb-ehci", "usb-host", "usb-hub", "usb-kbd", "usb-mouse",
	"usb-mtp", "usb-net", "usb-redir", "usb-serial", "usb-storage", "usb-tablet",
	"usb-uas", "usb-wacom-tablet", "vfio-amd-xgbe", "vfio-calxeda-xgmac", "vfio-pci",
	"vfio-pci-nohotplug", "vfio-platform", "vhost-scsi", "vhost-scsi-pci",
	"vhost-scsi-pci-non-transitional", "vhost-scsi-pci-transitional", "vhost-user-blk",
	"vhost-user-blk-pci", "vhost-user-blk-pci-non-transitional",
	"vhost-user-blk-pci-transitional", "vhost-user-fs-device", "vhost-user-fs-pci",
	"vhost-user-gpio-device", "vhost-user-gpio-pci", "vhost-user-gpu",
	"vhost-user-gpu-pci", "vhost-user-i2c-device", "vhost-user-i2c-pci",
	"vhost-user-input", "vhost-user-input-pci", "vhost-user-rng", "vhost-user-rng-pci",
	"vhost-user-scsi", "vhost-user-scsi-pci", "vhost-user-scsi-pci-non-transitional",
	"vhost-user-scsi-pci-transitional", "vhost-user-vsock-device", "vhost-user-vsock-pci",
	"vhost-user-vsock-pci-non-transitional", "vhost-vsock-device", "vhost-vsock-pci",
	"vhost-vsock-pci-non-transitional", "virtconsole", "virtio-9p", "virtio-9p-device",
	"virtio-9p-pci", "virtio-9p-pci-non-transitional", "virtio-9p-pci-transitional",
	"virtio-balloon", "virtio-balloon-device", "virtio-balloon-pci",
	"virtio-balloon-pci-non-transitional", "virtio-balloon-pci-transitional", "virtio-blk",
	"virtio-blk-device", "virtio-blk-pci", "virtio-blk-pci-non-transitional",
	"virtio-blk-pci-transitional", "virtio-crypto-device", "virtio-crypto-pci",
	"virtio-gpu", "virtio-gpu-device", "virtio-gpu-gl", "virtio-gpu-gl-device",
	"virtio-gpu-gl-pci", "virtio-gpu-pci", "virtio-input-host", "virtio-input-host-device",
	"virtio-input-host-pci", "virtio-iommu", "virtio-iommu-device", "virtio-iommu-pci",
	"virtio-keyboard", "virtio-keyboard-device", "virtio-keyboard-pci", "virtio-mem",
	"virtio-mem-pci", "virtio-mouse", "virtio-mouse-device", "virtio-mouse-pci",
	"virtio-net", "virtio-net-device", "virtio-net-pci", "virtio-net-pci-non-transitional",
	"virtio-net-pci-transitional", "virtio-rng", "virtio-rng-device", "virtio-rng-pci",
	"virtio-rng-pci-non-transitional", "virtio-rng-pci-transitional", "virtio-scsi",
	"virtio-scsi-device", "virtio-scsi-pci", "virtio-scsi-pci-non-transitional",
	"virtio-scsi-pci-transitional", "virtio-serial", "virtio-serial-device",
	"virtio-serial-pci", "virtio-serial-pci-non-transitional",
	"virtio-serial-pci-transitional", "virtio-tablet", "virtio-tablet-device",
	"virtio-tablet-pci", "virtserialport", "vmcoreinfo", "vmware-svga", "vmxnet3",
	"w25q01jvq", "w25q256", "w25q32", "w25q32dw", "w25q512jv", "w25q64", "w25q80",
	"w25q80bl", "w25x10", "w25x16", "w25x20", "w25x32", "w25x40", "w25x64", "w25x80",
	"wm8750", "x3130-upstream", "xio3130-downstream", "xlnx,efuse",
};

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

bool qdev_qemu_has_device(const char *name)
{
	return bsearch(name, qemu_7_2_devices, sizeof(qemu_7_2_devices) / sizeof(qemu_7_2_devices[0]),
		       sizeof(qemu_7_2_devices[0]), cmp_name) != NULL;
}
