package dev.keelson.cni.plugins.hostlocal;

import dev.keelson.cni.skel.Skeleton;

/** Runs {@link HostLocalPlugin} as an exec'd CNI IPAM plugin (environment and stdin per the spec). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Skeleton.main(new HostLocalPlugin(), HostLocalPlugin.ABOUT);
    }
}
