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
 * With KEELSON_SHIM_CONSOLE=PATH (the runtime runs with --console-socket PATH, for a container
 * with a terminal) the shim listens on PATH, takes the terminal's master the runtime sends, and
 * keeps it for the container's life: the terminal's output goes to the stdout FIFO, the stdin
 * FIFO (if any) is copied to it, and "ROWS COLS" lines written to the FIFO KEELSON_SHIM_RESIZE
 * set its window size. Holding the master here, not in the JVM, keeps the container's terminal
 * open across a restart of the JVM, as the FIFOs are.
 *
 * With KEELSON_SHIM_JOIN=TASKS[:TASKS...] (cgroup v1 "tasks" files) the runtime's process moves
 * itself into those cgroups, by writing "0" to each, before it execs the runtime, so that the
 * container's processes are born there and the runtime needs no cgroup work of its own (crun with
 * --cgroup-manager=disabled). A thread moving itself is the kernel's cheap path: it does not take
 * the global threadgroup lock, whose first writer after a quiet spell waits for an RCU grace period
 * (15-25 ms here), as moving another process by pid into cgroup.procs does. If a move fails the
 * runtime does not run and the line is "failed 125 cannot join cgroup TASKS: REASON".
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
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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

/* Binds and listens on the console socket the runtime sends the terminal's master to. */
static int listen_console(const char *path) {
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof a.sun_path) {
        fprintf(stderr, "keelson-cri-shim: console socket path too long: %s\n", path);
        return -1;
    }
    strcpy(a.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *) &a, sizeof a) < 0 || listen(fd, 1) < 0) {
        fprintf(stderr, "keelson-cri-shim: console socket %s: %s\n", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

/* The master the runtime sent while it ran (its connection waits in the backlog), or -1. */
static int receive_master(int listener) {
    struct pollfd p = {.fd = listener, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0) {
        return -1;
    }
    int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) {
        return -1;
    }
    char name[512];
    struct iovec io = {.iov_base = name, .iov_len = sizeof name};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &io;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    ssize_t n = recvmsg(c, &m, MSG_CMSG_CLOEXEC);
    close(c);
    struct cmsghdr *h = n > 0 ? CMSG_FIRSTHDR(&m) : NULL;
    if (h == NULL || h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) {
        return -1;
    }
    int fd;
    memcpy(&fd, CMSG_DATA(h), sizeof fd);
    return fd;
}

static void write_all(int fd, const char *b, ssize_t n) {
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return; /* the reader is gone: the output is dropped, as a closed terminal drops it */
        }
        b += w;
        n -= w;
    }
}

/* "ROWS COLS\n" lines from the resize FIFO become the terminal's window size. */
static void apply_resizes(int resize, int master, char *pending, size_t *len, size_t cap) {
    ssize_t n = read(resize, pending + *len, cap - 1 - *len);
    if (n <= 0) {
        return;
    }
    *len += n;
    pending[*len] = '\0';
    char *line = pending, *nl;
    while ((nl = strchr(line, '\n')) != NULL) {
        *nl = '\0';
        unsigned rows, cols;
        if (sscanf(line, "%u %u", &rows, &cols) == 2 && rows > 0 && cols > 0 && rows < 65536 && cols < 65536) {
            struct winsize ws = {.ws_row = (unsigned short) rows, .ws_col = (unsigned short) cols};
            ioctl(master, TIOCSWINSZ, &ws);
        }
        line = nl + 1;
    }
    *len = strlen(line);
    memmove(pending, line, *len + 1);
    if (*len >= cap - 1) {
        *len = 0; /* a line too long to be a size: dropped */
    }
}

/*
 * The container's terminal: its output to the stdout FIFO (the log), the stdin FIFO's bytes to
 * it, resizes applied, until the init is reaped. Returns the init's wait status.
 */
static int relay_terminal(int master, int in, int resize, int out, pid_t init) {
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    char buf[32768], inbuf[32768], sizes[256];
    size_t sizes_len = 0;
    ssize_t in_len = 0, in_off = 0;
    int master_open = 1;
    for (;;) {
        int status;
        pid_t p;
        while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
            if (p == init) {
                for (;;) { /* what the init wrote last */
                    ssize_t n = read(master, buf, sizeof buf);
                    if (n <= 0) {
                        break;
                    }
                    write_all(out, buf, n);
                }
                return status;
            }
        }
        if (p < 0 && errno == ECHILD) {
            return -1;
        }
        if (!master_open) {
            /* every slave was closed: the process may open its terminal again (kernel then lets reads through) */
            ssize_t n = read(master, buf, sizeof buf);
            if (n > 0) {
                write_all(out, buf, n);
                master_open = 1;
            }
        }
        struct pollfd fds[4] = {
            {.fd = sfd, .events = POLLIN},
            {.fd = master_open ? master : -1, .events = POLLIN | (in_len > in_off ? POLLOUT : 0)},
            {.fd = in_len > in_off ? -1 : in, .events = POLLIN},
            {.fd = resize, .events = POLLIN},
        };
        if (poll(fds, 4, master_open ? -1 : 100) < 0 && errno != EINTR) {
            return -1;
        }
        if (fds[0].revents) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) > 0) {
            }
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(master, buf, sizeof buf);
            if (n > 0) {
                write_all(out, buf, n);
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                master_open = 0; /* every slave closed for now: read again every 100 ms until the init exits */
            }
        }
        if (in_len > in_off && master_open) {
            ssize_t w = write(master, inbuf + in_off, in_len - in_off);
            if (w > 0) {
                in_off += w;
            }
        }
        if (in >= 0 && fds[2].revents & (POLLIN | POLLHUP)) {
            ssize_t n = read(in, inbuf, sizeof inbuf);
            if (n > 0) {
                in_len = n;
                in_off = 0;
            } else if (n == 0) {
                in = -1; /* stdin_once: the client is done; the terminal stays */
            }
        }
        if (resize >= 0 && fds[3].revents & POLLIN) {
            apply_resizes(resize, master, sizes, &sizes_len, sizeof sizes);
        }
    }
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
    const char *console_env = getenv("KEELSON_SHIM_CONSOLE");
    char *console_path = console_env != NULL && *console_env != '\0' ? strdup(console_env) : NULL;
    int console = -1, resize = -1;
    if (console_path != NULL) {
        console = listen_console(console_path);
        if (console < 0) {
            return 1;
        }
        const char *resize_fifo = getenv("KEELSON_SHIM_RESIZE");
        if (resize_fifo != NULL && *resize_fifo != '\0') {
            resize = open(resize_fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
            if (resize < 0) {
                fprintf(stderr, "keelson-cri-shim: open %s: %s\n", resize_fifo, strerror(errno));
                return 1;
            }
        }
    }
    int in = null;
    const char *stdin_fifo = getenv("KEELSON_SHIM_STDIN");
    if (stdin_fifo != NULL && *stdin_fifo != '\0') {
        const char *once = getenv("KEELSON_SHIM_STDIN_ONCE");
        in = open(stdin_fifo, O_RDONLY | O_CLOEXEC | (console >= 0 ? O_NONBLOCK : 0));
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
    const char *join_env = getenv("KEELSON_SHIM_JOIN");
    char *join = join_env != NULL && *join_env != '\0' ? strdup(join_env) : NULL;
    int joined[2] = {-1, -1}; /* the runtime's child reports a failed move here */
    if (join != NULL && pipe2(joined, O_CLOEXEC) < 0) {
        fprintf(stderr, "keelson-cri-shim: pipe: %s\n", strerror(errno));
        return 1;
    }
    unsetenv("KEELSON_SHIM_STDIN");
    unsetenv("KEELSON_SHIM_STDIN_ONCE");
    unsetenv("KEELSON_SHIM_CONSOLE");
    unsetenv("KEELSON_SHIM_RESIZE");
    unsetenv("KEELSON_SHIM_JOIN");
    pid_t runtime = fork();
    if (runtime < 0) {
        fprintf(stderr, "keelson-cri-shim: fork: %s\n", strerror(errno));
        return 1;
    }
    if (runtime == 0) {
        /* with a terminal, the container's stdio is the terminal: the shim relays stdin to it */
        if (dup2(console >= 0 ? null : in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
            _exit(127);
        }
        for (char *tasks = join != NULL ? strtok(join, ":") : NULL; tasks != NULL; tasks = strtok(NULL, ":")) {
            int fd = open(tasks, O_WRONLY | O_CLOEXEC);
            if (fd < 0 || write(fd, "0", 1) != 1) {
                dprintf(joined[1], "cannot join cgroup %s: %s", tasks, strerror(errno));
                _exit(125);
            }
            close(fd);
        }
        execvp(argv[5], &argv[5]);
        _exit(127);
    }
    if (in != null && console < 0) {
        close(in);
    }
    if (joined[1] >= 0) {
        close(joined[1]);
    }
    int status;
    while (waitpid(runtime, &status, 0) < 0) {
        if (errno != EINTR) {
            printf("failed 255\n");
            return 1;
        }
    }
    if (joined[0] >= 0) {
        char why[512];
        ssize_t n = read(joined[0], why, sizeof why - 1);
        close(joined[0]);
        if (n > 0) {
            why[n] = '\0';
            printf("failed 125 %s\n", why);
            return 1;
        }
    }
    int shell = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    int init = shell == 0 ? read_pid(pid_file) : -1;
    if (init <= 0) {
        printf("failed %d\n", shell == 0 ? 255 : shell);
        return 1;
    }
    int master = -1;
    if (console >= 0) {
        master = receive_master(console);
        close(console);
        unlink(console_path);
        if (master < 0) {
            kill(init, SIGKILL);
            printf("failed 255 no terminal from the runtime\n");
            return 1;
        }
    }
    printf("pid %d %d\n", init, (int) getpid());
    fflush(stdout);
    dup2(null, 1);
    if (reported >= 0) {
        close(reported);
    }
    if (master >= 0) {
        int st = relay_terminal(master, in == null ? -1 : in, resize, out, init);
        if (st == -1) {
            return write_exit(exit_file, 255, 0) == 0 ? 0 : 1;
        }
        int code = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
        int sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
        return write_exit(exit_file, code, sig) == 0 ? 0 : 1;
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
