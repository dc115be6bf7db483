/*
 * keelson-cri-shim: the per-container monitor between Keelson's CRI runtime and runc/crun.
 *
 *   JVM ──spawn──▶ shim (setsid, PR_SET_CHILD_SUBREAPER) ──fork/exec──▶ runc create|run -d ... (exits)
 *                    │                                                       │
 *                    └───────── container init is re-parented to the shim ◀──┘
 *
 * `runc create` daemonizes the container's init and exits, so the caller is never the init's
 * parent and cannot learn its exit status; the kernel re-parents an orphan to the nearest
 * ancestor that set PR_SET_CHILD_SUBREAPER (prctl(2)). The shim is that ancestor: it waits for
 * the init with waitpid(2) and writes its status to a file, so the status survives a restart of
 * the JVM (the shim is in its own session and does not depend on the JVM once started).
 *
 * Usage: keelson-cri-shim EXIT_FILE PID_FILE STDOUT_FIFO STDERR_FIFO RUNTIME [ARGS...]
 *
 * The two FIFOs are created (0600) if missing and opened read-write, which never blocks and keeps
 * their buffers alive while the shim lives; they become the runtime's (hence the container's)
 * stdout and stderr. Stdin is /dev/null, unless KEELSON_SHIM_STDIN names a FIFO (made by the
 * caller, who holds it open for writing, so this open does not wait): it is opened for reading
 * and becomes the container's stdin. Without KEELSON_SHIM_STDIN_ONCE=1 the shim also keeps a
 * writer of its own, so the container never sees end-of-file on stdin (the caller may come and
 * go); with it, the container sees end-of-file once the caller's writers are closed (CRI
 * stdin_once). Both variables are removed before the runtime starts.
 *
 * With KEELSON_SHIM_DAEMON=1 the shim forks first and the process the caller started exits
 * once the monitor has written its line (a JVM closes a child's stdout when the child ends,
 * losing what was not written yet): the monitor is no child of the caller, which then needs
 * no thread of its own waiting for it (a JVM keeps one "process reaper" thread per live child)
 * and watches the monitor's pid with a pidfd instead. The monitor's own pid is on its line (below).
 *
 * When runc create has exited the shim prints one line on
 * its stdout and closes it: "pid N M" (N read from PID_FILE, M the shim's pid) or "failed STATUS" (the runtime's
 * shell-style exit status; the shim then exits 1). When the init has been reaped the shim writes
 * EXIT_FILE (via a temporary file and rename, so readers never see half of it):
 *   "EXITCODE SIGNAL FINISHED_UNIX_NANOS\n"  (SIGNAL 0 for a normal exit, EXITCODE 0 when signalled)
 * and exits 0, which closes the FIFOs: their readers see end-of-file.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int open_fifo(const char *path) {
    if (mkfifo(path, 0600) < 0 && errno != EEXIST) {
        fprintf(stderr, "keelson-cri-shim: mkfifo %s: %s\n", path, strerror(errno));
        return -1;
    }
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "keelson-cri-shim: open %s: %s\n", path, strerror(errno));
    }
    return fd;
}

static int read_pid(const char *path) {
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return -1;
    }
    int pid = -1;
    if (fscanf(f, "%d", &pid) != 1) {
        pid = -1;
    }
    fclose(f);
    return pid;
}

static int write_exit(const char *path, int code, int sig) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int) sizeof tmp) {
        return -1;
    }
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        return -1;
    }
    fprintf(f, "%d %d %lld\n", code, sig, (long long) now.tv_sec * 1000000000LL + now.tv_nsec);
    if (fclose(f) != 0) {
        return -1;
    }
    return rename(tmp, path);
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: keelson-cri-shim EXIT_FILE PID_FILE STDOUT_FIFO STDERR_FIFO RUNTIME [ARGS...]\n");
        return 2;
    }
    const char *exit_file = argv[1], *pid_file = argv[2];
    const char *daemon = getenv("KEELSON_SHIM_DAEMON");
    int reported = -1; /* closed by the monitor once its line is out: the caller's child may end then */
    if (daemon != NULL && strcmp(daemon, "1") == 0) {
        int sync[2];
        if (pipe2(sync, O_CLOEXEC) < 0) {
            fprintf(stderr, "keelson-cri-shim: pipe: %s\n", strerror(errno));
            return 1;
        }
        pid_t monitor = fork();
        if (monitor < 0) {
            fprintf(stderr, "keelson-cri-shim: fork: %s\n", strerror(errno));
            return 1;
        }
        if (monitor > 0) {
            /* A JVM closes a child's stdout pipe when the child ends: wait until the line is written. */
            close(sync[1]);
            char c;
            while (read(sync[0], &c, 1) < 0 && errno == EINTR) {
            }
            _exit(0);
        }
        close(sync[0]);
        reported = sync[1];
    }
    unsetenv("KEELSON_SHIM_DAEMON");
    setsid();
    signal(SIGPIPE, SIG_IGN);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
        fprintf(stderr, "keelson-cri-shim: prctl(PR_SET_CHILD_SUBREAPER): %s\n", strerror(errno));
        return 1;
    }
    int out = open_fifo(argv[3]);
    int err = open_fifo(argv[4]);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (out < 0 || err < 0 || null < 0) {
        return 1;
    }
    int in = null;
    const char *stdin_fifo = getenv("KEELSON_SHIM_STDIN");
    if (stdin_fifo != NULL && *stdin_fifo != '\0') {
        const char *once = getenv("KEELSON_SHIM_STDIN_ONCE");
        in = open(stdin_fifo, O_RDONLY | O_CLOEXEC);
        if (in < 0) {
            fprintf(stderr, "keelson-cri-shim: open %s: %s\n", stdin_fifo, strerror(errno));
            return 1;
        }
        if (once == NULL || strcmp(once, "1") != 0) {
            /* kept for the shim's whole life, never used: a writer, so no end-of-file */
            if (open(stdin_fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC) < 0) {
                fprintf(stderr, "keelson-cri-shim: open %s for writing: %s\n", stdin_fifo, strerror(errno));
                return 1;
            }
        }
    }
    unsetenv("KEELSON_SHIM_STDIN");
    unsetenv("KEELSON_SHIM_STDIN_ONCE");
    pid_t runtime = fork();
    if (runtime < 0) {
        fprintf(stderr, "keelson-cri-shim: fork: %s\n", strerror(errno));
        return 1;
    }
    if (runtime == 0) {
        if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
            _exit(127);
        }
        execvp(argv[5], &argv[5]);
        _exit(127);
    }
    if (in != null) {
        close(in);
    }
    int status;
    while (waitpid(runtime, &status, 0) < 0) {
        if (errno != EINTR) {
            printf("failed 255\n");
            return 1;
        }
    }
    int shell = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    int init = shell == 0 ? read_pid(pid_file) : -1;
    if (init <= 0) {
        printf("failed %d\n", shell == 0 ? 255 : shell);
        return 1;
    }
    printf("pid %d %d\n", init, (int) getpid());
    fflush(stdout);
    dup2(null, 1);
    if (reported >= 0) {
        close(reported);
    }
    for (;;) {
        pid_t p = waitpid(-1, &status, 0);
        if (p < 0 && errno == EINTR) {
            continue;
        }
        if (p < 0) {
            /* ECHILD: the init was never ours (cannot happen with the subreaper set); unknown status */
            return write_exit(exit_file, 255, 0) == 0 ? 0 : 1;
        }
        if (p == init) {
            int code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
            int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
            return write_exit(exit_file, code, sig) == 0 ? 0 : 1;
        }
    }
}
