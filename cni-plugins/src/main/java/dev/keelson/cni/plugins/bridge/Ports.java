package dev.keelson.cni.plugins.bridge;

import dev.keelson.cni.spec.CniException;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.event.LinkEvent;
import dev.keelson.netns.event.NetEvents;
import dev.keelson.netns.link.Link;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.link.OperState;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The host end's operational state. The kernel reports a veth UP once both ends are up, via its
 * link-watch work, so it can lag the ADD by a moment; the reference polls for up to ≈ 2.5 s and
 * fails with "bridge port in error state". Here the first read usually suffices, and otherwise
 * link events are awaited instead of sleeping.
 */
final class Ports {
    static final Duration LIMIT = Duration.ofMillis(2550);

    private Ports() {
    }

    static void awaitForwarding(Links host, String name) {
        Link l = host.get(name);
        if (l.operState() == OperState.UP) {
            return;
        }
        try (NetNamespace here = NetNamespace.current()) {
            NetEvents.awaitLink(here, name, (LinkEvent e) -> e.operState() == OperState.UP, LIMIT);
        } catch (TimeoutException e) {
            throw new CniException(CniException.INTERNAL, "bridge port in error state: "
                    + host.get(name).operState().name().toLowerCase(), "", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniException(CniException.INTERNAL, "interrupted while waiting for " + name + " to come up");
        }
    }
}
