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

/*
 * A character of a word, and of its pattern: an unquoted * ? [ stays a
 * wildcard there (and makes the word one sh expands), any other of the
 * pattern's special characters is quoted.
 */
static void emit(char **out, char **gout, bool *glob, char ch, bool unquoted)
{
	*(*out)++ = ch;
	if (unquoted && strchr("*?[", ch))
		*glob = true;
	else if (!unquoted && strchr("*?[]\\", ch))
		*(*gout)++ = '\\';
	*(*gout)++ = ch;
}

int script_parse_line(const char *line, struct script_cmd *cmd, char *err, size_t errlen)
{
	memset(cmd, 0, sizeof(*cmd));
	size_t len = strlen(line);
	/* every word fits in the storage with its terminator; its pattern in twice that */
	cmd->storage = malloc(len + SCRIPT_MAX_WORDS + 2);
	cmd->gstorage = malloc(2 * len + SCRIPT_MAX_WORDS + 2);
	if (!cmd->storage || !cmd->gstorage) {
		script_cmd_free(cmd);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	char *out = cmd->storage, *gout = cmd->gstorage;
	const char *p = line;
	bool want_target = false;	/* the next word is a redirection's target */
	bool target_stdout = false;	/* ... and stdout goes there */
	const char *unsup = NULL;	/* the first redirection not carried out, as written */
	const char *why = NULL;
	bool unsup_done = false;	/* err names it, target included */
	int ret = -EINVAL;

	for (;;) {
		while (is_blank(*p) || (p[0] == '\\' && p[1] == '\n')) {
			if (*p == '\\' && !p[2]) {
				/* a line that goes on on the next one */
				err[0] = '\0';
				ret = -EAGAIN;
				goto fail;
			}
			p += *p == '\\' ? 2 : 1;
		}
		if (!*p || *p == '#')
			break;
		const char *tok = p;
		long fd = -1;		/* the operator's default fd */
		if (!is_redir(*p)) {
			char *word = out, *pattern = gout;
			bool digits = true;	/* unquoted digits only */
			bool glob = false;	/* an unquoted * ? or [: sh expands the word to the paths it matches */
			while (*p && !is_blank(*p) && !is_redir(*p)) {
				if (*p == '\'' || *p == '"') {
					char q = *p++;
					digits = false;
					while (*p && *p != q) {
						/* in "...", a backslash quotes $ ` " \ and joins lines */
						if (q == '"' && p[0] == '\\' && p[1] == '\n') {
							p += 2;
							continue;
						}
						if (q == '"' && *p == '\\' && p[1] && strchr("$`\"\\", p[1]))
							p++;
						emit(&out, &gout, &glob, *p++, false);
					}
					if (*p != q) {
						/* the string goes on on the next line */
						snprintf(err, errlen, "syntax error: unterminated quoted string");
						ret = -EAGAIN;
						goto fail;
					}
					p++;
				} else if (p[0] == '\\' && p[1] == '\n') {
					/* a line that goes on on the next one */
					p += 2;
					if (!*p) {
						err[0] = '\0';
						ret = -EAGAIN;
						goto fail;
					}
				} else if (*p == '\\' && p[1]) {
					digits = false;
					p++;
					emit(&out, &gout, &glob, *p++, false);
				} else if (strchr("|;&()", *p)) {
					/* sh's control operators: the script runs one simple command a line */
					snprintf(err, errlen, "unsupported: `%c' (pipelines, lists, background jobs and subshells); one command a line",
						 *p);
					ret = -EOPNOTSUPP;
					goto fail;
				} else {
					if (*p < '0' || *p > '9')
						digits = false;
					emit(&out, &gout, &glob, *p++, true);
				}
			}
			*out++ = '\0';
			*gout++ = '\0';
			if (!glob)
				gout = pattern;
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
				cmd->glob[cmd->argc] = glob ? pattern : NULL;
				cmd->argv[cmd->argc++] = word;
				continue;
			}
			/* sh's IO_NUMBER: digits touching '<' or '>' name the fd, they are no word */
			out = word;
			if (want_target) {
				snprintf(err, errlen, "syntax error: unexpected redirection");
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
			snprintf(err, errlen, "syntax error: unexpected redirection");
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
		/* ash's words for the token it found instead of the target */
		snprintf(err, errlen, "syntax error: unexpected %s",
			 len && line[len - 1] == '\n' ? "newline" : "end of file");
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
	free(cmd->gstorage);
	memset(cmd, 0, sizeof(*cmd));
}
