package dev.keelson.cni.plugins.loopback;

import dev.keelson.cni.skel.Skeleton;

/** Runs {@link LoopbackPlugin} as an exec'd CNI plugin (environment and stdin per the spec). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Skeleton.main(new LoopbackPlugin(), LoopbackPlugin.ABOUT);
    }
}
