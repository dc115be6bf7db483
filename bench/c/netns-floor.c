/*
 * keelson-netns-floor: the kernel floor of "create and pin a network namespace" and "unpin it".
 *
 *   keelson-netns-floor ROOT PREFIX COUNT [WARMUP [PAUSE_US]]
 *
 * Does exactly the system calls that `ip netns add` / `ip netns del` (iproute2 ip/ipnetns.c) and
 * Keelson's NetnsDirectory make, in a loop, with nothing else around them:
 *
 *   create: open(ROOT/NAME, O_RDONLY|O_CREAT|O_EXCL) + close   the pin file
 *           unshare(CLONE_NEWNET)                                a new namespace for this thread
 *           mount("/proc/thread-self/ns/net", pin, MS_BIND)     pin it
 *           open("/proc/thread-self/ns/net") + fstat             the handle Keelson's create returns
 *           setns(original, CLONE_NEWNET)                        go back
 *           (close of the handle: after the timed region, as the benchmark does for Keelson)
 *   delete: umount2(pin, MNT_DETACH) + unlink(pin)
 *
 * Before the loop, ROOT is made a shared mount point as ip does (bind it on itself if it is not a
 * mount point yet). Each create and each delete of the WARMUP + COUNT iterations is timed with
 * CLOCK_MONOTONIC, and each starts after a pause of PAUSE_US microseconds (not timed; default 0),
 * so that it finds the kernel quiet — the deferred teardown of earlier namespaces and RCU grace
 * periods done — as on a real node, where pods live for seconds at least. After the
 * loop, one line per counted iteration is printed: "<create ns> <delete ns>". Printing only at the
 * end keeps write(2) out of the loop. Exit status 1 with a message on stderr on any failure; a pin
 * that was half made is removed first.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *prog = "keelson-netns-floor";

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void fail(const char *call, const char *object) {
    fprintf(stderr, "%s: %s(\"%s\") failed: %s\n", prog, call, object, strerror(errno));
    exit(1);
}

/* mkdir -p with mode 0755, as ip does for /run/netns. */
static void make_dirs(const char *path) {
    char buf[PATH_MAX];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) {
        errno = ENAMETOOLONG;
        fail("mkdir", path);
    }
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                fail("mkdir", buf);
            *p = '/';
        }
    }
    if (mkdir(buf, 0755) < 0 && errno != EEXIST)
        fail("mkdir", buf);
}

/* Makes ROOT a shared mount point so pins propagate into mount namespaces made later (ip does this). */
static void share_root(const char *root) {
    if (mount("", root, "none", MS_SHARED | MS_REC, NULL) == 0)
        return;
    if (errno != EINVAL)
        fail("mount --make-rshared", root);
    /* EINVAL: not a mount point yet. Make it one, then share it. */
    if (mount(root, root, "none", MS_BIND | MS_REC, NULL) < 0)
        fail("mount --rbind", root);
    if (mount("", root, "none", MS_SHARED | MS_REC, NULL) < 0)
        fail("mount --make-rshared", root);
}

static void settle(long us) {
    if (us > 0) {
        struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Undoes a half-made pin before failing; errors here are secondary and ignored. */
static void abandon(const char *pin, int home) {
    int saved = errno;
    setns(home, CLONE_NEWNET);
    umount2(pin, MNT_DETACH);
    unlink(pin);
    errno = saved;
}

int main(int argc, char **argv) {
    if (argc < 4 || argc > 6) {
        fprintf(stderr, "usage: %s ROOT PREFIX COUNT [WARMUP [PAUSE_US]]\n", prog);
        return 2;
    }
    const char *root = argv[1];
    const char *prefix = argv[2];
    long count = strtol(argv[3], NULL, 10);
    long warmup = argc >= 5 ? strtol(argv[4], NULL, 10) : 0;
    long pause_us = argc == 6 ? strtol(argv[5], NULL, 10) : 0;
    if (count <= 0 || warmup < 0 || count > 1000000 || warmup > 1000000 || pause_us < 0 || pause_us > 1000000) {
        fprintf(stderr, "%s: COUNT must be 1..1000000, WARMUP 0..1000000, PAUSE_US 0..1000000\n", prog);
        return 2;
    }
    long total = warmup + count;
    long long *create = calloc((size_t)count, sizeof *create);
    long long *delete = calloc((size_t)count, sizeof *delete);
    if (create == NULL || delete == NULL) {
        fprintf(stderr, "%s: out of memory\n", prog);
        return 1;
    }

    make_dirs(root);
    share_root(root);
    int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home < 0)
        fail("open", "/proc/thread-self/ns/net");

    char pin[PATH_MAX];
    for (long i = 0; i < total; i++) {
        if (snprintf(pin, sizeof pin, "%s/%s%ld", root, prefix, i) >= (int)sizeof pin) {
            errno = ENAMETOOLONG;
            fail("snprintf", root);
        }
        settle(pause_us);
        long long t0 = now_ns();
        int fd = open(pin, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
        if (fd < 0)
            fail("open", pin);
        close(fd);
        if (unshare(CLONE_NEWNET) < 0) {
            abandon(pin, home);
            fail("unshare", "CLONE_NEWNET");
        }
        if (mount("/proc/thread-self/ns/net", pin, "none", MS_BIND, NULL) < 0) {
            abandon(pin, home);
            fail("mount --bind", pin);
        }
        int nsfd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        struct stat nsst;
        if (nsfd < 0 || fstat(nsfd, &nsst) < 0) {
            abandon(pin, home);
            fail("open+fstat", "/proc/thread-self/ns/net");
        }
        if (setns(home, CLONE_NEWNET) < 0) {
            abandon(pin, home);
            fail("setns", "original netns");
        }
        long long t1 = now_ns();
        close(nsfd);
        settle(pause_us);
        long long t2 = now_ns();
        if (umount2(pin, MNT_DETACH) < 0) {
            abandon(pin, home);
            fail("umount2", pin);
        }
        if (unlink(pin) < 0)
            fail("unlink", pin);
        long long t3 = now_ns();
        if (i >= warmup) {
            create[i - warmup] = t1 - t0;
            delete[i - warmup] = t3 - t2;
        }
    }
    for (long i = 0; i < count; i++)
        printf("%lld %lld\n", create[i], delete[i]);
    close(home);
    free(create);
    free(delete);
    return fflush(stdout) == 0 ? 0 : 1;
}
