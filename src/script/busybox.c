/*
 * busybox's conventions as the reference guest's busybox (Debian's 1.35.0,
 * static) shows them: usage texts, option errors, the commands it has.
 */
#include <errno.h>
#include <string.h>
#include "script/shell.h"

#define BB_BANNER "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\n"

static const struct {
	const char *applet;
	const char *text;	/* after the banner */
} usages[] = {
	{ "cat", "Usage: cat [-nbvteA] [FILE]...\n\n"
		 "Print FILEs to stdout\n\n"
		 "\t-n\tNumber output lines\n"
		 "\t-b\tNumber nonempty lines\n"
		 "\t-v\tShow nonprinting characters as ^x or M-x\n"
		 "\t-t\t...and tabs as ^I\n"
		 "\t-e\t...and end lines with $\n"
		 "\t-A\tSame as -vte\n" },
	{ "dmesg", "Usage: dmesg [-cr] [-n LEVEL] [-s SIZE]\n\n"
		   "Print or control the kernel ring buffer\n\n"
		   "\t-c\t\tClear ring buffer after printing\n"
		   "\t-n LEVEL\tSet console logging level\n"
		   "\t-s SIZE\t\tBuffer size\n"
		   "\t-r\t\tPrint raw message buffer\n" },
	{ "modprobe", "Usage: modprobe [-alrqvsDb] MODULE [SYMBOL=VALUE]...\n\n"
		      "\t-a\tLoad multiple MODULEs\n"
		      "\t-l\tList (MODULE is a pattern)\n"
		      "\t-r\tRemove MODULE (stacks) or do autoclean\n"
		      "\t-q\tQuiet\n"
		      "\t-v\tVerbose\n"
		      "\t-s\tLog to syslog\n"
		      "\t-D\tShow dependencies\n"
		      "\t-b\tApply blacklist to module names too\n" },
	{ "readlink", "Usage: readlink [-fnv] FILE\n\n"
		      "Display the value of a symlink\n\n"
		      "\t-f\tCanonicalize by following all symlinks\n"
		      "\t-n\tDon't add newline\n"
		      "\t-v\tVerbose\n" },
	{ "rmmod", "Usage: rmmod [-wfa] [MODULE]...\n\n"
		   "Unload kernel modules\n\n"
		   "\t-w\tWait until the module is no longer used\n"
		   "\t-f\tForce unload\n"
		   "\t-a\tRemove all unused modules (recursively)\n" },
	{ "sleep", "Usage: sleep [N]...\n\n"
		   "Pause for a time equal to the total of the args given, where each arg can\n"
		   "have an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays\n" },
};

int bb_show_usage(FILE *err, const char *applet)
{
	for (size_t i = 0; i < sizeof(usages) / sizeof(usages[0]); i++)
		if (!strcmp(usages[i].applet, applet))
			fprintf(err, BB_BANNER "%s", usages[i].text);
	return -EINVAL;
}

int bb_getopt(FILE *err, int argc, char **argv, const char *opts, unsigned int *flags, char **args)
{
	int nargs = 0;
	bool options = true;
	*flags = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (options && !strcmp(a, "--")) {
			options = false;
			continue;
		}
		if (!options || a[0] != '-' || !a[1]) {
			args[nargs++] = argv[i];
			continue;
		}
		for (const char *o = a + 1; *o; o++) {
			const char *at = strchr(opts, *o);
			if (!at) {
				fprintf(err, "%s: invalid option -- '%c'\n", argv[0], *o);
				return bb_show_usage(err, argv[0]);
			}
			*flags |= 1u << (at - opts);
		}
	}
	return nargs;
}

/* `busybox --list` of the reference guest, then ash's builtins */
static const char *const known[] = {
	"[", "[[", "acpid", "adjtimex", "ar", "arch", "arp", "arping", "ascii", "ash", "awk", "base64",
	"basename", "bc", "blkdiscard", "blockdev", "brctl", "bunzip2", "busybox", "bzcat", "bzip2", "cal",
	"cat", "chgrp", "chmod", "chown", "chroot", "chvt", "clear", "cmp", "cp", "cpio", "crc32", "crond",
	"crontab", "cttyhack", "cut", "date", "dc", "dd", "deallocvt", "depmod", "devmem", "df", "diff",
	"dirname", "dmesg", "dnsdomainname", "dos2unix", "dpkg", "dpkg-deb", "du", "dumpkmap", "dumpleases",
	"echo", "ed", "egrep", "env", "expand", "expr", "factor", "fallocate", "false", "fatattr", "fdisk",
	"fgrep", "find", "findfs", "fold", "free", "freeramdisk", "fsfreeze", "fstrim", "ftpget", "ftpput",
	"getopt", "getty", "grep", "groups", "gunzip", "gzip", "halt", "head", "hexdump", "hostid",
	"hostname", "httpd", "hwclock", "i2cdetect", "i2cdump", "i2cget", "i2cset", "i2ctransfer", "id",
	"ifconfig", "ifdown", "ifup", "init", "insmod", "ionice", "ip", "ipcalc", "ipneigh", "kill",
	"killall", "klogd", "last", "less", "link", "linux32", "linux64", "linuxrc", "ln", "loadfont",
	"loadkmap", "logger", "login", "logname", "logread", "losetup", "ls", "lsmod", "lsscsi", "lzcat",
	"lzma", "lzop", "md5sum", "mdev", "microcom", "mim", "mkdir", "mkdosfs", "mke2fs", "mkfifo", "mknod",
	"mkpasswd", "mkswap", "mktemp", "modinfo", "modprobe", "more", "mount", "mt", "mv", "nameif", "nc",
	"netstat", "nl", "nologin", "nproc", "nsenter", "nslookup", "nuke", "od", "openvt", "partprobe",
	"passwd", "paste", "patch", "pidof", "ping", "ping6", "pivot_root", "poweroff", "printf", "ps", "pwd",
	"rdate", "readlink", "realpath", "reboot", "renice", "reset", "resume", "rev", "rm", "rmdir", "rmmod",
	"route", "rpm", "rpm2cpio", "run-init", "run-parts", "sed", "seq", "setkeycodes", "setpriv",
	"setsid", "sh", "sha1sum", "sha256sum", "sha3sum", "sha512sum", "shred", "shuf", "sleep", "sort",
	"ssl_client", "start-stop-daemon", "stat", "strings", "stty", "su", "sulogin", "svc", "svok",
	"swapoff", "swapon", "switch_root", "sync", "sysctl", "syslogd", "tac", "tail", "tar", "taskset",
	"tc", "tee", "telnet", "telnetd", "test", "tftp", "time", "timeout", "top", "touch", "tr",
	"traceroute", "traceroute6", "true", "truncate", "ts", "tty", "tunctl", "ubirename", "udhcpc",
	"udhcpd", "uevent", "umount", "uname", "uncompress", "unexpand", "uniq", "unix2dos", "unlink",
	"unlzma", "unshare", "unxz", "unzip", "uptime", "usleep", "uudecode", "uuencode", "vconfig", "vi",
	"w", "watch", "watchdog", "wc", "wget", "which", "who", "whoami", "xargs", "xxd", "xz", "xzcat",
	"yes", "zcat",
	".", ":", "alias", "bg", "break", "cd", "chdir", "command", "continue", "eval", "exec", "exit",
	"export", "fg", "getopts", "hash", "help", "history", "jobs", "let", "local", "read", "readonly",
	"return", "set", "shift", "source", "times", "trap", "type", "ulimit", "umask", "unalias", "unset",
	"wait",
};

bool bb_known_command(const char *name)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(known[i], name))
			return true;
	return false;
}
