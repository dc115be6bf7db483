package dev.keelson.cri.sandbox;

import dev.keelson.cni.invoke.CniInvoker;
import dev.keelson.cni.invoke.ConfDir;
import dev.keelson.cri.oci.OciRuntime;
import dev.keelson.cri.oci.RuntimeHandler;
import dev.keelson.netns.NetnsDirectory;
import dev.keelson.netns.NetnsPool;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the runtime keeps things and what it uses.
 *
 * @param root state root: {@code sandboxes/}, {@code containers/}, records, bundles, the pause rootfs
 * @param netns where pod network namespaces are pinned
 * @param cniConf the CNI conf dir (the lexically first network is the pod network)
 * @param cni the CNI invoker (Keelson's plugins in-process, others exec'd; results cached)
 * @param handlers runtime handlers by name; "" is the default
 * @param libexec the directory holding {@code keelson-pause} and {@code keelson-cri-shim}
 * @param cgroupParent the cgroupfs parent used when a pod names none (e.g. {@code /keelson})
 * @param pool warm namespaces to take pod namespaces from (their pins live in the pool's
 *             directory), or null to create each in {@code netns}
 * @param pause the runtime of every pause container, whatever the pod's handler (the pause process
 *              is Keelson's static program: no user, image, mount or exec of its own), or null
 *              for the handler's runtime
 */
public record RuntimeSettings(Path root, NetnsDirectory netns, ConfDir cniConf, CniInvoker cni,
                              Map<String, RuntimeHandler> handlers, Path libexec, String cgroupParent, NetnsPool pool,
                              RuntimeHandler pause) {
    public RuntimeSettings {
        handlers = Map.copyOf(handlers);
    }

    /** Pause containers under each handler's own runtime. */
    public RuntimeSettings(Path root, NetnsDirectory netns, ConfDir cniConf, CniInvoker cni,
                           Map<String, RuntimeHandler> handlers, Path libexec, String cgroupParent, NetnsPool pool) {
        this(root, netns, cniConf, cni, handlers, libexec, cgroupParent, pool, null);
    }

    /** Without a namespace pool. */
    public RuntimeSettings(Path root, NetnsDirectory netns, ConfDir cniConf, CniInvoker cni,
                           Map<String, RuntimeHandler> handlers, Path libexec, String cgroupParent) {
        this(root, netns, cniConf, cni, handlers, libexec, cgroupParent, null);
    }

    /** The driver for handler {@code name} ("" = default). */
    public OciRuntime runtime(String name) {
        RuntimeHandler h = handlers.get(name == null ? "" : name);
        if (h == null) {
            throw new IllegalArgumentException("no runtime handler \"" + name + "\" (known: " + handlers.keySet() + ")");
        }
        return driver(h);
    }

    /**
     * The driver of the runtime that runs {@code pod}'s containers: the one recorded at
     * RunPodSandbox, even when its handler now names another (the default was changed between
     * runs); the handler's own for records that predate the field.
     */
    public OciRuntime runtime(SandboxRecord pod) {
        return pod.runtime() == null ? runtime(pod.handler()) : recorded(pod, pod.runtime(), "it");
    }

    /** The driver for a new sandbox's pause container, whose containers {@code containers} runs. */
    public OciRuntime pauseRuntime(OciRuntime containers) {
        return pause == null ? containers : driver(pause);
    }

    /** The driver of the runtime that runs {@code pod}'s pause container (recorded at RunPodSandbox). */
    public OciRuntime pauseRuntime(SandboxRecord pod) {
        return pod.pauseRuntime() == null ? runtime(pod) : recorded(pod, pod.pauseRuntime(), "its pause container");
    }

    /** The handler running {@code binary}, the pod's own first; {@code what} names what {@code binary} ran, for the error. */
    private OciRuntime recorded(SandboxRecord pod, String binary, String what) {
        return Stream.of(Stream.ofNullable(handlers.get(pod.handler())), Stream.ofNullable(pause), handlers.values().stream())
                .flatMap(h -> h).filter(h -> h.binary().toString().equals(binary)).findFirst().map(this::driver)
                .orElseThrow(() -> new IllegalStateException("sandbox " + pod.id() + ": " + what + " was run by " + binary
                        + ", which no runtime handler runs now (known: " + handlers.keySet() + ")"));
    }

    private OciRuntime driver(RuntimeHandler h) {
        return new OciRuntime(h, libexec.resolve("keelson-cri-shim"));
    }
}
