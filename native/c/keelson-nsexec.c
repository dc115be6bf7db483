/*
 * keelson-nsexec PATH NAME CMD [ARG...]
 *
 * Runs CMD inside the network namespace pinned at PATH, the way `ip netns exec NAME` does, for
 * `keelson netns exec`. A JVM cannot do this itself: entering or creating a mount namespace needs
 * a single-threaded process (setns(CLONE_NEWNS) fails with EINVAL in a threaded one), so this
 * small program does the namespace work and then execs the command.
 *
 * Steps (each as ip-netns(8) describes its own):
 *   1. setns(2) into the network namespace;
 *   2. unshare(CLONE_NEWNS) and make "/" a recursive slave, so nothing below leaks to the host;
 *   3. remount /sys so /sys/class/net shows the namespace's own links (read-only if /sys was);
 *   4. bind-mount each file in /etc/netns/NAME over its namesake in /etc (per-namespace
 *      resolv.conf, hosts, ...);
 *   5. execvp(3) the command; its exit status becomes ours.
 * Messages and exit codes match iproute2's so scripts written against it keep working.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

static void bind_etc(const char *name)
{
	char dir[4096], src[8192], dst[8192];
	snprintf(dir, sizeof dir, "/etc/netns/%s", name);
	DIR *d = opendir(dir);
	if (!d)
		return; /* no per-namespace configuration: nothing to do */
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(src, sizeof src, "%s/%s", dir, e->d_name);
		snprintf(dst, sizeof dst, "/etc/%s", e->d_name);
		if (mount(src, dst, "none", MS_BIND, NULL) < 0)
			fprintf(stderr, "Bind %s -> %s failed: %s\n", src, dst, strerror(errno));
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: keelson-nsexec PATH NAME CMD [ARG...]\n");
		return 2;
	}
	const char *path = argv[1], *name = argv[2];
	if (argc < 4) {
		fprintf(stderr, "No command specified\n");
		return 1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "Cannot open network namespace \"%s\": %s\n", name, strerror(errno));
		return 255;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "setting the network namespace \"%s\" failed: %s\n", name, strerror(errno));
		return 255;
	}
	close(fd);
	if (unshare(CLONE_NEWNS) < 0) {
		fprintf(stderr, "unshare failed: %s\n", strerror(errno));
		return 255;
	}
	if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0) {
		fprintf(stderr, "\"mount --make-rslave /\" failed: %s\n", strerror(errno));
		return 255;
	}
	unsigned long sysflags = 0;
	struct statvfs fs;
	if (statvfs("/sys", &fs) == 0 && (fs.f_flag & ST_RDONLY))
		sysflags = MS_RDONLY;
	if (umount2("/sys", MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT) {
		fprintf(stderr, "umount of /sys failed: %s\n", strerror(errno));
		return 255;
	}
	if (mount(name, "/sys", "sysfs", sysflags, NULL) < 0) {
		fprintf(stderr, "mount of /sys failed: %s\n", strerror(errno));
		return 255;
	}
	bind_etc(name);
	execvp(argv[3], &argv[3]);
	fprintf(stderr, "exec of \"%s\" failed: %s\n", argv[3], strerror(errno));
	return 1;
}
