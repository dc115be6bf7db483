package dev.keelson.cni.daemon;

import dev.keelson.cni.plugins.bridge.BridgePlugin;
import dev.keelson.cni.plugins.hostlocal.HostLocalPlugin;
import dev.keelson.cni.plugins.loopback.LoopbackPlugin;
import dev.keelson.cni.plugins.macvlan.MacvlanPlugin;
import dev.keelson.cni.plugins.portmap.PortmapPlugin;
import dev.keelson.cni.skel.About;
import dev.keelson.cni.skel.Plugin;
import dev.keelson.cni.skel.Skeleton;
import java.util.List;
import java.util.Optional;

/**
 * The plugins the daemon and the fallback JVM can run, by the name the client is installed under.
 * A switch rather than a map of instances, so a fallback JVM loads only the plugin it runs.
 */
public final class Plugins {
    /** Every name, in install order. */
    public static final List<String> NAMES = List.of("loopback", "host-local", "bridge", "macvlan", "portmap");

    private Plugins() {
    }

    /** One plugin and what it says about itself. */
    public record Entry(Plugin plugin, About about) {
        /** A skeleton running this plugin. */
        public Skeleton skeleton() {
            return new Skeleton(plugin, about);
        }
    }

    /** The plugin called {@code name}, or empty for a name Keelson does not have. */
    public static Optional<Entry> find(String name) {
        return Optional.ofNullable(switch (name) {
            case "loopback" -> new Entry(new LoopbackPlugin(), LoopbackPlugin.ABOUT);
            case "host-local" -> new Entry(new HostLocalPlugin(), HostLocalPlugin.ABOUT);
            case "bridge" -> new Entry(new BridgePlugin(), BridgePlugin.ABOUT);
            case "macvlan" -> new Entry(new MacvlanPlugin(), MacvlanPlugin.ABOUT);
            case "portmap" -> new Entry(new PortmapPlugin(), PortmapPlugin.ABOUT);
            default -> null;
        });
    }
}
