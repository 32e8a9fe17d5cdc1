/*
 * The boot CPU's LPA2 as early_map_kernel() decides it (init/cpufeature.h).
 */
#include <ctype.h>
#include <string.h>
#include "init/cpufeature.h"
#include "base/device.h"
#include "hw/cpu.h"
#include "machine/machine.h"

#define TGRAN4_52_BIT 1		/* ID_AA64MMFR0_EL1.TGRAN4's value for 4K with 52-bit addresses */

/* parse_hexdigit(): an optional 0x, one hex digit, then the word's end */
static bool one_hex_digit(const char *p, unsigned *v)
{
	if (p[0] == '0' && tolower((unsigned char)p[1]) == 'x')
		p += 2;
	if (!isxdigit((unsigned char)p[0]) || p[1])
		return false;
	*v = (unsigned)(isdigit((unsigned char)p[0]) ? p[0] - '0' : tolower((unsigned char)p[0]) - 'a' + 10);
	return true;
}

/* __parse_cmdline() for the one override that matters here: is 52-bit VA turned off? */
static bool cmdline_turns_off_lva(const char *cmdline)
{
	static const char varange[] = "id_aa64mmfr2.varange=";
	const char *p = cmdline;
	while (p && *p) {
		char word[256];
		size_t len = 0;
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] == '-' && p[1] == '-' && isspace((unsigned char)p[2]))
			break;
		while (p[len] && !isspace((unsigned char)p[len]) && len < sizeof(word) - 1) {
			word[len] = p[len] == '-' ? '_' : p[len];
			len++;
		}
		if (!len)
			break;
		word[len] = '\0';
		p += len;
		unsigned v;
		if (!strcmp(word, "arm64.nolva"))
			return true;
		if (!strncmp(word, varange, sizeof(varange) - 1) && one_hex_digit(word + sizeof(varange) - 1, &v) &&
		    v == 0)
			return true;
	}
	return false;
}

bool arm64_cpu_has_lpa2(u64 id_aa64mmfr0, const char *cmdline)
{
	int tgran4 = (int)((id_aa64mmfr0 >> ID_AA64MMFR0_TGRAN4_SHIFT) & 0xf);
	if (tgran4 >= 8)
		tgran4 -= 16;
	return tgran4 >= TGRAN4_52_BIT && !cmdline_turns_off_lva(cmdline);
}

bool arm64_boot_cpu_has_lpa2(const struct kernel *k)
{
	const char *append = k && k->machine ? k->machine->append : NULL;
	return arm64_cpu_has_lpa2(hw_cpu_id_aa64mmfr0(k ? k->hw : NULL), append);
}
