/*
 * keelson-veth-floor: the kernel floor of "create a veth pair with its peer directly in another
 * network namespace, and bring it up" — the request Keelson's Links.add(Veth...peer(name, ns).up())
 * sends, made from C with nothing around it.
 *
 *   keelson-veth-floor NETNS_A NETNS_B PREFIX COUNT [PAUSE_US]
 *
 * Enters NETNS_A (a pin path), then for each of COUNT iterations sends one RTM_NEWLINK
 * (NLM_F_CREATE|NLM_F_EXCL|NLM_F_ACK, ifi_flags IFF_UP) for PREFIXvN with kind "veth" and peer
 * PREFIXpN placed in NETNS_B by IFLA_NET_NS_FD, waits for the ACK, and times that round trip with
 * CLOCK_MONOTONIC. Each iteration starts after an untimed pause of PAUSE_US microseconds (default 0).
 * Prints one line per iteration: "<nanoseconds>". Exit 1 with a message on any failure.
 *
 * Layouts (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/veth.h):
 *   nlmsghdr | ifinfomsg | IFLA_IFNAME | IFLA_LINKINFO{ IFLA_INFO_KIND "veth",
 *            IFLA_INFO_DATA{ VETH_INFO_PEER{ ifinfomsg | IFLA_IFNAME | IFLA_NET_NS_FD } } }
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "keelson-veth-floor: %s failed: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Appends an attribute at the end of message m; returns it (for nesting). */
static struct rtattr *attr(struct nlmsghdr *m, int type, const void *data, int len)
{
	struct rtattr *a = (struct rtattr *)((char *)m + NLMSG_ALIGN(m->nlmsg_len));
	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	m->nlmsg_len = NLMSG_ALIGN(m->nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void end_nest(struct nlmsghdr *m, struct rtattr *a)
{
	a->rta_len = (char *)m + m->nlmsg_len - (char *)a;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: keelson-veth-floor NETNS_A NETNS_B PREFIX COUNT [PAUSE_US]\n");
		return 2;
	}
	const char *prefix = argv[3];
	long count = atol(argv[4]);
	long pause_us = argc > 5 ? atol(argv[5]) : 0;
	if (count < 1 || count > 100000 || pause_us < 0) {
		fprintf(stderr, "keelson-veth-floor: COUNT must be 1..100000 and PAUSE_US >= 0\n");
		return 2;
	}
	int a = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (a < 0 || setns(a, CLONE_NEWNET) < 0)
		die("entering NETNS_A");
	int b = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (b < 0)
		die("opening NETNS_B");
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s < 0)
		die("socket");
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0)
		die("bind");

	long long *t = calloc(count, sizeof *t);
	if (!t)
		die("calloc");
	static char buf[4096] __attribute__((aligned(4)));
	static char reply[8192] __attribute__((aligned(4)));
	for (long i = 0; i < count; i++) {
		char name[64], peer[64];
		if (snprintf(name, IFNAMSIZ, "%sv%ld", prefix, i) >= IFNAMSIZ ||
		    snprintf(peer, IFNAMSIZ, "%sp%ld", prefix, i) >= IFNAMSIZ) {
			fprintf(stderr, "keelson-veth-floor: PREFIX too long for interface names\n");
			return 2;
		}
		memset(buf, 0, sizeof buf);
		struct nlmsghdr *m = (struct nlmsghdr *)buf;
		m->nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
		m->nlmsg_type = RTM_NEWLINK;
		m->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
		m->nlmsg_seq = (unsigned)i + 1;
		struct ifinfomsg *ifi = NLMSG_DATA(m);
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
		attr(m, IFLA_IFNAME, name, strlen(name) + 1);
		struct rtattr *li = attr(m, IFLA_LINKINFO, NULL, 0);
		attr(m, IFLA_INFO_KIND, "veth", 5);
		struct rtattr *data = attr(m, IFLA_INFO_DATA, NULL, 0);
		struct rtattr *pe = attr(m, VETH_INFO_PEER, NULL, 0);
		struct ifinfomsg zero = {0};
		/* the peer's ifinfomsg is the first part of VETH_INFO_PEER's payload */
		memcpy((char *)m + m->nlmsg_len, &zero, sizeof zero);
		m->nlmsg_len += NLMSG_ALIGN(sizeof zero);
		attr(m, IFLA_IFNAME, peer, strlen(peer) + 1);
		attr(m, IFLA_NET_NS_FD, &b, sizeof b);
		end_nest(m, pe);
		end_nest(m, data);
		end_nest(m, li);

		if (pause_us) {
			struct timespec ts = {pause_us / 1000000, (pause_us % 1000000) * 1000};
			nanosleep(&ts, NULL);
		}
		long long t0 = now_ns();
		if (send(s, buf, m->nlmsg_len, 0) < 0)
			die("send");
		ssize_t n = recv(s, reply, sizeof reply, 0);
		long long t1 = now_ns();
		if (n < 0)
			die("recv");
		struct nlmsghdr *r = (struct nlmsghdr *)reply;
		if (r->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(r);
			if (e->error) {
				errno = -e->error;
				die("RTM_NEWLINK veth");
			}
		}
		t[i] = t1 - t0;
	}
	for (long i = 0; i < count; i++)
		printf("%lld\n", t[i]);
	return 0;
}
