package dev.keelson.cri.server;

import dev.keelson.cni.invoke.CniInvoker;
import dev.keelson.cni.invoke.ConfDir;
import dev.keelson.cni.invoke.NetworkList;
import dev.keelson.cni.spec.CniException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code NetworkReady} from CNI: not ready while the conf dir holds no network config; otherwise
 * the default network (the lexically first config file, as containerd's default
 * {@code max_conf_num = 1} picks it) is asked for CNI {@code STATUS} (spec 1.1.0; a no-op for older
 * {@code cniVersion}s) and is ready unless a plugin reports an error. An unreadable config is not
 * ready, with the parse error as message.
 */
public final class CniNetworkCheck implements NetworkCheck {
    private final ConfDir confDir;
    private final CniInvoker invoker;

    public CniNetworkCheck(ConfDir confDir, CniInvoker invoker) {
        this.confDir = confDir;
        this.invoker = invoker;
    }

    /** Configs from {@code confDir}, plugins from {@code binDirs} (Keelson's own run in-process), results cached under {@code cacheDir}. */
    public static CniNetworkCheck of(Path confDir, List<Path> binDirs, Path cacheDir) {
        return new CniNetworkCheck(new ConfDir(confDir), CniInvoker.create(binDirs, cacheDir));
    }

    @Override
    public Readiness check() {
        NetworkList net;
        try {
            if (confDir.files().isEmpty()) {
                return Readiness.notReady("cni config uninitialized: no network config found in " + confDir.dir());
            }
            net = confDir.firstConfList();
        } catch (CniException e) {
            return Readiness.notReady("cni config load failed: " + e.msg());
        }
        try {
            invoker.status(net);
            return Readiness.isReady();
        } catch (CniException e) {
            return Readiness.notReady("network \"" + net.name() + "\" is not ready: " + e.msg());
        }
    }
}
