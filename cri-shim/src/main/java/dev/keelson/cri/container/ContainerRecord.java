package dev.keelson.cri.container;

import dev.keelson.cri.api.v1.ContainerConfig;
import dev.keelson.cri.oci.ExitStatus;
import java.util.Base64;

/**
 * What is known of one container, persisted as {@code CONTAINERS/ID.json}.
 *
 * <pre>
 *   CreateContainer ──▶ CREATED ──StartContainer──▶ RUNNING ──(init exits; StopContainer)──▶ EXITED
 *   RemoveContainer from any state (a running container is stopped first).
 * </pre>
 * A CREATED container has its bundle (rootfs mounted, config.json written) but no process and no
 * shim (pid 0, shimPid 0): the runtime creates and starts it in one step at StartContainer, as
 * containerd creates its task only then.
 *
 * Times are Unix nanoseconds (0 = not yet). {@code exitCode} is CRI's: 128 + signal when signalled.
 *
 * @param config the CRI {@code ContainerConfig}, protobuf bytes in base64
 * @param imageRef the image id (config digest) the container was created from, CRI's {@code image_ref};
 *                 a record written before it was kept reads back with the requested image name
 */
public record ContainerRecord(String id, String podId, String state, long createdAt, long startedAt, long finishedAt,
                              int exitCode, String reason, String message, String logPath, int pid, long shimPid,
                              String config, String imageRef) {
    public static final String CREATED = "CREATED";
    public static final String RUNNING = "RUNNING";
    public static final String EXITED = "EXITED";

    public ContainerRecord {
        if (imageRef == null) {
            imageRef = containerConfig(id, config).getImage().getImage();
        }
    }

    public ContainerConfig containerConfig() {
        return containerConfig(id, config);
    }

    private static ContainerConfig containerConfig(String id, String config) {
        return CONFIGS.get(id, config);
    }

    private static final dev.keelson.cri.sandbox.DecodedConfigs<ContainerConfig> CONFIGS =
            new dev.keelson.cri.sandbox.DecodedConfigs<>("container", ContainerConfig::parseFrom);

    public ContainerRecord started(long at) {
        return new ContainerRecord(id, podId, RUNNING, createdAt, at, finishedAt, exitCode, reason, message, logPath, pid,
                shimPid, config, imageRef);
    }

    /** RUNNING since {@code at}, as process {@code pid} under shim {@code shim}. */
    public ContainerRecord started(long at, int initPid, long shim) {
        return new ContainerRecord(id, podId, RUNNING, createdAt, at, finishedAt, exitCode, reason, message, logPath, initPid,
                shim, config, imageRef);
    }

    public ContainerRecord exited(ExitStatus s) {
        return new ContainerRecord(id, podId, EXITED, createdAt, startedAt, s.finishedAtNanos(), s.criExitCode(), s.reason(),
                message, logPath, pid, shimPid, config, imageRef);
    }

    /** The same container with {@code c} as its stored config (after UpdateContainerResources). */
    public ContainerRecord withConfig(ContainerConfig c) {
        return new ContainerRecord(id, podId, state, createdAt, startedAt, finishedAt, exitCode, reason, message, logPath, pid,
                shimPid, encode(c), imageRef);
    }

    static String encode(ContainerConfig c) {
        return Base64.getEncoder().encodeToString(c.toByteArray());
    }
}
