package dev.keelson.cni.plugins.portmap;

import dev.keelson.cni.skel.Skeleton;

/** Runs {@link PortmapPlugin} as an exec'd CNI plugin (environment and stdin per the spec). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Skeleton.main(new PortmapPlugin(), PortmapPlugin.ABOUT);
    }
}
