/*
 * keelson-pause: the init process of a Keelson pod sandbox.
 *
 * It holds the pod's namespaces open and does nothing else: it sleeps in pause(2) until SIGTERM
 * or SIGINT, then exits 0. When the sandbox shares one PID namespace among its containers it is
 * PID 1 there, so orphaned processes are re-parented to it: SIGCHLD is handled by reaping every
 * exited child with waitpid(WNOHANG) so no zombie is left (see pid_namespaces(7)).
 *
 * Built static, so the pause rootfs is this one file.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_stop(int sig) {
    (void) sig;
    stop = 1;
}

static void on_child(int sig) {
    (void) sig;
    int saved = errno;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    errno = saved;
}

static void handle(int sig, void (*fn)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        static const char v[] = "keelson-pause 0.1.0\n";
        return write(1, v, sizeof v - 1) == (ssize_t) (sizeof v - 1) ? 0 : 1;
    }
    handle(SIGTERM, on_stop);
    handle(SIGINT, on_stop);
    handle(SIGCHLD, on_child);
    while (!stop) {
        pause();
    }
    return 0;
}
