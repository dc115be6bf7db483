/*
 * keelson-cni-exec: runs CNI plugin executables the way a runtime does (environment, config on
 * stdin, result read from stdout to EOF, child reaped) and times each call with CLOCK_MONOTONIC,
 * so that an exec'd plugin's figure holds the plugin's own cost plus a lean spawn — not a JVM's
 * process machinery (≈ 1.8 ms for /bin/true from ProcessBuilder on this machine kind).
 *
 *   keelson-cni-exec NODE_NS
 *
 * The program enters NODE_NS (a pin path; children start in their parent's namespace), then reads
 * groups of calls from stdin until EOF. A group is a sequence of NUL-terminated fields:
 *
 *   WORKERS NCALLS { PROGRAM EXPECTED_EXIT NENV ENV_1 .. ENV_NENV STDIN } x NCALLS
 *
 * (numbers in decimal; STDIN is the config, which holds no NUL). WORKERS threads take the calls of
 * a group in turn; when all are done, one line per call is printed, in call order, and stdout is
 * flushed: "<ns> <exit status> <stdout bytes>". Then the next group is read.
 *
 * Timed per call: from just before posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK) + execve) to
 * after stdout reached EOF and waitpid reaped the child. Not timed: making the pipes, writing the
 * config into the stdin pipe (it fits the pipe buffer, so the child never waits for it), and the
 * memfd that catches stderr. A call whose exit status is not EXPECTED_EXIT ends the program with
 * status 1 and the plugin's stdout and stderr on stderr: a benchmark of failing calls measures
 * nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 64
#define OUT_KEEP 65536

struct call {
	char *program;
	int expected;
	char **env;
	char *in;
	size_t in_len;
	long long ns;
	int status;
	size_t out_len;
};

static struct call *calls;
static long ncalls;
static atomic_long next_call;

static void die(const char *what, int err)
{
	fprintf(stderr, "keelson-cni-exec: %s failed: %s\n", what, strerror(err));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One NUL-terminated field of stdin, malloc'd; NULL at a clean EOF before its first byte. */
static char *field(size_t *len)
{
	char *s = NULL;
	size_t cap = 0;
	ssize_t n = getdelim(&s, &cap, '\0', stdin);
	if (n < 0) {
		free(s);
		if (ferror(stdin))
			die("reading stdin", errno);
		return NULL;
	}
	if (n == 0 || s[n - 1] != '\0') {
		fprintf(stderr, "keelson-cni-exec: truncated input (a field without its NUL)\n");
		exit(1);
	}
	if (len)
		*len = (size_t)n - 1;
	return s;
}

static long number(const char *what, long lo, long hi)
{
	char *s = field(NULL);
	if (!s) {
		fprintf(stderr, "keelson-cni-exec: input ended where %s was expected\n", what);
		exit(1);
	}
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "keelson-cni-exec: %s must be %ld..%ld, was \"%s\"\n", what, lo, hi, s);
		exit(1);
	}
	free(s);
	return v;
}

static void read_call(struct call *c)
{
	c->program = field(NULL);
	if (!c->program) {
		fprintf(stderr, "keelson-cni-exec: input ended inside a group\n");
		exit(1);
	}
	c->expected = (int)number("EXPECTED_EXIT", 0, 255);
	long nenv = number("NENV", 0, 4096);
	c->env = calloc((size_t)nenv + 1, sizeof *c->env);
	if (!c->env)
		die("calloc", errno);
	for (long i = 0; i < nenv; i++) {
		c->env[i] = field(NULL);
		if (!c->env[i]) {
			fprintf(stderr, "keelson-cni-exec: input ended inside an environment\n");
			exit(1);
		}
	}
	c->in = field(&c->in_len);
	if (!c->in) {
		fprintf(stderr, "keelson-cni-exec: input ended where STDIN was expected\n");
		exit(1);
	}
}

static void free_call(struct call *c)
{
	for (char **e = c->env; e && *e; e++)
		free(*e);
	free(c->env);
	free(c->program);
	free(c->in);
}

/* Everything read from fd from its current offset, for a failure message. */
static void copy_to_stderr(int fd, const char *label)
{
	char buf[4096];
	ssize_t n;
	fprintf(stderr, "--- %s ---\n", label);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, stderr);
	fputc('\n', stderr);
}

static void run(struct call *c, char *out)
{
	int in[2], res[2];
	/* O_CLOEXEC: a child spawned by another worker must not hold our pipe ends (stdout EOF would wait for it) */
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(res, O_CLOEXEC) < 0)
		die("pipe2", errno);
	int err = memfd_create("keelson-cni-exec-stderr", MFD_CLOEXEC);
	if (err < 0)
		die("memfd_create", errno);
	if (c->in_len > 0 && write(in[1], c->in, c->in_len) != (ssize_t)c->in_len)
		die("writing the config to the stdin pipe (larger than the pipe buffer?)", errno ? errno : EIO);
	close(in[1]);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	/* dup2 onto 0, 1, 2 clears FD_CLOEXEC there; the originals close at exec */
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, res[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	char *argv[] = {c->program, NULL};

	long long t0 = now_ns();
	pid_t pid;
	int e = posix_spawn(&pid, c->program, &fa, NULL, argv, c->env);
	if (e) {
		fprintf(stderr, "keelson-cni-exec: cannot run %s: %s\n", c->program, strerror(e));
		exit(1);
	}
	close(res[1]);
	size_t got = 0;
	for (;;) {
		ssize_t n = read(res[0], out + (got < OUT_KEEP ? got : 0), got < OUT_KEEP ? OUT_KEEP - got : OUT_KEEP);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("reading the plugin's stdout", errno);
		if (n == 0)
			break;
		got += (size_t)n;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			die("waitpid", errno);
	}
	c->ns = now_ns() - t0;

	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(res[0]);
	c->out_len = got;
	c->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (c->status != c->expected) {
		fprintf(stderr, "keelson-cni-exec: %s exited with status %d, expected %d\n", c->program, c->status, c->expected);
		fprintf(stderr, "--- stdout ---\n");
		fwrite(out, 1, got < OUT_KEEP ? got : OUT_KEEP, stderr);
		fputc('\n', stderr);
		lseek(err, 0, SEEK_SET);
		copy_to_stderr(err, "stderr");
		exit(1);
	}
	close(err);
}

static void *worker(void *arg)
{
	(void)arg;
	char *out = malloc(OUT_KEEP);
	if (!out)
		die("malloc", errno);
	for (long i; (i = atomic_fetch_add(&next_call, 1)) < ncalls;)
		run(&calls[i], out);
	free(out);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: keelson-cni-exec NODE_NS < calls\n");
		return 2;
	}
	int node = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (node < 0 || setns(node, CLONE_NEWNET) < 0)
		die("entering NODE_NS", errno);
	close(node);
	/* threads and children made from here on start in the node's namespace */
	for (;;) {
		char *w = field(NULL);
		if (!w)
			return 0;
		char *end;
		long workers = strtol(w, &end, 10);
		if (*w == '\0' || *end != '\0' || workers < 1 || workers > MAX_WORKERS) {
			fprintf(stderr, "keelson-cni-exec: WORKERS must be 1..%d, was \"%s\"\n", MAX_WORKERS, w);
			return 1;
		}
		free(w);
		ncalls = number("NCALLS", 1, 100000);
		calls = calloc((size_t)ncalls, sizeof *calls);
		if (!calls)
			die("calloc", errno);
		for (long i = 0; i < ncalls; i++)
			read_call(&calls[i]);
		atomic_store(&next_call, 0);
		if (workers == 1) {
			worker(NULL);
		} else {
			pthread_t t[MAX_WORKERS];
			for (long i = 0; i < workers; i++) {
				int e = pthread_create(&t[i], NULL, worker, NULL);
				if (e)
					die("pthread_create", e);
			}
			for (long i = 0; i < workers; i++)
				pthread_join(t[i], NULL);
		}
		for (long i = 0; i < ncalls; i++) {
			printf("%lld %d %zu\n", calls[i].ns, calls[i].status, calls[i].out_len);
			free_call(&calls[i]);
		}
		free(calls);
		if (fflush(stdout) != 0)
			die("writing stdout", errno);
	}
}
