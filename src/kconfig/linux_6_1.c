/*
 * The reference kernel: Debian 12's arm64 cloud kernel, 6.1.0-50-cloud-arm64
 * (package 6.1.176-1). Each value is what its /boot/config says (an option
 * absent from it is "n"); the modules are the ones the reference guest's
 * initramfs holds, with its modules.dep (depmod over those modules: it lists
 * virtio before virtio_ring, Debian's full tree the other way round) and the
 * sizes and users lsmod prints on it; modules.builtin is Debian's.
 * test_kconfig compares all of it with the real files when the oracle is set up.
 */
#include "kconfig/kconfig.h"

#define Y { 'y', 1 }
#define M { 'm', 1 }
#define N { 'n', 0 }
#define NUM(v) { 'y', (v) }

/* link order (drivers/Makefile: pci/ virtio/ char/ iommu/ block/ scsi/ nvme/ ata/ net/ vfio/ usb/) */
static const struct kconfig_driver drivers[] = {
	{ KCONFIG_PCIEPORTBUS, "pcieport", NULL, false, "pcieportdrv" },
	{ KCONFIG_PCI_STUB, "pci-stub", "pci_stub", false, NULL },
	{ KCONFIG_PCI_HOST_GENERIC, "pci-host-generic", "pci_host_generic", false, NULL },
	{ KCONFIG_VIRTIO_MMIO, "virtio-mmio", "virtio_mmio", false, NULL },
	{ KCONFIG_VIRTIO_PCI, "virtio-pci", "virtio_pci", false, NULL },
	{ KCONFIG_VIRTIO_CONSOLE, "virtio_console", "virtio_console", false, NULL },
	{ KCONFIG_HW_RANDOM_VIRTIO, "virtio_rng", "virtio_rng", false, NULL },
	{ KCONFIG_ARM_SMMU_V3, "arm-smmu-v3", "arm_smmu_v3", false, NULL },
	{ KCONFIG_VIRTIO_BLK, "virtio_blk", "virtio_blk", false, NULL },
	{ KCONFIG_SCSI_VIRTIO, "virtio_scsi", "virtio_scsi", false, NULL },
	{ KCONFIG_BLK_DEV_NVME, "nvme", "nvme", true, NULL },	/* use_threaded_interrupts, io_queue_depth, ... */
	{ KCONFIG_SATA_AHCI, "ahci", "ahci", false, NULL },
	{ KCONFIG_E1000, "e1000", "e1000", false, NULL },
	{ KCONFIG_E1000E, "e1000e", "e1000e", false, NULL },
	{ KCONFIG_IGB, "igb", "igb", false, NULL },
	{ KCONFIG_VIRTIO_NET, "virtio_net", "virtio_net", false, NULL },
	{ KCONFIG_VFIO_PCI, "vfio-pci", "vfio_pci", false, NULL },
	{ KCONFIG_USB_XHCI_HCD, "xhci_hcd", "xhci_pci", false, NULL },
};

static const struct kconfig_module modules[] = {
	{ "virtio_ring", 32768, { NULL }, { NULL }, NULL },
	{ "virtio", 24576, { NULL }, { NULL }, NULL },
	{ "virtio_pci_modern_dev", 16384, { NULL }, { NULL }, NULL },
	{ "virtio_pci_legacy_dev", 16384, { NULL }, { NULL }, NULL },
	{ "virtio_pci", 28672,
	  { "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio", "virtio_ring" },
	  { "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio", "virtio_ring" }, NULL },
	{ "virtio_mmio", 24576, { "virtio", "virtio_ring" }, { "virtio", "virtio_ring" }, NULL },
	{ "virtio_blk", 28672, { "virtio", "virtio_ring" }, { "virtio", "virtio_ring" }, NULL },
	{ "virtio_console", 40960, { "virtio", "virtio_ring" }, { "virtio", "virtio_ring" }, NULL },
	{ "virtio_rng", 16384, { "virtio", "virtio_ring" }, { "virtio", "virtio_ring" }, NULL },
	{ "failover", 16384, { NULL }, { NULL }, NULL },
	{ "net_failover", 20480, { "failover" }, { "failover" }, NULL },
	{ "virtio_net", 57344, { "net_failover", "failover", "virtio", "virtio_ring" },
	  { "net_failover", "virtio", "virtio_ring" }, NULL },
	{ "scsi_common", 16384, { NULL }, { NULL }, NULL },
	{ "scsi_mod", 225280, { "scsi_common" }, { "scsi_common" }, "SCSI subsystem initialized" },
	{ "virtio_scsi", 24576, { "scsi_mod", "scsi_common", "virtio", "virtio_ring" },
	  { "scsi_mod", "virtio", "virtio_ring" }, NULL },
	{ "vfio", 32768, { NULL }, { NULL }, "VFIO - User Level meta-driver version: 0.3" },
	{ "vfio_iommu_type1", 40960, { "vfio" }, { "vfio" }, NULL },
	{ "vfio_virqfd", 20480, { NULL }, { NULL }, NULL },
	{ "vfio_pci_core", 65536, { "vfio_virqfd", "vfio" }, { "vfio_virqfd", "vfio" }, NULL },
	{ "vfio_pci", 16384, { "vfio_pci_core", "vfio_virqfd", "vfio" }, { "vfio_pci_core", "vfio" }, NULL },
};

/* what sysfs shows of the modules above (checked on the oracle) */
static const struct kconfig_modinfo modinfo[] = {
	{ "virtio_pci_modern_dev", "0.1", "B18FACCF2BA59234D8AC872", NULL, { { NULL } } },
	{ "virtio_pci_legacy_dev", "0.1", "B166D1C71CE630F00545238", NULL, { { NULL } } },
	{ "virtio_pci", "1", "EE09249788678838FC31C8E", NULL, { { "force_legacy", "N", false } } },
	{ "virtio_blk", NULL, NULL, NULL,
	  { { "num_request_queues", "0", true }, { "poll_queues", "0", true }, { "queue_depth", "0", false } } },
	{ "virtio_net", NULL, NULL, NULL,
	  { { "csum", "Y", false }, { "gso", "Y", false }, { "napi_tx", "Y", true },
	    { "napi_weight", "64", false } } },
	{ "vfio", "0.3", "F44179E11F19FFF994DDC6A", NULL, { { NULL } } },
	{ "vfio_iommu_type1", "0.2", "96D811079CA7C719196A48A", NULL,
	  { { "allow_unsafe_interrupts", "N", true }, { "disable_hugepages", "N", true },
	    { "dma_entry_limit", "65535", true } } },
	{ "vfio_virqfd", "0.1", "D09EB864D2F0945A543E653", NULL, { { NULL } } },
	{ "vfio_pci", NULL, NULL, NULL,
	  { { "disable_denylist", "N", false }, { "disable_idle_d3", "N", true },
	    { "enable_sriov", "N", true }, { "nointxmask", "N", true } } },
};

/* modules.builtin (203 lines), each name as modprobe reads it */
static const char *const builtin[] = {
	"kvm", "binfmt_script", "binfmt_elf", "compat_binfmt_elf", "mbcache", "nfs_ssc", "ext4",
	"jbd2", "exportfs", "nls_base", "unicode", "utf8data", "pstore", "encrypted_keys",
	"crypto", "crypto_algapi", "aead", "geniv", "skcipher", "crypto_hash", "akcipher", "kpp",
	"dh_generic", "rsa_generic", "crypto_acompress", "cryptomgr", "hmac", "crypto_null",
	"md5", "sha1_generic", "sha256_generic", "cbc", "aes_generic", "deflate",
	"crc32c_generic", "crct10dif_common", "crct10dif_generic", "crc64_rocksoft_generic",
	"rng", "asymmetric_keys", "public_key", "x509_key_parser", "pkcs7_message",
	"kdf_sp800108", "bsg", "mq_deadline", "t10_pi", "rational", "libcryptoutils", "libaes",
	"libblake2s", "libsha1", "libsha256", "crc_ccitt", "crc16", "crc_t10dif", "crc32",
	"crc64", "crc8", "crc64_rocksoft", "xxhash", "zlib_inflate", "zlib_deflate",
	"lzo_compress", "lzo_decompress", "lz4_decompress", "zstd_decompress", "zstd_common",
	"xz_dec", "glob", "mpi", "digsig", "asn1_decoder", "font", "oid_registry", "ucs2_string",
	"irq_mbigen", "qcom_pdc", "arm_cci", "qcom_ebi2", "simple_pm_bus", "vexpress_config",
	"pinctrl_amd", "pinctrl_single", "pinctrl_msm", "pinctrl_msm8916", "pinctrl_msm8996",
	"pinctrl_ssbi_gpio", "pinctrl_ssbi_mpp", "pinctrl_sdm845", "gpio_generic", "gpio_pl061",
	"gpio_xlp", "acpiphp", "pci_host_common", "pci_host_generic", "pcie_kirin", "backlight",
	"fb", "cfbfillrect", "cfbcopyarea", "cfbimgblt", "sysfillrect", "syscopyarea",
	"sysimgblt", "fb_sys_fops", "amba_clcd", "xen_fbfront", "ac", "button", "fan",
	"processor", "thermal", "battery", "hed", "clk_scmi", "crg_hi3516cv300", "clk_hi3519",
	"clk_hi3559a", "crg_hi3798cv200", "clk_qcom", "gcc_msm8916", "gcc_msm8996",
	"mmcc_msm8996", "clk_rpmh", "gcc_sdm845", "hfpll", "clk_vexpress_osc", "qcom_geni_se",
	"cmd_db", "qcom_rpmh", "rpmhpd", "xenbus", "xenbus_probe_frontend", "hi6220_reset",
	"reset_hi3660", "reset_qcom_aoss", "reset_scmi", "n_null", "serial_core", "8250",
	"8250_base", "8250_pci", "8250_dw", "8250_pericom", "8250_of", "amba_pl010", "amba_pl011",
	"msm_serial", "qcom_geni_serial", "xilinx_uartps", "fsl_lpuart", "serial_mctrl_gpio",
	"serdev", "rng_core", "tpm", "tpm_crb", "arm_smmu", "arm_smmu_v3", "iova",
	"drm_panel_orientation_quirks", "cn", "firmware_class", "regmap_mmio", "mfd_core",
	"vexpress_sysreg", "cxl_core", "cxl_port", "nvme_core", "nvme", "serio", "libps2",
	"input_core", "vivaldi_fmap", "atkbd", "rtc_efi", "rtc_pl031", "pps_core", "ptp",
	"ptp_kvm", "gpio_poweroff", "gpio_restart", "restart_poweroff", "power_supply",
	"dmi_sysfs", "qcom_scm", "scmi_module", "scmi_pm_domain", "arm_cci", "hisi_uncore_pmu",
	"hisi_uncore_l3c_pmu", "hisi_uncore_hha_pmu", "hisi_uncore_ddrc_pmu",
	"hisi_uncore_sllc_pmu", "hisi_uncore_pa_pmu", "hisi_uncore_cpa_pmu", "sch_fq_codel",
	"tcp_cubic", "unix", "ipv6", "mip6", "af_packet", "irqbypass",
	NULL,
};

const struct kernel_config linux_6_1_config = {
	.version = "6.1",
	.release = "6.1.0-50-cloud-arm64",
	.values = {
		[KCONFIG_ARM64_PAGE_SHIFT] = NUM(12),
		[KCONFIG_ARCH_FORCE_MAX_ORDER] = NUM(11),
		[KCONFIG_ZONE_DMA] = Y,
		[KCONFIG_ZONE_DMA32] = Y,
		[KCONFIG_TRANSPARENT_HUGEPAGE] = Y,
		[KCONFIG_MQ_IOSCHED_DEADLINE] = Y,
		[KCONFIG_SWIOTLB] = Y,
		[KCONFIG_DMA_CMA] = Y,
		[KCONFIG_CMA_SIZE_MBYTES] = NUM(64),
		[KCONFIG_CMA_ALIGNMENT] = NUM(8),
		[KCONFIG_IOMMU_DMA] = Y,
		[KCONFIG_IOMMU_DEFAULT_DMA_STRICT] = Y,
		[KCONFIG_IOMMU_DEFAULT_DMA_LAZY] = N,
		[KCONFIG_IOMMU_DEFAULT_PASSTHROUGH] = N,
		[KCONFIG_IOMMUFD] = N,
		[KCONFIG_ARM_SMMU_V3] = Y,
		[KCONFIG_ARM_SMMU_V3_SVA] = N,
		[KCONFIG_ARM_SMMU_V3_IOMMUFD] = N,
		[KCONFIG_ARM_SMMU_DISABLE_BYPASS_BY_DEFAULT] = Y,
		[KCONFIG_PCI_HOST_GENERIC] = Y,
		[KCONFIG_PCIEPORTBUS] = Y,
		[KCONFIG_PCIEAER] = Y,
		[KCONFIG_PCIE_PME] = Y,
		[KCONFIG_PCIE_DPC] = Y,
		[KCONFIG_HOTPLUG_PCI_PCIE] = Y,
		[KCONFIG_PCI_STUB] = N,
		[KCONFIG_VIRTIO] = M,
		[KCONFIG_VIRTIO_PCI] = M,
		[KCONFIG_VIRTIO_PCI_LEGACY] = Y,
		[KCONFIG_VIRTIO_MMIO] = M,
		[KCONFIG_VIRTIO_BLK] = M,
		[KCONFIG_VIRTIO_NET] = M,
		[KCONFIG_VIRTIO_CONSOLE] = M,
		[KCONFIG_HW_RANDOM] = Y,
		[KCONFIG_HW_RANDOM_VIRTIO] = M,
		[KCONFIG_SCSI_VIRTIO] = M,
		[KCONFIG_BLK_DEV_NVME] = Y,
		[KCONFIG_E1000] = N,
		[KCONFIG_E1000E] = N,
		[KCONFIG_IGB] = N,
		[KCONFIG_SATA_AHCI] = N,
		[KCONFIG_USB_SUPPORT] = N,
		[KCONFIG_USB_XHCI_HCD] = N,
		[KCONFIG_VFIO] = M,
		[KCONFIG_VFIO_PCI] = M,
		[KCONFIG_VFIO_IOMMU_TYPE1] = M,
		[KCONFIG_VFIO_DEVICE_CDEV] = N,
		[KCONFIG_DEBUG_TEST_DRIVER_REMOVE] = N,
		/* 6.1.53 has f429378a9bf8 ("driver core: Call dma_cleanup() on the test_remove path") */
		[KCONFIG_IOMMUSIM_TEST_REMOVE_DMA_CLEANUP] = Y,
	},
	.drivers = drivers,
	.ndrivers = sizeof(drivers) / sizeof(drivers[0]),
	.modules = modules,
	.nmodules = sizeof(modules) / sizeof(modules[0]),
	.builtin = builtin,
	.modinfo = modinfo,
	.nmodinfo = sizeof(modinfo) / sizeof(modinfo[0]),
	/* 6.1's MAX_ORDER is ARCH_FORCE_MAX_ORDER; the largest block is MAX_ORDER - 1 */
	.max_page_order = 10,
};
