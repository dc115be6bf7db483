package dev.keelson.proxy.backend;

import dev.keelson.proxy.model.EndpointSlice;
import java.util.List;

/** Small edits of synthetic snapshots for measuring one-service changes. */
final class SyntheticEdits {
    private SyntheticEdits() {
    }

    /** The slices with the last endpoint of the first slice removed. */
    static List<EndpointSlice> oneEndpointFewer(List<EndpointSlice> slices) {
        EndpointSlice e = slices.getFirst();
        EndpointSlice shorter = new EndpointSlice(e.name(), e.service(), e.addressType(),
                e.endpoints().subList(0, e.endpoints().size() - 1), e.ports());
        return List.of(shorter);
    }
}
