package dev.keelson.node.pod;

/**
 * The labels and annotations the kubelet puts on CRI sandboxes and containers; runtimes and tools
 * (crictl, containerd's CRI plugin) show and filter by them, so the names are the kubelet's.
 */
public final class CriLabels {
    public static final String POD_NAME = "io.kubernetes.pod.name";
    public static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String POD_UID = "io.kubernetes.pod.uid";
    public static final String CONTAINER_NAME = "io.kubernetes.container.name";
    /** Sandbox label the kubelet sets to "podsandbox"; containers carry no such label. */
    public static final String CONTAINER_TYPE = "io.kubernetes.container.type";
    public static final String CONTAINER_HASH = "io.kubernetes.container.hash";
    public static final String RESTART_COUNT = "io.kubernetes.container.restartCount";
    public static final String TERMINATION_MESSAGE_PATH = "io.kubernetes.container.terminationMessagePath";
    public static final String TERMINATION_MESSAGE_POLICY = "io.kubernetes.container.terminationMessagePolicy";
    public static final String TERMINATION_GRACE = "io.kubernetes.pod.terminationGracePeriod";
    public static final String PORTS = "io.kubernetes.container.ports";
    /** The kubelet's "kubernetes.io/config.source" annotation: where the pod came from. */
    public static final String CONFIG_SOURCE = "kubernetes.io/config.source";
    public static final String CONFIG_SEEN = "kubernetes.io/config.seen";

    private CriLabels() {}
}
