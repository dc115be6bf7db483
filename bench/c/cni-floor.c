/*
 * keelson-cni-floor: the kernel floor of a CNI ADD and DEL — the netlink requests a bridge (or
 * macvlan) plugin cannot avoid, made from C with nothing around them: no config parsing, no IPAM,
 * no result, no process start.
 *
 *   keelson-cni-floor MODE NODE_NS LOWER PREFIX POD_NS...
 *
 * MODE is "veth" (what a bridge ADD needs; LOWER is the bridge) or "macvlan" (LOWER is the
 * master). The program enters NODE_NS (a pin path), then reads commands from stdin, one a line,
 * until EOF:
 *
 *   add WORKERS I...     ADD pods I... (indexes into POD_NS...), WORKERS threads taking them in turn
 *   del WORKERS I...     DEL them the same way
 *
 * and answers each command with one line per pod, in the order given: the call's duration in ns
 * (CLOCK_MONOTONIC), stdout flushed. A long-lived process lets its caller interleave the floor's
 * calls one by one with other contenders', so that all of them meet the same kernel conditions.
 * Pod i gets the address PREFIX.x.y/16 (x.y = i + 2) and a default route via PREFIX.0.1. Exit 1
 * with a message on any failure.
 *
 * ADD (timed as a whole):
 *   open POD_NS, setns into it, open a netlink socket there, setns back   (every plugin does this)
 *   veth:    RTM_NEWLINK veth "kfl<i>" with peer "eth0" created directly in the pod
 *            (VETH_INFO_PEER with IFLA_NET_NS_FD), RTM_NEWLINK IFLA_MASTER=bridge, RTM_NEWLINK up
 *   macvlan: RTM_NEWLINK macvlan "eth0" on IFLA_LINK=master, created directly in the pod
 *            (IFLA_NET_NS_FD), mode bridge
 *   in the pod: RTM_GETLINK eth0 (its index), RTM_NEWADDR, RTM_NEWLINK up, RTM_NEWROUTE default
 *   sysctls (what a plugin must write, as the reference does): veth: accept_ra=0 on the bridge and
 *            the host end; in the pod (setns in and back) accept_dad=0 and arp_notify=1 on eth0
 * DEL (timed as a whole): open POD_NS, setns, socket, setns back, RTM_DELLINK "eth0" — the kernel
 * deletes the veth pair (or the macvlan) and waits for its RCU grace periods, which is the bulk.
 *
 * With KEELSON_FLOOR_DATA=DIR in the environment, ADD and DEL also make host-local's unavoidable
 * file-system calls in DIR (its on-disk layout, which the reference and Keelson share): open and
 * flock(LOCK_EX) "lock"; read every allocation record (the duplicate check the layout implies);
 * ADD: create the address's file O_EXCL and write "<id>\r\neth0", rewrite last_reserved_ip.0;
 * DEL: unlink the address's file.
 *
 * Layouts: linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/veth.h, linux/if_addr.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
/* glibc's net/if.h before the uapi headers: it tells them not to define its types again */
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define IFNAME "eth0"

static int macvlan_mode;
static int node_fd;
static unsigned lower_index;
static const char *prefix;
static char **pods;
static long npods;
static const char *data_dir; /* KEELSON_FLOOR_DATA, or NULL */
static char bridge_name[IFNAMSIZ];

static void die(const char *what, int err)
{
	fprintf(stderr, "keelson-cni-floor: %s failed: %s\n", what, strerror(err));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct msg {
	char buf[1024] __attribute__((aligned(4)));
};

static struct nlmsghdr *start(struct msg *m, int type, int flags, const void *hdr, int hdrlen)
{
	memset(m->buf, 0, sizeof m->buf);
	struct nlmsghdr *h = (struct nlmsghdr *)m->buf;
	h->nlmsg_len = NLMSG_LENGTH(hdrlen);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	memcpy(NLMSG_DATA(h), hdr, hdrlen);
	return h;
}

static struct rtattr *attr(struct nlmsghdr *h, int type, const void *data, int len)
{
	struct rtattr *a = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));
	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void end_nest(struct nlmsghdr *h, struct rtattr *a)
{
	a->rta_len = (char *)h + h->nlmsg_len - (char *)a;
}

static int nl_socket(void)
{
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s < 0)
		die("socket(NETLINK_ROUTE)", errno);
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0)
		die("bind", errno);
	return s;
}

/*
 * Sends one request and reads replies until its ACK (or error). A RTM_GETLINK answer comes before
 * the ACK; its ifindex is returned through *index when index is not NULL.
 */
static void request(int s, struct nlmsghdr *h, const char *what, int *index)
{
	static _Thread_local unsigned seq;
	h->nlmsg_seq = ++seq;
	if (send(s, h, h->nlmsg_len, 0) < 0)
		die(what, errno);
	char reply[8192] __attribute__((aligned(4)));
	for (;;) {
		ssize_t n = recv(s, reply, sizeof reply, 0);
		if (n < 0)
			die(what, errno);
		for (struct nlmsghdr *r = (struct nlmsghdr *)reply; NLMSG_OK(r, n); r = NLMSG_NEXT(r, n)) {
			if (r->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(r);
				if (e->error)
					die(what, -e->error);
				return;
			}
			if (r->nlmsg_type == RTM_NEWLINK && index)
				*index = ((struct ifinfomsg *)NLMSG_DATA(r))->ifi_index;
		}
	}
}

/* A netlink socket inside the pod's namespace; the thread returns to the node's namespace. */
static int pod_socket(int pod_fd)
{
	if (setns(pod_fd, CLONE_NEWNET) < 0)
		die("setns(POD_NS)", errno);
	int s = nl_socket();
	if (setns(node_fd, CLONE_NEWNET) < 0)
		die("setns(NODE_NS)", errno);
	return s;
}

static int open_pod(long i)
{
	int fd = open(pods[i], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open POD_NS", errno);
	return fd;
}

static void link_set(int s, const char *name, int master, const char *what)
{
	struct msg m;
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	if (!master) {
		ifi.ifi_flags = IFF_UP;
		ifi.ifi_change = IFF_UP;
	}
	struct nlmsghdr *h = start(&m, RTM_NEWLINK, 0, &ifi, sizeof ifi);
	attr(h, IFLA_IFNAME, name, strlen(name) + 1);
	if (master)
		attr(h, IFLA_MASTER, &master, sizeof master);
	request(s, h, what, NULL);
}

static void create_in_pod(int node_sock, long i, int pod_fd)
{
	struct msg m;
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nlmsghdr *h = start(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
	if (macvlan_mode) {
		attr(h, IFLA_IFNAME, IFNAME, sizeof IFNAME);
		attr(h, IFLA_LINK, &lower_index, sizeof lower_index);
		attr(h, IFLA_NET_NS_FD, &pod_fd, sizeof pod_fd);
		struct rtattr *li = attr(h, IFLA_LINKINFO, NULL, 0);
		attr(h, IFLA_INFO_KIND, "macvlan", 8);
		struct rtattr *data = attr(h, IFLA_INFO_DATA, NULL, 0);
		unsigned mode = MACVLAN_MODE_BRIDGE;
		attr(h, IFLA_MACVLAN_MODE, &mode, sizeof mode);
		end_nest(h, data);
		end_nest(h, li);
		request(node_sock, h, "RTM_NEWLINK macvlan", NULL);
		return;
	}
	char host[IFNAMSIZ];
	snprintf(host, sizeof host, "kfl%ld", i);
	attr(h, IFLA_IFNAME, host, strlen(host) + 1);
	struct rtattr *li = attr(h, IFLA_LINKINFO, NULL, 0);
	attr(h, IFLA_INFO_KIND, "veth", 5);
	struct rtattr *data = attr(h, IFLA_INFO_DATA, NULL, 0);
	struct rtattr *pe = attr(h, VETH_INFO_PEER, NULL, 0);
	/* VETH_INFO_PEER's payload starts with the peer's own ifinfomsg */
	struct ifinfomsg zero = {0};
	memcpy((char *)h + h->nlmsg_len, &zero, sizeof zero);
	h->nlmsg_len += NLMSG_ALIGN(sizeof zero);
	attr(h, IFLA_IFNAME, IFNAME, sizeof IFNAME);
	attr(h, IFLA_NET_NS_FD, &pod_fd, sizeof pod_fd);
	end_nest(h, pe);
	end_nest(h, data);
	end_nest(h, li);
	request(node_sock, h, "RTM_NEWLINK veth", NULL);
	link_set(node_sock, host, (int)lower_index, "RTM_NEWLINK master");
	link_set(node_sock, host, 0, "RTM_NEWLINK host end up");
}

static void configure_in_pod(int s, long i)
{
	struct msg m;
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nlmsghdr *h = start(&m, RTM_GETLINK, 0, &ifi, sizeof ifi);
	attr(h, IFLA_IFNAME, IFNAME, sizeof IFNAME);
	int index = 0;
	request(s, h, "RTM_GETLINK eth0", &index);

	char text[32];
	struct in_addr ip, gw;
	snprintf(text, sizeof text, "%s.%ld.%ld", prefix, (i + 2) >> 8, (i + 2) & 255);
	if (inet_pton(AF_INET, text, &ip) != 1)
		die("PREFIX (an address such as 10.250)", EINVAL);
	snprintf(text, sizeof text, "%s.0.1", prefix);
	inet_pton(AF_INET, text, &gw);
	struct ifaddrmsg ifa = {.ifa_family = AF_INET, .ifa_prefixlen = 16, .ifa_index = index};
	h = start(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof ifa);
	attr(h, IFA_LOCAL, &ip, sizeof ip);
	attr(h, IFA_ADDRESS, &ip, sizeof ip);
	request(s, h, "RTM_NEWADDR", NULL);

	link_set(s, IFNAME, 0, "RTM_NEWLINK eth0 up");

	struct rtmsg rt = {.rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_BOOT,
			   .rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST};
	h = start(&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rt, sizeof rt);
	attr(h, RTA_GATEWAY, &gw, sizeof gw);
	attr(h, RTA_OIF, &index, sizeof index);
	request(s, h, "RTM_NEWROUTE default", NULL);
}

static void write_file(const char *path, const char *text, int flags)
{
	int f = open(path, O_WRONLY | O_CLOEXEC | flags, 0644);
	if (f < 0)
		die(path, errno);
	if (write(f, text, strlen(text)) < 0)
		die(path, errno);
	close(f);
}

static void sysctl(const char *path, const char *value)
{
	int f = open(path, O_WRONLY | O_CLOEXEC);
	if (f < 0)
		return; /* as plugins: e.g. no IPv6 */
	if (write(f, value, strlen(value)) < 0) {
		/* ignored, as plugins do */
	}
	close(f);
}

/* host-local's calls: lock, read every record, then create (ADD) or unlink (DEL) pod i's record. */
static void ipam(long i, int add)
{
	if (!data_dir)
		return;
	char path[4096];
	snprintf(path, sizeof path, "%s/lock", data_dir);
	int lock = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0750);
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		die("locking KEELSON_FLOOR_DATA/lock", errno);
	DIR *d = opendir(data_dir);
	if (!d)
		die("opendir KEELSON_FLOOR_DATA", errno);
	char buf[512];
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue; /* records are named by their address */
		snprintf(path, sizeof path, "%s/%s", data_dir, e->d_name);
		int f = open(path, O_RDONLY | O_CLOEXEC);
		if (f >= 0) {
			if (read(f, buf, sizeof buf) < 0)
				die("reading a record", errno);
			close(f);
		}
	}
	closedir(d);
	snprintf(path, sizeof path, "%s/%s.%ld.%ld", data_dir, prefix, (i + 2) >> 8, (i + 2) & 255);
	if (add) {
		char record[64];
		snprintf(record, sizeof record, "floor%ld\r\n%s", i, IFNAME);
		write_file(path, record, O_CREAT | O_EXCL);
		char cursor[4096];
		snprintf(cursor, sizeof cursor, "%s/last_reserved_ip.0", data_dir);
		write_file(cursor, path + strlen(data_dir) + 1, O_CREAT);
	} else if (unlink(path) < 0) {
		die("unlink record", errno);
	}
	close(lock);
}

static void add(int node_sock, long i)
{
	int fd = open_pod(i);
	int s = pod_socket(fd);
	create_in_pod(node_sock, i, fd);
	if (!macvlan_mode) {
		char path[128];
		snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/accept_ra", bridge_name);
		sysctl(path, "0");
		snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/kfl%ld/accept_ra", i);
		sysctl(path, "0");
	}
	ipam(i, 1);
	if (setns(fd, CLONE_NEWNET) < 0)
		die("setns(POD_NS)", errno);
	sysctl("/proc/sys/net/ipv6/conf/" IFNAME "/accept_dad", "0");
	sysctl("/proc/sys/net/ipv4/conf/" IFNAME "/arp_notify", "1");
	if (setns(node_fd, CLONE_NEWNET) < 0)
		die("setns(NODE_NS)", errno);
	configure_in_pod(s, i);
	close(s);
	close(fd);
}

static void del(long i)
{
	int fd = open_pod(i);
	int s = pod_socket(fd);
	close(fd);
	struct msg m;
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nlmsghdr *h = start(&m, RTM_DELLINK, 0, &ifi, sizeof ifi);
	attr(h, IFLA_IFNAME, IFNAME, sizeof IFNAME);
	request(s, h, "RTM_DELLINK eth0", NULL);
	close(s);
	ipam(i, 0);
}

static long *batch;
static long nbatch;
static atomic_long next_pod;
static int del_mode;
static long long *took;

/* A worker: takes the command's pods in turn, with a netlink socket of its own in the node namespace. */
static void *worker(void *arg)
{
	(void)arg;
	int node_sock = del_mode ? -1 : nl_socket();
	for (long k; (k = atomic_fetch_add(&next_pod, 1)) < nbatch;) {
		long long t0 = now_ns();
		if (del_mode)
			del(batch[k]);
		else
			add(node_sock, batch[k]);
		took[k] = now_ns() - t0;
	}
	if (node_sock >= 0)
		close(node_sock);
	return NULL;
}

/* One command line: "add|del WORKERS I...". */
static void command(char *line)
{
	char *save;
	char *verb = strtok_r(line, " \t\n", &save);
	char *w = strtok_r(NULL, " \t\n", &save);
	if (!verb || !w || (strcmp(verb, "add") && strcmp(verb, "del"))) {
		fprintf(stderr, "keelson-cni-floor: expected \"add|del WORKERS I...\"\n");
		exit(1);
	}
	del_mode = !strcmp(verb, "del");
	long workers = atol(w);
	if (workers < 1 || workers > 64) {
		fprintf(stderr, "keelson-cni-floor: WORKERS must be 1..64\n");
		exit(1);
	}
	nbatch = 0;
	for (char *t; (t = strtok_r(NULL, " \t\n", &save));) {
		char *end;
		long i = strtol(t, &end, 10);
		if (*end || i < 0 || i >= npods) {
			fprintf(stderr, "keelson-cni-floor: no pod \"%s\" (0..%ld)\n", t, npods - 1);
			exit(1);
		}
		batch[nbatch++] = i;
	}
	atomic_store(&next_pod, 0);
	if (workers == 1) {
		worker(NULL);
	} else {
		pthread_t t[64];
		for (long k = 0; k < workers; k++) {
			int e = pthread_create(&t[k], NULL, worker, NULL);
			if (e)
				die("pthread_create", e);
		}
		for (long k = 0; k < workers; k++)
			pthread_join(t[k], NULL);
	}
	for (long k = 0; k < nbatch; k++)
		printf("%lld\n", took[k]);
	if (fflush(stdout) != 0)
		die("writing stdout", errno);
}

int main(int argc, char **argv)
{
	if (argc < 6 || (strcmp(argv[1], "veth") && strcmp(argv[1], "macvlan"))) {
		fprintf(stderr, "usage: keelson-cni-floor veth|macvlan NODE_NS LOWER PREFIX POD_NS... < commands\n");
		return 2;
	}
	macvlan_mode = !strcmp(argv[1], "macvlan");
	prefix = argv[4];
	pods = argv + 5;
	npods = argc - 5;
	if (npods > 60000) {
		fprintf(stderr, "keelson-cni-floor: at most 60000 pods\n");
		return 2;
	}
	node_fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (node_fd < 0 || setns(node_fd, CLONE_NEWNET) < 0)
		die("entering NODE_NS", errno);
	/* threads created from here on start in the node's namespace */
	lower_index = if_nametoindex(argv[3]);
	if (!lower_index)
		die("finding LOWER in NODE_NS", errno);
	snprintf(bridge_name, sizeof bridge_name, "%s", argv[3]);
	data_dir = getenv("KEELSON_FLOOR_DATA");
	if (data_dir && mkdir(data_dir, 0755) < 0 && errno != EEXIST)
		die("mkdir KEELSON_FLOOR_DATA", errno);
	batch = calloc(npods, sizeof *batch);
	took = calloc(npods, sizeof *took);
	if (!batch || !took)
		die("calloc", errno);
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, stdin) > 0)
		command(line);
	free(line);
	return 0;
}
