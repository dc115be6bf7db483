package dev.keelson.cri.image;

/**
 * The platform an image index is resolved for ({@code platform.os} and {@code platform.architecture}
 * of the OCI image index); the node's own is {@code linux/amd64}.
 */
public record Platform(String os, String architecture) {
    /** linux/amd64. */
    public static final Platform LINUX_AMD64 = new Platform("linux", "amd64");

    @Override
    public String toString() {
        return os + "/" + architecture;
    }
}
