/*
 * Function resets and the saved config state of Linux 6.1 (drivers/pci/
 * pci.c, pcie/aer.c, hotplug/pciehp_hpc.c): pci_init_reset_methods() at
 * device add, __pci_reset_function_locked() trying the methods in order,
 * pci_try_reset_function() around it, pci_save_state()/pci_restore_state()
 * and the opaque copies vfio-pci keeps (pci_store_saved_state()).
 *
 * The model has no clock: the waits the kernel makes (100 ms after an FLR,
 * 10 ms around each PM transition, 2 ms of Secondary Bus Reset, the delays
 * for the link and the device after a bus reset) take no time here. The
 * model's devices answer config cycles right after a reset, so the
 * "not ready ... after FLR" lines of pci_dev_wait() never appear, as on
 * QEMU.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>
#include "base/device.h"
#include "pci/pci.h"
#include "pci/pci_version.h"
#include "kversion/linux_version.h"
#include "base/string_helpers.h"

struct pci_saved_state {
	struct pci_saved_regs regs;
};

static int pcie_cap_version(struct pci_dev *dev)
{
	u16 flags = 0;
	pci_read_config_word(dev, dev->pcie_cap + PCI_EXP_FLAGS, &flags);
	return flags & PCI_EXP_FLAGS_VERS;
}

static bool pcie_cap_has_lnkctl(const struct pci_dev *dev)
{
	switch (dev->pcie_type) {
	case HW_PCIE_ENDPOINT:
	case HW_PCIE_LEG_END:
	case HW_PCIE_ROOT_PORT:
	case HW_PCIE_UPSTREAM:
	case HW_PCIE_DOWNSTREAM:
	case HW_PCIE_PCI_BRIDGE:
	case HW_PCIE_PCIE_BRIDGE:
		return true;
	default:
		return false;
	}
}

static bool pcie_downstream_port(const struct pci_dev *dev)
{
	return dev->pcie_type == HW_PCIE_ROOT_PORT || dev->pcie_type == HW_PCIE_DOWNSTREAM ||
	       dev->pcie_type == HW_PCIE_PCIE_BRIDGE;
}

static bool pcie_cap_has_sltctl(struct pci_dev *dev)
{
	u16 flags = 0;
	if (!pcie_downstream_port(dev))
		return false;
	pci_read_config_word(dev, dev->pcie_cap + PCI_EXP_FLAGS, &flags);
	return flags & PCI_EXP_FLAGS_SLOT;
}

static bool pcie_cap_has_rtctl(const struct pci_dev *dev)
{
	return dev->pcie_type == HW_PCIE_ROOT_PORT || dev->pcie_type == HW_PCIE_RC_EC;
}

/* pcie_capability_reg_implemented(): which PCIe capability registers a function of its type has */
static bool pcie_reg_implemented(struct pci_dev *dev, unsigned pos)
{
	if (!pci_is_pcie(dev) || !dev->pcie_cap)
		return false;
	switch (pos) {
	case PCI_EXP_DEVCTL:
	case PCI_EXP_DEVSTA:
		return true;
	case PCI_EXP_LNKCTL:
	case PCI_EXP_LNKSTA:
		return pcie_cap_has_lnkctl(dev);
	case PCI_EXP_SLTCTL:
	case PCI_EXP_SLTSTA:
		return pcie_cap_has_sltctl(dev);
	case PCI_EXP_RTCTL:
		return pcie_cap_has_rtctl(dev);
	case PCI_EXP_DEVCTL2:
	case PCI_EXP_LNKCTL2:
		return pcie_cap_version(dev) > 1;
	default:
		/* PCI_EXP_SLTCTL2 among them: read as 0, never written */
		return false;
	}
}

/* pcie_capability_read_word(): 0 for a register the type lacks */
static u16 pcie_read(struct pci_dev *dev, unsigned pos)
{
	u16 v = 0;
	if (pcie_reg_implemented(dev, pos))
		pci_read_config_word(dev, dev->pcie_cap + pos, &v);
	return v;
}

static void pcie_write(struct pci_dev *dev, unsigned pos, u16 val)
{
	if (pcie_reg_implemented(dev, pos))
		pci_write_config_word(dev, dev->pcie_cap + pos, val);
}

/*
 * The registers a reset needs that 6.1 reads at device add: pci_pm_init()'s
 * PM capability, set_pcie_port_type()'s Device Capabilities and a port's
 * Data Link Layer Link Active reporting.
 */
static void pci_reset_caps_init(struct pci_dev *dev)
{
	dev->pm_cap = pci_find_capability(dev, PCI_CAP_ID_PM);
	dev->devcap = 0;
	dev->link_active_reporting = false;
	if (!pci_is_pcie(dev) || !dev->pcie_cap)
		return;
	pci_read_config_dword(dev, dev->pcie_cap + PCI_EXP_DEVCAP, &dev->devcap);
	u32 lnkcap = 0;
	if (pcie_reg_implemented(dev, PCI_EXP_LNKCTL))
		pci_read_config_dword(dev, dev->pcie_cap + PCI_EXP_LNKCAP, &lnkcap);
	dev->link_active_reporting = lnkcap & PCI_EXP_LNKCAP_DLLLARC;
}

/* pci_allocate_cap_save_buffers() and pci_aer_init()'s buffer: what pci_save_state() can keep */
static void saved_buffers_init(struct pci_dev *dev)
{
	dev->saved.has_exp = pci_is_pcie(dev) && dev->pcie_cap;
	dev->saved.naer = dev->aer_cap ? (pcie_cap_has_rtctl(dev) ? 5 : 4) : 0;
}

/*
 * pci_wait_for_pending_transaction() then pcie_capability_set_word(DEVCTL,
 * BCR_FLR); 6.1 sleeps 100 ms, then pci_dev_wait() polls the command
 * register, which the model's functions answer at once.
 */
static int pcie_flr(struct pci_dev *dev)
{
	u16 devsta = pcie_read(dev, PCI_EXP_DEVSTA);
	if (devsta & PCI_EXP_DEVSTA_TRPND)
		dev_err(&dev->dev, "timed out waiting for pending transaction; performing function level reset anyway\n");
	pcie_write(dev, PCI_EXP_DEVCTL, pcie_read(dev, PCI_EXP_DEVCTL) | PCI_EXP_DEVCTL_BCR_FLR);
	return 0;
}

static int pci_dev_specific_reset(struct pci_dev *dev, bool probe)
{
	/* quirks.c's pci_dev_reset_methods list no device QEMU models */
	(void)dev;
	(void)probe;
	return -ENOTTY;
}

static int pci_dev_acpi_reset(struct pci_dev *dev, bool probe)
{
	/* a device tree machine has no _RST */
	(void)dev;
	(void)probe;
	return -ENOTTY;
}

static int pcie_reset_flr(struct pci_dev *dev, bool probe)
{
	if (!(dev->devcap & PCI_EXP_DEVCAP_FLR))
		return -ENOTTY;
	return probe ? 0 : pcie_flr(dev);
}

/* Advanced Features FLR of conventional functions: the capability with TP and FLR */
static int pci_af_flr(struct pci_dev *dev, bool probe)
{
	u8 pos = pci_find_capability(dev, PCI_CAP_ID_AF), cap = 0;
	if (!pos)
		return -ENOTTY;
	pci_read_config_byte(dev, pos + PCI_AF_CAP, &cap);
	if (!(cap & PCI_AF_CAP_TP) || !(cap & PCI_AF_CAP_FLR))
		return -ENOTTY;
	if (probe)
		return 0;
	pci_write_config_byte(dev, pos + PCI_AF_CTRL, PCI_AF_CTRL_FLR);
	return 0;
}

/* pci_pm_reset(): D3hot and back to D0, for a function that resets itself on the way (No_Soft_Reset 0) */
static int pci_pm_reset(struct pci_dev *dev, bool probe)
{
	u16 csr = 0;
	if (!dev->pm_cap)
		return -ENOTTY;
	pci_read_config_word(dev, dev->pm_cap + PCI_PM_CTRL, &csr);
	if (csr & PCI_PM_CTRL_NO_SOFT_RESET)
		return -ENOTTY;
	if (probe)
		return 0;
	if (dev->current_state != PCI_D0)
		return -EINVAL;
	csr = (u16)((csr & ~PCI_PM_CTRL_STATE_MASK) | PCI_D3hot);
	pci_write_config_word(dev, dev->pm_cap + PCI_PM_CTRL, csr);
	csr = (u16)((csr & ~PCI_PM_CTRL_STATE_MASK) | PCI_D0);
	pci_write_config_word(dev, dev->pm_cap + PCI_PM_CTRL, csr);
	return 0;
}

/* pcie_get_speed_cap() > 5 GT/s: Link Capabilities 2's vector, else Link Capabilities' speed */
static bool speed_cap_above_5gt(struct pci_dev *dev)
{
	u32 lnkcap2 = 0, lnkcap = 0;
	if (pcie_cap_version(dev) > 1)
		pci_read_config_dword(dev, dev->pcie_cap + PCI_EXP_LNKCAP2, &lnkcap2);
	/* the Supported Link Speeds vector, bits 1 (2.5 GT/s) to 7 */
	if (lnkcap2 & 0xfe)
		return lnkcap2 & 0xfe & ~(PCI_EXP_LNKCAP2_SLS_2_5GB | PCI_EXP_LNKCAP2_SLS_5_0GB);
	pci_read_config_dword(dev, dev->pcie_cap + PCI_EXP_LNKCAP, &lnkcap);
	return (lnkcap & PCI_EXP_LNKCAP_SLS) > PCI_EXP_LNKCAP_SLS_5_0GB;
}

/*
 * pci_bridge_wait_for_secondary_bus(dev, "bus reset"): a PCIe port faster
 * than 5 GT/s with link active reporting waits for Data Link Layer Link
 * Active (1 s at most, then "... not set in 1000 msec" and -ENOTTY); the
 * rest only sleep. pci_dev_wait() on the first device then finds it.
 */
static int wait_for_secondary_bus(struct pci_dev *dev)
{
	if (!dev->subordinate || !dev->subordinate->ndevices)
		return 0;
	if (!pci_is_pcie(dev) || !pcie_downstream_port(dev))
		return 0;
	if (speed_cap_above_5gt(dev) && dev->link_active_reporting) {
		if (!(pcie_read(dev, PCI_EXP_LNKSTA) & PCI_EXP_LNKSTA_DLLLA)) {
			dev_info(&dev->dev, "Data Link Layer Link Active not set in 1000 msec\n");
			return -ENOTTY;
		}
	}
	return 0;
}

/*
 * pci_bridge_secondary_bus_reset(): on 7.3 a warning, once a boot, when the
 * bridge's config access is not locked (pci_reset_function() locks the
 * upstream bridge, pci_try_reset_function() does not), naming the caller
 * (via, or NULL when the kernel has no such warning or the caller's text is
 * not known); then pci_reset_secondary_bus(): Secondary Bus Reset set, 2 ms,
 * cleared.
 */
static int pci_bridge_secondary_bus_reset(struct pci_dev *bridge, const char *via)
{
	struct pci_host *host = bridge->dev.k->pci;
	if (via && host && !bridge->block_cfg_access && !host->sbr_unlocked_warned) {
		host->sbr_unlocked_warned = true;
		dev_warn(&bridge->dev, "unlocked secondary bus reset via: %s\n", via);
	}
	u16 ctrl = 0;
	pci_read_config_word(bridge, PCI_BRIDGE_CONTROL, &ctrl);
	ctrl |= PCI_BRIDGE_CTL_BUS_RESET;
	pci_write_config_word(bridge, PCI_BRIDGE_CONTROL, ctrl);
	ctrl &= (u16)~PCI_BRIDGE_CTL_BUS_RESET;
	pci_write_config_word(bridge, PCI_BRIDGE_CONTROL, ctrl);
	return wait_for_secondary_bus(bridge);
}

static int pci_parent_bus_reset(struct pci_dev *dev, bool probe)
{
	if (pci_is_root_bus(dev->bus) || dev->subordinate || !dev->bus->self)
		return -ENOTTY;
	for (size_t i = 0; i < dev->bus->ndevices; i++)
		if (dev->bus->devices[i] != dev)
			return -ENOTTY;
	return probe ? 0 : pci_bridge_secondary_bus_reset(dev->bus->self,
							   kernel_version(dev->dev.k)->pci->sbr_unlocked_warning_via_parent);
}

/*
 * dev->slot->hotplug: pciehp registers its slot (pci_hp_initialize(), slot
 * number 0) on the port's secondary bus when pcieport binds a port whose
 * slot is hot-plug capable, and every device 0 function there points at it.
 */
static struct pci_dev *pciehp_port_of(struct pci_dev *dev)
{
	struct pci_dev *port = dev->bus->self;
	if (!port || PCI_SLOT(dev->devfn) != 0 || !port->is_hotplug_bridge || !port->dev.driver ||
	    strcmp(port->dev.driver->name, "pcieport") != 0)
		return NULL;
	if (port->pcie_type != HW_PCIE_ROOT_PORT && port->pcie_type != HW_PCIE_DOWNSTREAM)
		return NULL;
	return port;
}

/*
 * pciehp_reset_slot(): presence detect (without an attention button) and
 * link state notifications off, the secondary bus reset, their events
 * cleared, the notifications back on.
 */
static int pciehp_reset_slot(struct pci_dev *port, bool probe)
{
	if (probe)
		return 0;
	u32 sltcap = 0;
	pci_read_config_dword(port, port->pcie_cap + PCI_EXP_SLTCAP, &sltcap);
	u16 ctrl_mask = PCI_EXP_SLTCTL_DLLSCE, stat_mask = PCI_EXP_SLTSTA_DLLSC;
	if (!(sltcap & PCI_EXP_SLTCAP_ABP)) {
		ctrl_mask |= PCI_EXP_SLTCTL_PDCE;
		stat_mask |= PCI_EXP_SLTSTA_PDC;
	}
	pcie_write(port, PCI_EXP_SLTCTL, pcie_read(port, PCI_EXP_SLTCTL) & (u16)~ctrl_mask);
	int rc = pci_bridge_secondary_bus_reset(port, kernel_version(port->dev.k)->pci->sbr_unlocked_warning_via_pciehp);
	pcie_write(port, PCI_EXP_SLTSTA, stat_mask);
	pcie_write(port, PCI_EXP_SLTCTL, pcie_read(port, PCI_EXP_SLTCTL) | ctrl_mask);
	return rc;
}

static int pci_dev_reset_slot_function(struct pci_dev *dev, bool probe)
{
	if (dev->multifunction || dev->subordinate)
		return -ENOTTY;
	struct pci_dev *port = pciehp_port_of(dev);
	return port ? pciehp_reset_slot(port, probe) : -ENOTTY;
}

static int pci_reset_bus_function(struct pci_dev *dev, bool probe)
{
	int rc = pci_dev_reset_slot_function(dev, probe);
	if (rc != -ENOTTY)
		return rc;
	return pci_parent_bus_reset(dev, probe);
}

static int (*const pci_reset_fn_methods[PCI_NUM_RESET_METHODS])(struct pci_dev *dev, bool probe) = {
	[PCI_RESET_DEVICE_SPECIFIC] = pci_dev_specific_reset,
	[PCI_RESET_ACPI] = pci_dev_acpi_reset,
	[PCI_RESET_FLR] = pcie_reset_flr,
	[PCI_RESET_AF_FLR] = pci_af_flr,
	[PCI_RESET_PM] = pci_pm_reset,
	[PCI_RESET_BUS] = pci_reset_bus_function,
};

const char *pci_reset_method_name(int method)
{
	static const char *const names[PCI_NUM_RESET_METHODS] = {
		[PCI_RESET_DEVICE_SPECIFIC] = "device_specific", [PCI_RESET_ACPI] = "acpi",
		[PCI_RESET_FLR] = "flr", [PCI_RESET_AF_FLR] = "af_flr", [PCI_RESET_PM] = "pm",
		[PCI_RESET_BUS] = "bus",
	};
	return method > PCI_RESET_NONE && method < PCI_NUM_RESET_METHODS ? names[method] : "";
}

/* the methods whose probe succeeds, in order, until one fails otherwise than -ENOTTY */
static void probe_reset_methods(struct pci_dev *dev)
{
	int i = 0;
	for (int m = PCI_RESET_DEVICE_SPECIFIC; m < PCI_NUM_RESET_METHODS; m++) {
		int rc = pci_reset_fn_methods[m](dev, true);
		if (!rc)
			dev->reset_methods[i++] = (u8)m;
		else if (rc != -ENOTTY)
			break;
	}
	dev->reset_methods[i] = PCI_RESET_NONE;
}

void pci_init_reset_methods(struct pci_dev *dev)
{
	pci_reset_caps_init(dev);
	saved_buffers_init(dev);
	probe_reset_methods(dev);
	/* the attribute group's is_visible() runs once, when the device is added */
	dev->reset_attrs = dev->reset_methods[0] != PCI_RESET_NONE;
}

int pci_probe_reset_function(struct pci_dev *dev)
{
	return dev->reset_methods[0] ? 0 : -ENOTTY;
}

int __pci_reset_function_locked(struct pci_dev *dev)
{
	for (int i = 0; i < PCI_NUM_RESET_METHODS; i++) {
		int m = dev->reset_methods[i];
		if (!m)
			return -ENOTTY;
		int rc = pci_reset_fn_methods[m](dev, false);
		if (rc != -ENOTTY)
			return rc;
	}
	return -ENOTTY;
}

/* pci_save_pcie_state() and pci_save_aer_state() */
static void save_caps(struct pci_dev *dev)
{
	static const unsigned exp_regs[PCI_EXP_SAVE_REGS] = {
		PCI_EXP_DEVCTL, PCI_EXP_LNKCTL, PCI_EXP_SLTCTL, PCI_EXP_RTCTL,
		PCI_EXP_DEVCTL2, PCI_EXP_LNKCTL2, PCI_EXP_SLTCTL2,
	};
	if (dev->saved.has_exp)
		for (int i = 0; i < PCI_EXP_SAVE_REGS; i++)
			dev->saved.exp[i] = pcie_read(dev, exp_regs[i]);
	static const unsigned aer_regs[PCI_AER_SAVE_REGS] = {
		PCI_ERR_UNCOR_MASK, PCI_ERR_UNCOR_SEVER, PCI_ERR_COR_MASK, PCI_ERR_CAP, PCI_ERR_ROOT_COMMAND,
	};
	for (unsigned i = 0; i < dev->saved.naer; i++)
		pci_read_config_dword(dev, dev->aer_cap + aer_regs[i], &dev->saved.aer[i]);
}

int pci_save_state(struct pci_dev *dev)
{
	/* pci_dbg()'s "saving config space at offset ..." lines are not printed */
	for (int i = 0; i < 16; i++)
		pci_read_config_dword(dev, i * 4, &dev->saved.config_space[i]);
	dev->state_saved = true;
	save_caps(dev);
	return 0;
}

static void restore_pcie_state(struct pci_dev *dev)
{
	static const unsigned regs[PCI_EXP_SAVE_REGS] = {
		PCI_EXP_DEVCTL, PCI_EXP_LNKCTL, PCI_EXP_SLTCTL, PCI_EXP_RTCTL,
		PCI_EXP_DEVCTL2, PCI_EXP_LNKCTL2, PCI_EXP_SLTCTL2,
	};
	if (!dev->saved.has_exp)
		return;
	for (int i = 0; i < PCI_EXP_SAVE_REGS; i++)
		pcie_write(dev, regs[i], dev->saved.exp[i]);
}

/* pci_aer_clear_status() (AER is native on a DT host), then pci_restore_aer_state() */
static void restore_aer_state(struct pci_dev *dev)
{
	if (!dev->aer_cap)
		return;
	u32 status;
	if (dev->pcie_type == HW_PCIE_ROOT_PORT || dev->pcie_type == HW_PCIE_RC_EC) {
		pci_read_config_dword(dev, dev->aer_cap + PCI_ERR_ROOT_STATUS, &status);
		pci_write_config_dword(dev, dev->aer_cap + PCI_ERR_ROOT_STATUS, status);
	}
	pci_read_config_dword(dev, dev->aer_cap + PCI_ERR_COR_STATUS, &status);
	pci_write_config_dword(dev, dev->aer_cap + PCI_ERR_COR_STATUS, status);
	pci_read_config_dword(dev, dev->aer_cap + PCI_ERR_UNCOR_STATUS, &status);
	pci_write_config_dword(dev, dev->aer_cap + PCI_ERR_UNCOR_STATUS, status);
	static const unsigned aer_regs[PCI_AER_SAVE_REGS] = {
		PCI_ERR_UNCOR_MASK, PCI_ERR_UNCOR_SEVER, PCI_ERR_COR_MASK, PCI_ERR_CAP, PCI_ERR_ROOT_COMMAND,
	};
	for (unsigned i = 0; i < dev->saved.naer; i++)
		pci_write_config_dword(dev, dev->aer_cap + aer_regs[i], dev->saved.aer[i]);
}

/* pci_restore_config_dword(): written only when it reads otherwise (or forced); BARs retried */
static void restore_range(struct pci_dev *dev, int start, int end, int retry, bool force)
{
	for (int i = end; i >= start; i--) {
		u32 saved = dev->saved.config_space[i], val = 0;
		pci_read_config_dword(dev, 4 * i, &val);
		if (!force && val == saved)
			continue;
		for (int tries = retry;; tries--) {
			pci_write_config_dword(dev, 4 * i, saved);
			if (tries <= 0)
				break;
			pci_read_config_dword(dev, 4 * i, &val);
			if (val == saved)
				break;
		}
	}
}

/* pci_restore_config_space(): the BARs before the command register */
static void restore_config_space(struct pci_dev *dev)
{
	if (dev->hdr_type == PCI_HEADER_TYPE_NORMAL) {
		restore_range(dev, 10, 15, 0, false);
		restore_range(dev, 4, 9, 10, false);
		restore_range(dev, 0, 3, 0, false);
	} else if (dev->hdr_type == PCI_HEADER_TYPE_BRIDGE) {
		restore_range(dev, 12, 15, 0, false);
		/* the prefetchable window always rewritten */
		restore_range(dev, 9, 11, 0, true);
		restore_range(dev, 0, 8, 0, false);
	} else {
		restore_range(dev, 0, 15, 0, false);
	}
}

/*
 * pci_restore_state(): the PCIe control registers, AER (status cleared,
 * then its controls), the header, ACS. pci_restore_msi_state() rewrites
 * MSI-X only for a function whose kernel driver enabled it; no modelled
 * reset path (vfio-pci's) has one.
 */
void pci_restore_state(struct pci_dev *dev)
{
	if (!dev->state_saved)
		return;
	restore_pcie_state(dev);
	restore_aer_state(dev);
	restore_config_space(dev);
	pci_enable_acs(dev);
	dev->state_saved = false;
}

struct pci_saved_state *pci_store_saved_state(struct pci_dev *dev)
{
	if (!dev->state_saved)
		return NULL;
	struct pci_saved_state *state = calloc(1, sizeof(*state));
	if (state)
		state->regs = dev->saved;
	return state;
}

int pci_load_saved_state(struct pci_dev *dev, struct pci_saved_state *state)
{
	dev->state_saved = false;
	if (!state)
		return 0;
	/* each buffer must be one the function has, of the same size */
	if (state->regs.has_exp != dev->saved.has_exp || state->regs.naer != dev->saved.naer)
		return -EINVAL;
	dev->saved = state->regs;
	dev->state_saved = true;
	return 0;
}

int pci_load_and_free_saved_state(struct pci_dev *dev, struct pci_saved_state **state)
{
	int ret = pci_load_saved_state(dev, *state);
	free(*state);
	*state = NULL;
	return ret;
}

/* pci_dev_save_and_disable(): D0, the state saved, decoding and bus mastering off, INTx disabled */
static void pci_dev_save_and_disable(struct pci_dev *dev)
{
	pci_set_power_state(dev, PCI_D0);
	pci_save_state(dev);
	pci_write_config_word(dev, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE);
}

int pci_try_reset_function(struct pci_dev *dev)
{
	if (!dev->reset_methods[0])
		return -ENOTTY;
	pci_dev_save_and_disable(dev);
	int rc = __pci_reset_function_locked(dev);
	/* pci_dev_restore(): vfio-pci's error handlers have no reset_done */
	pci_restore_state(dev);
	return rc;
}

/*
 * pci_reset_function(): as pci_try_reset_function() but waiting for the
 * device lock, which the model never contends for, and with the upstream
 * bridge locked too (its config access blocked) while the reset runs.
 */
int pci_reset_function(struct pci_dev *dev)
{
	struct pci_dev *bridge = dev->bus ? dev->bus->self : NULL;
	if (bridge)
		bridge->block_cfg_access = true;
	int rc = pci_try_reset_function(dev);
	if (bridge)
		bridge->block_cfg_access = false;
	return rc;
}


int pci_reset_store(struct pci_dev *dev, const char *buf)
{
	/* kstrtoul(buf, 0): digits in C's bases, one trailing newline allowed */
	const char *p = buf[0] == '+' ? buf + 1 : buf;
	char *end;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	errno = 0;
	unsigned long val = strtoul(p, &end, 0);
	if (errno || (*end && strcmp(end, "\n")))
		return -EINVAL;
	if (val != 1)
		return -EINVAL;
	int ret = pci_reset_function(dev);
	return ret < 0 ? ret : 0;
}

static int reset_method_lookup(const char *name)
{
	for (int m = PCI_RESET_DEVICE_SPECIFIC; m < PCI_NUM_RESET_METHODS; m++)
		if (sysfs_streq(name, pci_reset_method_name(m)))
			return m;
	return PCI_RESET_NONE;
}

int pci_reset_method_store(struct pci_dev *dev, const char *buf)
{
	if (sysfs_streq(buf, "")) {
		dev->reset_methods[0] = PCI_RESET_NONE;
		dev_warn(&dev->dev, "All device reset methods disabled by user\n");
		return 0;
	}
	if (sysfs_streq(buf, "default")) {
		probe_reset_methods(dev);
		return 0;
	}
	char *options = strdup(buf);
	if (!options)
		return -ENOMEM;
	u8 methods[PCI_NUM_RESET_METHODS] = { 0 };
	int n = 0, ret = 0;
	char *rest = options, *name;
	while ((name = strsep(&rest, " ")) != NULL) {
		if (sysfs_streq(name, ""))
			continue;
		/* strim() */
		while (isspace((unsigned char)*name))
			name++;
		for (size_t len = strlen(name); len && isspace((unsigned char)name[len - 1]); len--)
			name[len - 1] = '\0';
		int m = reset_method_lookup(name);
		if (!m) {
			dev_err(&dev->dev, "Invalid reset method '%s'\n", name);
			ret = -EINVAL;
			break;
		}
		if (pci_reset_fn_methods[m](dev, true)) {
			dev_err(&dev->dev, "Unsupported reset method '%s'\n", name);
			ret = -EINVAL;
			break;
		}
		if (n == PCI_NUM_RESET_METHODS - 1) {
			dev_err(&dev->dev, "Too many reset methods\n");
			ret = -EINVAL;
			break;
		}
		methods[n++] = (u8)m;
	}
	free(options);
	if (ret)
		return ret;	/* the previous methods stay */
	/* no device-specific reset exists here, so no "de-prioritized" warning */
	memcpy(dev->reset_methods, methods, sizeof(dev->reset_methods));
	return 0;
}
