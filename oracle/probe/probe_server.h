/*
 * The server half every stateful probe shares (oracle/probe/vfio.c,
 * oracle/probe/iommufd.c). A VMM keeps its files open between calls, while
 * each line of a guest script is a new process: the first call starts a
 * daemon (no stdio, its own session) that listens on a unix socket and
 * holds the state; every call, that first one included, is a client that
 * sends its words and prints the daemon's answer. The daemon ends with the
 * guest.
 *
 * Wire format: a request is its length (unsigned) and the words, each ended
 * by NUL; the answer is the status (int), the text's length (unsigned) and
 * the text. The includer defines MAX_WORDS and MAX_REQ and passes the
 * function that runs one request's words.
 */
#ifndef IOMMUSIM_ORACLE_PROBE_SERVER_H
#define IOMMUSIM_ORACLE_PROBE_SERVER_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* one request's words: what the caller prints goes to out; the status is the client's exit code */
typedef int (*probe_run_fn)(int argc, char **argv, FILE *out);

static int probe_read_full(int fd, void *buf, size_t len)
{
	for (size_t got = 0; got < len;) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int probe_write_full(int fd, const void *buf, size_t len)
{
	for (size_t put = 0; put < len;) {
		ssize_t n = write(fd, (const char *)buf + put, len - put);
		if (n <= 0)
			return -1;
		put += (size_t)n;
	}
	return 0;
}

static void probe_serve(int lfd, probe_run_fn run)
{
	for (;;) {
		int c = accept(lfd, NULL, NULL);
		if (c < 0)
			continue;
		unsigned len;
		char req[MAX_REQ + 1];
		if (probe_read_full(c, &len, sizeof(len)) || len > MAX_REQ || probe_read_full(c, req, len)) {
			close(c);
			continue;
		}
		req[len] = '\0';
		char *argv[MAX_WORDS];
		int argc = 0;
		for (unsigned off = 0; off < len && argc < MAX_WORDS; off += (unsigned)strlen(req + off) + 1)
			argv[argc++] = req + off;
		char *text = NULL;
		size_t tlen = 0;
		FILE *out = open_memstream(&text, &tlen);
		int status = out ? run(argc, argv, out) : 1;
		if (out)
			fclose(out);
		unsigned n = (unsigned)tlen;
		if (!probe_write_full(c, &status, sizeof(status)) && !probe_write_full(c, &n, sizeof(n)))
			probe_write_full(c, text, tlen);
		free(text);
		close(c);
	}
}

static int probe_connect(const char *sock_path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* the daemon, detached from the shell's pipes, listening before the client goes on */
static int probe_start_server(const char *sock_path, probe_run_fn run)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	unlink(sock_path);
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 8))
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setsid();
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
		signal(SIGPIPE, SIG_IGN);
		probe_serve(lfd, run);
		_exit(0);
	}
	close(lfd);
	return 0;
}

/* the client: argv's words to the daemon (started if it is not there), its answer to stdout */
static int probe_client_main(const char *verb, const char *sock_path, int argc, char **argv, probe_run_fn run)
{
	char req[MAX_REQ];
	unsigned len = 0;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;
		if (len + n > MAX_REQ || i >= MAX_WORDS) {
			printf("%s: too many words\n", verb);
			return 1;
		}
		memcpy(req + len, argv[i], n);
		len += (unsigned)n;
	}
	int fd = probe_connect(sock_path);
	if (fd < 0 && (probe_start_server(sock_path, run) || (fd = probe_connect(sock_path)) < 0)) {
		printf("%s: cannot start the server: %s\n", verb, strerror(errno));
		return 1;
	}
	int status;
	unsigned n;
	if (probe_write_full(fd, &len, sizeof(len)) || probe_write_full(fd, req, len) ||
	    probe_read_full(fd, &status, sizeof(status)) || probe_read_full(fd, &n, sizeof(n))) {
		printf("%s: the server did not answer\n", verb);
		return 1;
	}
	char *text = malloc(n + 1);
	if (!text || probe_read_full(fd, text, n))
		return 1;
	fwrite(text, 1, n, stdout);
	free(text);
	close(fd);
	return status;
}

#endif
