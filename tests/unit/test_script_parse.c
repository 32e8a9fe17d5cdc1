/* The script tokenizer: words, quotes, redirections, comments, bad lines. */
#include <criterion/criterion.h>
#include <errno.h>
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
	cr_assert_str_eq(c.redirect, "/sys/x");
	script_cmd_free(&c);
	c = parse_ok("echo 1>>/sys/x");
	cr_assert_eq(c.argc, 2);
	cr_assert_str_eq(c.argv[1], "1");
	cr_assert_str_eq(c.redirect, "/sys/x");
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
	const char *bad[] = { "echo 'open", "echo \"open", "echo >", "echo > a > b", "> /sys/x",
			      "echo >> ", NULL };
	for (int i = 0; bad[i]; i++) {
		struct script_cmd c;
		char err[128] = "";
		cr_assert_eq(script_parse_line(bad[i], &c, err, sizeof(err)), -EINVAL, "%s", bad[i]);
		cr_assert_neq(err[0], '\0', "a message for %s", bad[i]);
		cr_assert_null(c.storage, "nothing left allocated");
	}
	char many[400] = "echo";
	for (int i = 0; i < SCRIPT_MAX_WORDS + 1; i++)
		strcat(many, " w");
	struct script_cmd c;
	char err[128];
	cr_assert_eq(script_parse_line(many, &c, err, sizeof(err)), -EINVAL);
}
