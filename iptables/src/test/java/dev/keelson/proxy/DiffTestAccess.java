package dev.keelson.proxy;

import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.proxy.model.Endpoint;
import dev.keelson.proxy.model.EndpointConditions;
import dev.keelson.proxy.model.EndpointSlice;
import dev.keelson.proxy.model.ServiceRef;
import dev.keelson.proxy.model.Snapshot;
import java.util.ArrayList;
import java.util.List;

/** Snapshot edits shared by the diff and kernel tests. */
public final class DiffTestAccess {
    private static final ServiceRef WEB = new ServiceRef("default", "web");

    private DiffTestAccess() {
    }

    /** The fixture with one more endpoint (10.244.4.4) for default/web. */
    public static Snapshot withExtraWebEndpoint(Snapshot s) {
        EndpointSlice old = s.slicesOf(WEB).getFirst();
        List<Endpoint> eps = new ArrayList<>(old.endpoints());
        eps.add(new Endpoint(List.of(InetAddresses.parse("10.244.4.4")), EndpointConditions.READY, "node-d", null));
        return s.withSlices(WEB, List.of(new EndpointSlice(old.name(), WEB, old.addressType(), eps, old.ports())));
    }
}
