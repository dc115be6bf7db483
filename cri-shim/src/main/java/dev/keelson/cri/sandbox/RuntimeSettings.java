package dev.keelson.cri.sandbox;

import dev.keelson.cni.invoke.CniInvoker;
import dev.keelson.cni.invoke.ConfDir;
import dev.keelson.cri.oci.OciRuntime;
import dev.keelson.cri.oci.RuntimeHandler;
import dev.keelson.netns.NetnsDirectory;
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
 */
public record RuntimeSettings(Path root, NetnsDirectory netns, ConfDir cniConf, CniInvoker cni,
                              Map<String, RuntimeHandler> handlers, Path libexec, String cgroupParent) {
    public RuntimeSettings {
        handlers = Map.copyOf(handlers);
    }

    /** The driver for handler {@code name} ("" = default). */
    public OciRuntime runtime(String name) {
        RuntimeHandler h = handlers.get(name == null ? "" : name);
        if (h == null) {
            throw new IllegalArgumentException("no runtime handler \"" + name + "\" (known: " + handlers.keySet() + ")");
        }
        return new OciRuntime(h, libexec.resolve("keelson-cri-shim"));
    }
}
