package dev.keelson.cri.sandbox;

import dev.keelson.cni.invoke.CniInvoker;
import dev.keelson.cni.invoke.ConfDir;
import dev.keelson.cri.oci.OciRuntime;
import dev.keelson.cri.oci.RuntimeHandler;
import dev.keelson.netns.NetnsDirectory;
import dev.keelson.netns.NetnsPool;
import java.nio.file.Path;
import java.util.Map;

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
 */
public record RuntimeSettings(Path root, NetnsDirectory netns, ConfDir cniConf, CniInvoker cni,
                              Map<String, RuntimeHandler> handlers, Path libexec, String cgroupParent, NetnsPool pool) {
    public RuntimeSettings {
        handlers = Map.copyOf(handlers);
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
        RuntimeHandler named = handlers.get(pod.handler());
        if (pod.runtime() == null || named != null && named.binary().toString().equals(pod.runtime())) {
            return runtime(pod.handler());
        }
        return handlers.values().stream().filter(h -> h.binary().toString().equals(pod.runtime())).findFirst()
                .map(this::driver)
                .orElseThrow(() -> new IllegalStateException("sandbox " + pod.id() + " was run by " + pod.runtime()
                        + ", which no runtime handler runs now (known: " + handlers.keySet() + ")"));
    }

    private OciRuntime driver(RuntimeHandler h) {
        return new OciRuntime(h, libexec.resolve("keelson-cri-shim"));
    }
}
