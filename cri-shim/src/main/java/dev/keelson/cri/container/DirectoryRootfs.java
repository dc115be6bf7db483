package dev.keelson.cri.container;

import dev.keelson.cri.api.v1.ImageSpec;
import dev.keelson.cri.image.ImageConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@link RootfsProvider} whose "images" are existing directories named by absolute path
 * ({@code image: "/srv/rootfs/busybox"}), shared by every container of that image.
 */
public final class DirectoryRootfs implements RootfsProvider {
    @Override
    public PreparedRootfs prepare(String containerId, ImageSpec image) {
        String ref = image.getImage();
        Path p = ref.startsWith("/") ? Path.of(ref) : null;
        if (p == null || !Files.isDirectory(p)) {
            throw new NotFoundException("image \"" + ref + "\" not found: not an existing rootfs directory");
        }
        return new PreparedRootfs(p, ref, ImageConfig.EMPTY);
    }

    @Override
    public void release(String containerId) {
        // shared directory: nothing per container
    }
}
