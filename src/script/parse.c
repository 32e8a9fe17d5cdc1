#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "script/parse.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_redir(char c)
{
	return c == '<' || c == '>';
}

/*
 * The length of sh's redirection operator at p ('>' '>>' '>|' '>&' '<' '<<'
 * '<<-' '<&' '<>'), and whether it opens a file for output.
 */
static int redir_op(const char *p, bool *to_file)
{
	if (p[0] == '>') {
		*to_file = p[1] != '&';
		return p[1] == '>' || p[1] == '|' || p[1] == '&' ? 2 : 1;
	}
	*to_file = false;
	if (p[1] == '<')
		return p[2] == '-' ? 3 : 2;
	return p[1] == '&' || p[1] == '>' ? 2 : 1;
}

int script_parse_line(const char *line, struct script_cmd *cmd, char *err, size_t errlen)
{
	memset(cmd, 0, sizeof(*cmd));
	size_t len = strlen(line);
	/* every word fits in the storage with its terminator */
	cmd->storage = malloc(len + SCRIPT_MAX_WORDS + 2);
	if (!cmd->storage) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	char *out = cmd->storage;
	const char *p = line;
	bool want_target = false;	/* the next word is a redirection's target */
	bool target_stdout = false;	/* ... and stdout goes there */
	const char *unsup = NULL;	/* the first redirection not carried out, as written */
	const char *why = NULL;
	bool unsup_done = false;	/* err names it, target included */
	int ret = -EINVAL;

	for (;;) {
		while (is_blank(*p))
			p++;
		if (!*p || *p == '#')
			break;
		const char *tok = p;
		long fd = -1;		/* the operator's default fd */
		if (!is_redir(*p)) {
			char *word = out;
			bool digits = true;	/* unquoted digits only */
			while (*p && !is_blank(*p) && !is_redir(*p)) {
				if (*p == '\'' || *p == '"') {
					char q = *p++;
					digits = false;
					while (*p && *p != q) {
						if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
							p++;
						*out++ = *p++;
					}
					if (*p != q) {
						snprintf(err, errlen, "unexpected end of line while looking for matching `%c'", q);
						goto fail;
					}
					p++;
				} else if (*p == '\\' && p[1]) {
					digits = false;
					p++;
					*out++ = *p++;
				} else {
					if (*p < '0' || *p > '9')
						digits = false;
					*out++ = *p++;
				}
			}
			*out++ = '\0';
			if (!digits || !is_redir(*p)) {
				if (want_target) {
					if (target_stdout)
						cmd->redirect = word;
					if (unsup && !unsup_done) {
						snprintf(err, errlen, "unsupported redirection `%.*s': %s", (int)(p - unsup),
							 unsup, why);
						unsup_done = true;
					}
					want_target = false;
					continue;
				}
				if (cmd->argc == SCRIPT_MAX_WORDS) {
					snprintf(err, errlen, "too many words (at most %d)", SCRIPT_MAX_WORDS);
					goto fail;
				}
				cmd->argv[cmd->argc++] = word;
				continue;
			}
			/* sh's IO_NUMBER: digits touching '<' or '>' name the fd, they are no word */
			out = word;
			if (want_target) {
				snprintf(err, errlen, "syntax error near unexpected token `%.*s'", (int)(p - tok), tok);
				goto fail;
			}
			fd = 0;
			for (const char *d = tok; d < p; d++)
				if (fd < 1000)	/* only 1 matters; larger stay larger */
					fd = fd * 10 + (*d - '0');
		}
		bool to_file;
		int oplen = redir_op(p, &to_file);
		if (want_target) {
			snprintf(err, errlen, "syntax error near unexpected token `%.*s'", oplen, p);
			goto fail;
		}
		p += oplen;
		bool to_stdout = to_file && (fd < 0 || fd == 1);
		if (!unsup && !to_stdout) {
			unsup = tok;
			why = "a script redirects only stdout, to a file (> FILE or >> FILE)";
		} else if (!unsup && cmd->redirect) {
			unsup = tok;
			why = "stdout is redirected already";
		}
		want_target = true;
		target_stdout = to_stdout;
	}
	if (want_target) {
		snprintf(err, errlen, "syntax error near unexpected token `newline'");
		goto fail;
	}
	ret = -EOPNOTSUPP;
	if (unsup)
		goto fail;
	if (cmd->redirect && !cmd->argc) {
		snprintf(err, errlen, "unsupported: a redirection without a command");
		goto fail;
	}
	return 0;
fail:
	script_cmd_free(cmd);
	return ret;
}

void script_cmd_free(struct script_cmd *cmd)
{
	free(cmd->storage);
	memset(cmd, 0, sizeof(*cmd));
}
