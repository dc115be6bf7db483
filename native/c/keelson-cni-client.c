/*
 * keelson-cni-client: installed once per plugin as /opt/cni/bin/<plugin> by `keelson cni install`.
 *
 * A JVM per CNI call costs 100+ ms (PLATFORM.md "Start-up"), so this program forwards the call to
 * the resident Keelson CNI daemon instead: the plugin name (argv[0]'s basename), every CNI_*
 * variable and stdin go over a root-only Unix socket; the reply's stdout and stderr are printed
 * and its exit code becomes ours. The daemon runs the plugin in our network namespace, which it
 * finds from our pid and checks against the namespace identity we send.
 *
 * When the daemon is not there (no socket file: ENOENT; nobody listening: ECONNREFUSED), or it
 * hangs up before answering, the plugin runs in a JVM instead: DIR/.keelson-fallback (DIR being
 * where this binary is) holds the java command line, one argument per line, and the plugin name
 * is appended as the last argument. So correctness never depends on the daemon.
 *
 * Socket: $KEELSON_CNI_SOCKET, else /run/keelson/cni.sock.
 *
 * Wire format (integers big-endian; the Java side is dev.keelson.cni.daemon.Protocol):
 *   request: "KCNI" u32 version(1) u32 pid u64 netns-dev u64 netns-ino
 *            u32 n name[n]   u32 count { u32 n "KEY=VALUE"[n] }*count   u32 n stdin[n]
 *   reply:   "KCNR" u32 exit-code u32 n stdout[n] u32 n stderr[n]
 *
 * Errors of this program itself are printed as CNI error JSON (code 999) on stdout, exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

#define DEFAULT_SOCKET "/run/keelson/cni.sock"
#define FALLBACK_FILE ".keelson-fallback"
#define MAX_FALLBACK_ARGS 256

struct buf {
	unsigned char *data;
	size_t len, cap;
};

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* Prints a CNI error (SPEC.md "Error") the way Keelson's plugins print theirs, and exits 1. */
static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	printf("{\n    \"code\": 999,\n    \"msg\": ");
	json_string(msg);
	printf("\n}");
	fflush(stdout);
	exit(1);
}

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		unsigned char *d = realloc(b->data, cap);
		if (!d)
			fail("keelson-cni-client: out of memory");
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void put_u32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = {v >> 24, v >> 16, v >> 8, v};
	put(b, x, 4);
}

static void put_u64(struct buf *b, uint64_t v)
{
	put_u32(b, (uint32_t)(v >> 32));
	put_u32(b, (uint32_t)v);
}

static void put_bytes(struct buf *b, const void *p, size_t n)
{
	put_u32(b, (uint32_t)n);
	put(b, p, n);
}

static void read_stdin(struct buf *b)
{
	unsigned char chunk[65536];
	for (;;) {
		ssize_t n = read(0, chunk, sizeof chunk);
		if (n == 0)
			return;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("keelson-cni-client: cannot read stdin: %s", strerror(errno));
		}
		put(b, chunk, (size_t)n);
	}
}

/* Reads exactly n bytes; returns the number read before EOF (n on success). */
static size_t read_full(int fd, void *p, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)p + got, n - got);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)r;
	}
	return got;
}

static int write_full(int fd, const void *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p = (const char *)p + w;
		n -= (size_t)w;
	}
	return 0;
}

static uint32_t get_u32(const unsigned char *x)
{
	return (uint32_t)x[0] << 24 | (uint32_t)x[1] << 16 | (uint32_t)x[2] << 8 | x[3];
}

/*
 * Runs the plugin in a JVM. stdin is still unread unless `consumed` holds what was read; then it
 * is replayed from a memfd so the JVM sees the same bytes.
 */
static void fallback(const char *name, const char *socket_path, int why, const struct buf *consumed)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n < 0)
		fail("keelson-cni-client: cannot read /proc/self/exe: %s", strerror(errno));
	self[n] = '\0';
	char file[4200];
	snprintf(file, sizeof file, "%s/%s", dirname(self), FALLBACK_FILE);
	FILE *f = fopen(file, "re");
	if (!f)
		fail("keelson CNI daemon is not available at %s (%s) and there is no fallback: %s: %s",
		     socket_path, strerror(why), file, strerror(errno));
	char *args[MAX_FALLBACK_ARGS + 2];
	int argc = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (argc == MAX_FALLBACK_ARGS)
			fail("keelson-cni-client: %s has more than %d arguments", file, MAX_FALLBACK_ARGS);
		args[argc++] = strdup(line);
	}
	fclose(f);
	if (argc == 0)
		fail("keelson-cni-client: %s is empty", file);
	args[argc++] = (char *)name;
	args[argc] = NULL;
	if (consumed) {
		int mfd = memfd_create("keelson-cni-stdin", MFD_CLOEXEC);
		if (mfd < 0 || write_full(mfd, consumed->data, consumed->len) < 0 || lseek(mfd, 0, SEEK_SET) < 0
		    || dup2(mfd, 0) < 0)
			fail("keelson-cni-client: cannot replay stdin to the fallback: %s", strerror(errno));
	}
	execv(args[0], args);
	fail("keelson-cni-client: cannot run the fallback %s: %s", args[0], strerror(errno));
}

int main(int argc, char **argv)
{
	(void)argc;
	char namebuf[256];
	snprintf(namebuf, sizeof namebuf, "%s", argv[0] ? argv[0] : "");
	const char *name = basename(namebuf);
	const char *socket_path = getenv("KEELSON_CNI_SOCKET");
	if (!socket_path || !*socket_path)
		socket_path = DEFAULT_SOCKET;
	signal(SIGPIPE, SIG_IGN);

	/* Connect before touching stdin, so the fallback still finds it unread. */
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(socket_path) >= sizeof addr.sun_path)
		fail("keelson-cni-client: socket path too long: %s", socket_path);
	strcpy(addr.sun_path, socket_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail("keelson-cni-client: socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		int e = errno;
		if (e == ENOENT || e == ECONNREFUSED)
			fallback(name, socket_path, e, NULL);
		fail("cannot connect to the keelson CNI daemon at %s: %s (CNI plugins must run as root)",
		     socket_path, strerror(e));
	}

	struct stat ns;
	if (stat("/proc/self/ns/net", &ns) < 0)
		fail("keelson-cni-client: cannot stat /proc/self/ns/net: %s", strerror(errno));
	struct buf req = {0}, in = {0};
	const char *cmd = getenv("CNI_COMMAND");
	/* As the exec'd plugins: VERSION and a bare call never read stdin (a terminal must not block them). */
	if (cmd && *cmd && strcmp(cmd, "VERSION") != 0)
		read_stdin(&in);

	put(&req, "KCNI", 4);
	put_u32(&req, 1);
	put_u32(&req, (uint32_t)getpid());
	put_u64(&req, (uint64_t)ns.st_dev);
	put_u64(&req, (uint64_t)ns.st_ino);
	put_bytes(&req, name, strlen(name));
	uint32_t count = 0;
	for (char **e = environ; *e; e++)
		if (strncmp(*e, "CNI_", 4) == 0)
			count++;
	put_u32(&req, count);
	for (char **e = environ; *e; e++)
		if (strncmp(*e, "CNI_", 4) == 0)
			put_bytes(&req, *e, strlen(*e));
	put_bytes(&req, in.data ? in.data : (unsigned char *)"", in.len);
	if (write_full(fd, req.data, req.len) < 0)
		fallback(name, socket_path, errno, &in);
	shutdown(fd, SHUT_WR);

	unsigned char head[12];
	size_t got = read_full(fd, head, sizeof head);
	if (got == 0)
		fallback(name, socket_path, ECONNRESET, &in); /* the daemon hung up without answering */
	if (got < sizeof head || memcmp(head, "KCNR", 4) != 0)
		fail("keelson-cni-client: malformed reply from the daemon at %s", socket_path);
	int code = (int)get_u32(head + 4);
	for (int stream = 1; stream <= 2; stream++) {
		uint32_t n = get_u32(head + 8);
		unsigned char *data = malloc(n ? n : 1);
		if (!data)
			fail("keelson-cni-client: out of memory");
		if (read_full(fd, data, n) < n)
			fail("keelson-cni-client: truncated reply from the daemon at %s", socket_path);
		if (write_full(stream, data, n) < 0)
			return 1;
		free(data);
		if (stream == 1 && read_full(fd, head + 8, 4) < 4)
			fail("keelson-cni-client: truncated reply from the daemon at %s", socket_path);
	}
	return code;
}
