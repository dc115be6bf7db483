package dev.keelson.node.volume;

/**
 * A volume could not be set up or a volume mount could not be resolved. The message is the
 * kubelet's wording where it has one ({@code configmap "x" not found}); {@link #volume()} names the
 * volume so the agent can post {@code MountVolume.SetUp failed for volume "x" : …}.
 */
public final class VolumeException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String volume;

    public VolumeException(String volume, String message) {
        super(message);
        this.volume = volume;
    }

    public VolumeException(String volume, String message, Throwable cause) {
        super(message, cause);
        this.volume = volume;
    }

    /** The volume's name in the pod spec. */
    public String volume() {
        return volume;
    }
}
