/*
 * keelson-conn-rate: new-connection rate and connect latency through a Service's rules.
 *
 *   keelson-conn-rate listen PORT            accept and close connections on 0.0.0.0:PORT forever
 *   keelson-conn-rate connect ADDR PORT N W  W unmeasured, then N measured TCP connects to ADDR:PORT
 *
 * Both run in whatever network namespace they are started in (the caller starts them from a
 * thread inside the backend's and the client's namespace). "connect" prints one line:
 *
 *   conns=N seconds=S rate=R median_us=M p99_us=P
 *
 * Each connection is one connect() (timed with CLOCK_MONOTONIC: SYN out, through the node's NAT
 * rules, SYN-ACK back) and a close() with SO_LINGER {1, 0}, which sends RST: the client keeps no
 * TIME_WAIT entry, so N can exceed the ephemeral port range. Exit 1 with a message on any failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "keelson-conn-rate: %s: %s\n", what, strerror(errno));
    exit(1);
}

static _Noreturn void listen_forever(int port) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) die("socket");
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (bind(s, (struct sockaddr *) &a, sizeof a) < 0) die("bind");
    if (listen(s, 4096) < 0) die("listen");
    printf("listening\n");
    fflush(stdout);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c >= 0) close(c);
    }
}

static long long one_connect(const struct sockaddr_in *to) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) die("socket");
    long long t0 = now_ns();
    if (connect(s, (const struct sockaddr *) to, sizeof *to) < 0) die("connect");
    long long dt = now_ns() - t0;
    struct linger l = {.l_onoff = 1, .l_linger = 0};
    setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(s);
    return dt;
}

static int cmp(const void *a, const void *b) {
    long long x = *(const long long *) a, y = *(const long long *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "listen") == 0) listen_forever(atoi(argv[2]));
    if (argc != 6 || strcmp(argv[1], "connect") != 0) {
        fprintf(stderr, "usage: keelson-conn-rate listen PORT | connect ADDR PORT N WARMUP\n");
        return 2;
    }
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[3]))};
    if (inet_pton(AF_INET, argv[2], &to.sin_addr) != 1) {
        fprintf(stderr, "keelson-conn-rate: not an IPv4 address: %s\n", argv[2]);
        return 2;
    }
    int n = atoi(argv[4]), warm = atoi(argv[5]);
    if (n <= 0) {
        fprintf(stderr, "keelson-conn-rate: N must be positive\n");
        return 2;
    }
    for (int i = 0; i < warm; i++) one_connect(&to);
    long long *lat = malloc(sizeof(long long) * n);
    if (!lat) die("malloc");
    long long t0 = now_ns();
    for (int i = 0; i < n; i++) lat[i] = one_connect(&to);
    double secs = (now_ns() - t0) / 1e9;
    qsort(lat, n, sizeof *lat, cmp);
    printf("conns=%d seconds=%.6f rate=%.1f median_us=%.2f p99_us=%.2f\n", n, secs, n / secs,
           lat[n / 2] / 1e3, lat[(int) (n * 0.99)] / 1e3);
    free(lat);
    return 0;
}
