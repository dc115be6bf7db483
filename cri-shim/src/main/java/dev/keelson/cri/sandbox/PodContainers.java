package dev.keelson.cri.sandbox;

import java.time.Duration;

/** The containers of a pod, as the sandbox side needs them (implemented by the container manager). */
public interface PodContainers {
    /** Stops every running container of {@code podId} (SIGTERM, then SIGKILL after {@code grace}). */
    void stopAll(String podId, Duration grace);

    /** Removes every container of {@code podId}, stopping running ones first. */
    void removeAll(String podId);
}
