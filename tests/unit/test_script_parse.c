/* The script tokenizer: words, quotes, redirections, comments, bad lines. */
#include <criterion/criterion.h>
#include <errno.h>
#include "boot_util.h"
#include "script/parse.h"

static struct script_cmd parse_ok(const char *line)
{
	struct script_cmd c;
	char err[128] = "";
	cr_assert_eq(script_parse_line(line, &c, err, sizeof(err)), 0, "%s: %s", line, err);
	return c;
}

Test(script_parse, words_and_redirection)
{
	struct script_cmd c = parse_ok("echo vfio-pci > /sys/bus/pci/devices/0000:01:00.0/driver_override\n");
	cr_assert_eq(c.argc, 2);
	cr_assert_str_eq(c.argv[0], "echo");
	cr_assert_str_eq(c.argv[1], "vfio-pci");
	cr_assert_str_eq(c.redirect, "/sys/bus/pci/devices/0000:01:00.0/driver_override");
	script_cmd_free(&c);

	c = parse_ok("echo 1 >/sys/x");
	cr_assert_eq(c.argc, 2);
	cr_assert_str_eq(c.argv[1], "1");
	cr_assert_str_eq(c.redirect, "/sys/x");
	script_cmd_free(&c);
	c = parse_ok("echo 1 >>/sys/x");
	cr_assert_eq(c.argc, 2);
	cr_assert_str_eq(c.argv[1], "1");
	cr_assert_str_eq(c.redirect, "/sys/x");
	script_cmd_free(&c);
	c = parse_ok("echo a>|/sys/x");
	cr_assert_eq(c.argc, 2);
	cr_assert_str_eq(c.argv[1], "a");
	cr_assert_str_eq(c.redirect, "/sys/x");
	script_cmd_free(&c);
	c = parse_ok(">/sys/x echo a");
	cr_assert_eq(c.argc, 2);
	cr_assert_str_eq(c.redirect, "/sys/x");
	script_cmd_free(&c);
}

/*
 * sh's IO_NUMBER: a digit string touching '<' or '>' is the fd the
 * redirection applies to, not a word. "echo 1>/x" writes "\n" to /x.
 */
Test(script_parse, fd_numbers)
{
	const char *stdout_lines[] = { "echo 1>>/sys/x", "echo 1>/sys/x", "echo 1> /sys/x", "echo 01>/sys/x",
				       "echo 1>|/sys/x", NULL };
	for (int i = 0; stdout_lines[i]; i++) {
		struct script_cmd c = parse_ok(stdout_lines[i]);
		cr_assert_eq(c.argc, 1, "%s: the 1 is the fd, no argument", stdout_lines[i]);
		cr_assert_str_eq(c.redirect, "/sys/x", "%s", stdout_lines[i]);
		script_cmd_free(&c);
	}
	/* digits that are not the whole unquoted token stay a word */
	const char *word_lines[] = { "echo a1>/sys/x", "echo '1'>/sys/x", "echo \"1\">/sys/x", "echo \\1>/sys/x",
				     "echo 1x>/sys/x", NULL };
	const char *words[] = { "a1", "1", "1", "1", "1x" };
	for (int i = 0; word_lines[i]; i++) {
		struct script_cmd c = parse_ok(word_lines[i]);
		cr_assert_eq(c.argc, 2, "%s", word_lines[i]);
		cr_assert_str_eq(c.argv[1], words[i], "%s", word_lines[i]);
		cr_assert_str_eq(c.redirect, "/sys/x", "%s", word_lines[i]);
		script_cmd_free(&c);
	}
}

/* What sh runs but the interpreter does not: a clear error, never ignored. */
Test(script_parse, unsupported_redirections)
{
	const char *lines[] = { "echo 1 2>/dev/null", "echo 1 2>&1", "echo 1 >&2", "echo 1 1>&2", "echo 12>/sys/x",
				"echo 0>/sys/x", "cat </sys/x", "cat 0</sys/x", "cat a<b", "cat <<EOF", "cat <<-EOF",
				"cat <&3", "cat <>/sys/x", "echo 1 >/sys/x 2>/sys/y", "echo 2>/sys/y 1 >/sys/x",
				"echo > a > b", "> /sys/x", NULL };
	for (int i = 0; lines[i]; i++) {
		struct script_cmd c;
		char err[256] = "";
		cr_assert_eq(script_parse_line(lines[i], &c, err, sizeof(err)), -EOPNOTSUPP, "%s", lines[i]);
		cr_assert(strstr(err, "unsupported"), "%s: %s", lines[i], err);
		cr_assert_null(c.storage, "nothing left allocated");
	}
	struct script_cmd c;
	char err[256];
	/* the message names the redirection as written */
	script_parse_line("echo 1 2>&1", &c, err, sizeof(err));
	cr_assert_str_eq(err, "unsupported redirection `2>&1': a script redirects only stdout, to a file "
			      "(> FILE or >> FILE)");
	script_parse_line("echo 12> '/sys/x' 3>y", &c, err, sizeof(err));
	cr_assert(strstr(err, "`12> '/sys/x'':"), "%s", err);
	script_parse_line("echo >a >>b", &c, err, sizeof(err));
	cr_assert_str_eq(err, "unsupported redirection `>>b': stdout is redirected already");
	/* a syntax error later in the line is still the syntax error */
	cr_assert_eq(script_parse_line("echo 2>/dev/null >\n", &c, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "syntax error: unexpected newline");
}

/* sh's control operators are refused, not taken as words; quoted they are characters */
Test(script_parse, control_operators)
{
	const char *lines[] = { "dmesg | grep TLB", "echo 1; echo 2", "echo 1&&echo 2", "sleep 1 &",
				"(cd /sys)", "echo a|b", NULL };
	for (int i = 0; lines[i]; i++) {
		struct script_cmd c;
		char err[256] = "";
		cr_assert_eq(script_parse_line(lines[i], &c, err, sizeof(err)), -EOPNOTSUPP, "%s", lines[i]);
		cr_assert(strstr(err, "unsupported: `"), "%s: %s", lines[i], err);
		cr_assert_null(c.storage, "nothing left allocated");
	}
	struct script_cmd c;
	char err[256];
	cr_assert_eq(script_parse_line("echo 'a|b;c' \\& \"(x)\"", &c, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.argc, 4);
	cr_assert_str_eq(c.argv[1], "a|b;c");
	cr_assert_str_eq(c.argv[2], "&");
	cr_assert_str_eq(c.argv[3], "(x)");
	script_cmd_free(&c);
}

Test(script_parse, quotes_escapes_comments)
{
	struct script_cmd c = parse_ok("echo 'a b' \"c \\\"d\\\"\" e\\ f # not this");
	cr_assert_eq(c.argc, 4);
	cr_assert_str_eq(c.argv[1], "a b");
	cr_assert_str_eq(c.argv[2], "c \"d\"");
	cr_assert_str_eq(c.argv[3], "e f");
	script_cmd_free(&c);

	c = parse_ok("   # a comment line");
	cr_assert_eq(c.argc, 0);
	script_cmd_free(&c);
	c = parse_ok("");
	cr_assert_eq(c.argc, 0);
	script_cmd_free(&c);
	c = parse_ok("echo '' > /sys/x");
	cr_assert_eq(c.argc, 2);
	cr_assert_str_eq(c.argv[1], "");
	script_cmd_free(&c);
}

Test(script_parse, bad_lines)
{
	const char *bad[] = { "echo >", "echo >> ", "echo > >x", "echo >1>x", "echo 2>", "cat <", "echo >&", NULL };
	for (int i = 0; bad[i]; i++) {
		struct script_cmd c;
		char err[128] = "";
		cr_assert_eq(script_parse_line(bad[i], &c, err, sizeof(err)), -EINVAL, "%s", bad[i]);
		cr_assert_neq(err[0], '\0', "a message for %s", bad[i]);
		cr_assert_null(c.storage, "nothing left allocated");
	}
	/* busybox ash's words (real Linux 6.1's guest) for the token it did not expect */
	struct script_cmd c;
	char err[128];
	script_parse_line("echo > >x\n", &c, err, sizeof(err));
	cr_assert_str_eq(err, "syntax error: unexpected redirection");
	script_parse_line("echo >1>x\n", &c, err, sizeof(err));
	cr_assert_str_eq(err, "syntax error: unexpected redirection");
	script_parse_line("echo 2>\n", &c, err, sizeof(err));
	cr_assert_str_eq(err, "syntax error: unexpected newline");
	script_parse_line("cat <\n", &c, err, sizeof(err));
	cr_assert_str_eq(err, "syntax error: unexpected newline");
	/* the script's last line, with no newline after it */
	script_parse_line("echo eof >", &c, err, sizeof(err));
	cr_assert_str_eq(err, "syntax error: unexpected end of file");
	/* a quote still open, or a backslash-newline: sh reads on */
	const char *more[] = { "echo 'open\n", "echo \"open\n", "echo \"a\\\n", "echo a \\\n", NULL };
	for (int i = 0; more[i]; i++) {
		cr_assert_eq(script_parse_line(more[i], &c, err, sizeof(err)), -EAGAIN, "%s", more[i]);
		cr_assert_null(c.storage, "nothing left allocated");
	}
	script_parse_line("echo 'open", &c, err, sizeof(err));
	cr_assert_str_eq(err, "syntax error: unterminated quoted string");
	char many[400] = "echo";
	for (int i = 0; i < SCRIPT_MAX_WORDS + 1; i++)
		strcat(many, " w");
	cr_assert_eq(script_parse_line(many, &c, err, sizeof(err)), -EINVAL);
}

/* Through the interpreter: "echo 1>F" stores an empty line, a 2> runs nothing. */
Test(script_parse, fd_redirection_runs_as_sh)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device virtio-rng-pci");
	const char *ovr = "/sys/bus/pci/devices/0000:00:01.0/driver_override";
	char lines[512];
	snprintf(lines, sizeof(lines), "echo vfio-pci > %s\necho 1>%s\ncat %s\n", ovr, ovr, ovr);
	char *o = run(sim, lines);
	cr_assert_str_eq(o, "(null)\n", "the override was cleared by an empty line");
	free(o);
	snprintf(lines, sizeof(lines), "echo vfio-pci >%s 2>/dev/null\ncat %s\n", ovr, ovr);
	o = run(sim, lines);
	cr_assert_str_eq(o, "sh: unsupported redirection `2>/dev/null': a script redirects only stdout, to a file "
			    "(> FILE or >> FILE)\n(null)\n");
	free(o);
	FILE *null = fopen("/dev/null", "w");
	cr_assert_eq(iommusim_run_line(sim, "echo 1 2>&1", null), -EOPNOTSUPP);
	fclose(null);
	iommusim_free(sim);
}
