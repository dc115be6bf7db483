package dev.keelson.cri.container;

import dev.keelson.cri.api.v1.ImageSpec;
import dev.keelson.cri.image.Digest;
import dev.keelson.cri.image.ImageConfig;
import dev.keelson.cri.image.ImageService;
import dev.keelson.cri.image.store.ImageRecord;
import dev.keelson.cri.sandbox.Tree;
import dev.keelson.linux.Errno;
import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.Libc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Root filesystems from the image store: per container an overlayfs of the image's snapshot
 * chain (read-only lower layers, top first) with the container's own upper and work directories:
 * <pre>
 *   dir/&lt;container id&gt;/upper    the container's writes (overlayfs upperdir)
 *   dir/&lt;container id&gt;/work     overlayfs workdir (same file system as upper)
 *   dir/&lt;container id&gt;/rootfs   the mount point handed to the OCI runtime
 * </pre>
 * The snapshots are leased to the container ({@link ImageService#leaseSnapshots}) so removing the
 * image while the container exists keeps them. The mount lives in the runtime's mount namespace
 * and the runtime (runc) sees it when it builds the container's own. A per-container directory
 * plus its lease is the record a restarted runtime uses to unmount what no container owns
 * ({@link #removeLeftovers}).
 */
public final class ImageRootfs implements RootfsProvider {
    // <sys/mount.h>: detach a mount a process still uses instead of failing with EBUSY
    private static final int MNT_DETACH = 2;
    private final ImageService images;
    private final Path dir;

    /** Rootfs mounts under {@code dir} (created if missing) of images from {@code images}. */
    public ImageRootfs(ImageService images, Path dir) {
        this.images = images;
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create rootfs directory " + dir, e);
        }
    }

    /** The mount point of container {@code id}'s rootfs. */
    public Path mountPoint(String id) {
        return dir.resolve(id).resolve("rootfs");
    }

    /** The directory holding container {@code id}'s writes. */
    public Path upperDir(String id) {
        return dir.resolve(id).resolve("upper");
    }

    @Override
    public PreparedRootfs prepare(String containerId, ImageSpec image) {
        String ref = image.getImage();
        ImageRecord r = images.find(ref).orElseThrow(() ->
                new NotFoundException("image \"" + ref + "\" not found: pull it first (PullImage)"));
        Path top = dir.resolve(containerId);
        Path upper = upperDir(containerId);
        Path work = top.resolve("work");
        Path merged = mountPoint(containerId);
        images.leaseSnapshots(containerId, r);
        try {
            ImageConfig config = images.config(r);
            for (Path p : List.of(upper, work, merged)) {
                Files.createDirectories(p);
            }
            String lower = images.snapshots().lowerDirs(r.chainIds().stream().map(Digest::parse).toList());
            // overlay(5): the options are one page at most; a long chain of long paths would not fit
            Libc.mount("overlay", merged.toString(), "overlay", 0,
                    "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work);
            return new PreparedRootfs(merged, r.id(), config);
        } catch (IOException | RuntimeException e) {
            try {
                release(containerId);
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("rootfs of container " + containerId + " (image " + ref + "): " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** Unmounts and deletes container {@code containerId}'s rootfs and ends its snapshot lease; idempotent. */
    @Override
    public void release(String containerId) {
        Path merged = mountPoint(containerId);
        if (Files.isDirectory(merged)) {
            try {
                Libc.umount2(merged.toString(), MNT_DETACH);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EINVAL) { // EINVAL: not a mount point (never mounted, or already gone)
                    throw e;
                }
            }
        }
        Tree.discard(dir.resolve(containerId));
        images.releaseSnapshots(containerId);
    }

    /**
     * Unmounts and removes every rootfs, and ends every lease, of containers not in {@code keep}
     * (those a crashed runtime prepared but never recorded, or removed without finishing).
     * Returns the container ids cleaned up.
     */
    public List<String> removeLeftovers(Collection<String> keep) {
        Set<String> owners = new java.util.TreeSet<>(images.leaseOwners());
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> owners.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list rootfs directory " + dir, e);
        }
        List<String> gone = new ArrayList<>();
        for (String id : owners) {
            if (!keep.contains(id)) {
                release(id);
                gone.add(id);
            }
        }
        return gone;
    }
}
