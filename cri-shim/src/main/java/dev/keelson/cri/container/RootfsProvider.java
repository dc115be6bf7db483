package dev.keelson.cri.container;

import dev.keelson.cri.api.v1.ImageSpec;

/**
 * Where a container's root filesystem comes from. The image store will implement this with an
 * overlay snapshot per container; until then {@link DirectoryRootfs} serves plain directories.
 */
public interface RootfsProvider {
    /**
     * A root filesystem directory for a new container {@code containerId} of {@code image}, with
     * the image's id and execution defaults (read once here, for the whole create).
     *
     * @throws NotFoundException the image is not known
     */
    PreparedRootfs prepare(String containerId, ImageSpec image);

    /** Gives back what {@link #prepare} made for {@code containerId} (nothing for a shared directory). */
    void release(String containerId);
}
