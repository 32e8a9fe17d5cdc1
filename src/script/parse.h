/*
 * The script language: one command a line, in the shell syntax people type
 * on a real machine. Words split on blanks, '...' and "..." quote, backslash
 * escapes, '#' starts a comment, and one output redirection "> PATH" (or
 * ">PATH", ">> PATH") may follow the command.
 */
#ifndef IOMMUSIM_SCRIPT_PARSE_H
#define IOMMUSIM_SCRIPT_PARSE_H

#include <stddef.h>

#define SCRIPT_MAX_WORDS 32

struct script_cmd {
	int argc;
	char *argv[SCRIPT_MAX_WORDS];
	char *redirect;		/* target of '>' or NULL */
	char *storage;
};

/* 0 (argc 0 for a blank or comment line), or -EINVAL with a message in err. */
int script_parse_line(const char *line, struct script_cmd *cmd, char *err, size_t errlen);
void script_cmd_free(struct script_cmd *cmd);

#endif
