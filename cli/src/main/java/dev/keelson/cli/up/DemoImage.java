package dev.keelson.cli.up;

import dev.keelson.cri.image.ImageService;
import dev.keelson.cri.image.LocalBusyboxImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The image a local cluster's demo runs: the runtime's {@link LocalBusyboxImage} (the host's static
 * busybox with every applet linked in /bin), under the name {@value #REFERENCE}, so a cluster
 * without internet access has something to run. Pods use it with {@code imagePullPolicy: Never}
 * or {@code IfNotPresent}.
 */
public final class DemoImage {
    /** The image's name in the runtime. */
    public static final String REFERENCE = "keelson.local/busybox:1.0";

    private DemoImage() {
    }

    /** Whether the host has the busybox binary this image is made from. */
    public static boolean available() {
        return LocalBusyboxImage.available();
    }

    /** Builds the image in a scratch directory under {@code work} and imports it as {@value #REFERENCE}. */
    public static void importInto(ImageService images, Path work) throws IOException, InterruptedException {
        LocalBusyboxImage.importInto(images, REFERENCE, work);
    }
}
