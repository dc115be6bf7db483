/*
 * keelson-maskexec FILE CMD [ARG...]
 *
 * Runs CMD in a mount namespace of its own in which FILE reads as empty, and which is otherwise
 * the caller's: every other mount keeps its propagation, so a mount a container makes under a
 * bidirectional (rshared) mount still reaches the node.
 *
 * Why: crun 1.8.1 refuses every container on a hybrid cgroup host (v1 hierarchies plus a cgroup2
 * mount at /sys/fs/cgroup/unified) when that cgroup2 hierarchy lists any controller in
 * cgroup.controllers. On such a host the runtime of Keelson runs crun through this program with
 * FILE = /sys/fs/cgroup/unified/cgroup.controllers: crun then sees a plain v1 host and manages the
 * v1 hierarchies, which is what runc does there.
 *
 * Steps:
 *   1. unshare(CLONE_NEWNS): a copy of the caller's mount table, private to this process;
 *   2. make the mount holding FILE (FILE's directory must be its mount point) private in that
 *      copy, so what follows cannot propagate back to the caller's namespace;
 *   3. bind-mount /dev/null over FILE;
 *   4. execvp(3) CMD: pid, stdio, environment and exit status are CMD's own.
 * A failure before the exec prints one line naming the step and exits with 125.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "keelson-maskexec: %s %s: %s\n", what, path, strerror(errno));
	return 125;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: keelson-maskexec FILE CMD [ARG...]\n");
		return 2;
	}
	const char *file = argv[1];
	char copy[PATH_MAX];
	if (snprintf(copy, sizeof copy, "%s", file) >= (int)sizeof copy) {
		errno = ENAMETOOLONG;
		return fail("cannot mask", file);
	}
	const char *mountpoint = dirname(copy);
	if (unshare(CLONE_NEWNS) < 0)
		return fail("cannot make a mount namespace for", argv[2]);
	if (mount(NULL, mountpoint, NULL, MS_PRIVATE, NULL) < 0)
		return fail("cannot make private the mount at", mountpoint);
	if (mount("/dev/null", file, NULL, MS_BIND, NULL) < 0)
		return fail("cannot mask", file);
	execvp(argv[2], &argv[2]);
	return fail("cannot run", argv[2]);
}
