/*
 * The script language: one command a line, in the shell syntax people type
 * on a real machine. Words split on blanks, '...' and "..." quote (across
 * lines too), backslash escapes (backslash-newline joins lines), '#' starts
 * a comment. Redirections are tokenized as POSIX sh does
 * (a digit string right before '<' or '>' is the fd they apply to, so
 * "echo 1>>f" echoes nothing into f); the one the interpreter carries out is
 * stdout into a file: "> PATH", ">PATH", ">> PATH", ">| PATH", "1> PATH".
 */
#ifndef IOMMUSIM_SCRIPT_PARSE_H
#define IOMMUSIM_SCRIPT_PARSE_H

#include <stddef.h>

#define SCRIPT_MAX_WORDS 80

struct script_cmd {
	int argc;
	char *argv[SCRIPT_MAX_WORDS];
	/*
	 * For a word with an unquoted * ? or [: the fnmatch() pattern it
	 * expands by (its quoted characters escaped), else NULL.
	 */
	char *glob[SCRIPT_MAX_WORDS];
	char *redirect;		/* where stdout goes, or NULL */
	char *storage, *gstorage;
};

/*
 * Split one line. Returns 0 (argc 0 for a blank or comment line); -EINVAL
 * for a line sh rejects too (a redirection without a target: err holds
 * ash's "syntax error: ..." message) or one of more than SCRIPT_MAX_WORDS
 * words; -EAGAIN when the text ends inside a quoted string (err: ash's
 * "syntax error: unterminated quoted string", should no line follow) or with
 * a backslash-newline (err empty): sh reads on with the next line;
 * -EOPNOTSUPP for one sh would run but the interpreter does not (a
 * redirection of another fd or of input, a duplication like 2>&1, a
 * here-document, two redirections of stdout, a redirection with no command);
 * -ENOMEM. On error err holds the message and nothing is left allocated.
 */
int script_parse_line(const char *line, struct script_cmd *cmd, char *err, size_t errlen);
void script_cmd_free(struct script_cmd *cmd);

#endif
