package dev.keelson.cni.plugins.macvlan;

import dev.keelson.cni.skel.Skeleton;

/** Runs {@link MacvlanPlugin} as an exec'd CNI plugin (environment and stdin per the spec). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Skeleton.main(new MacvlanPlugin(), MacvlanPlugin.ABOUT);
    }
}
