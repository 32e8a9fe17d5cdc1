#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "script/parse.h"

int script_parse_line(const char *line, struct script_cmd *cmd, char *err, size_t errlen)
{
	memset(cmd, 0, sizeof(*cmd));
	size_t len = strlen(line);
	/* every word fits in the storage with its terminator */
	cmd->storage = malloc(len + SCRIPT_MAX_WORDS + 2);
	if (!cmd->storage)
		return -ENOMEM;
	char *out = cmd->storage;
	const char *p = line;
	bool want_redirect = false;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			break;
		if (*p == '>') {
			if (want_redirect || cmd->redirect) {
				snprintf(err, errlen, "syntax error near unexpected token `>'");
				goto fail;
			}
			p++;
			if (*p == '>')
				p++;	/* append: sysfs writes are the same either way */
			want_redirect = true;
			continue;
		}
		char *word = out;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && *p != '>') {
			if (*p == '\'' || *p == '"') {
				char q = *p++;
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
				p++;
				*out++ = *p++;
			} else {
				*out++ = *p++;
			}
		}
		*out++ = '\0';
		if (want_redirect) {
			cmd->redirect = word;
			want_redirect = false;
			continue;
		}
		if (cmd->argc == SCRIPT_MAX_WORDS) {
			snprintf(err, errlen, "too many words (at most %d)", SCRIPT_MAX_WORDS);
			goto fail;
		}
		cmd->argv[cmd->argc++] = word;
	}
	if (want_redirect) {
		snprintf(err, errlen, "syntax error near unexpected token `newline'");
		goto fail;
	}
	if (cmd->redirect && !cmd->argc) {
		snprintf(err, errlen, "redirection without a command");
		goto fail;
	}
	return 0;
fail:
	script_cmd_free(cmd);
	return -EINVAL;
}

void script_cmd_free(struct script_cmd *cmd)
{
	free(cmd->storage);
	memset(cmd, 0, sizeof(*cmd));
}
