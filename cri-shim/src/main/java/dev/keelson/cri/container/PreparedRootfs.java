package dev.keelson.cri.container;

import dev.keelson.cri.image.ImageConfig;
import java.nio.file.Path;

/**
 * A new container's root filesystem and what its image says about it.
 *
 * @param path the rootfs directory handed to the OCI runtime
 * @param imageRef what ContainerStatus reports as {@code image_ref}: the image id (config digest)
 *                 for a stored image, the directory for a plain rootfs
 * @param config the image's execution defaults ({@link ImageConfig#EMPTY} for a plain rootfs)
 */
public record PreparedRootfs(Path path, String imageRef, ImageConfig config) {
}
