package dev.keelson.cni.daemon;

import dev.keelson.cni.skel.Skeleton;

/**
 * {@code java ... dev.keelson.cni.daemon.PluginMain NAME}: runs one plugin as an exec'd CNI
 * plugin. The native client execs this (the command line is in {@code .keelson-fallback}) when
 * the daemon is not running.
 */
public final class PluginMain {
    private PluginMain() {
    }

    public static void main(String[] args) {
        String name = args.length == 1 ? args[0] : "";
        Plugins.Entry entry = Plugins.find(name).orElse(null);
        if (entry == null) {
            System.out.print(CniDaemon.errorJson(CniDaemon.unknownPlugin(name)));
            System.out.flush();
            System.exit(1);
        }
        Skeleton.main(entry.plugin(), entry.about());
    }
}
