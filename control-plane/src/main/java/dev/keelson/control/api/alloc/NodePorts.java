package dev.keelson.control.api.alloc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.store.Store;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Node ports of NodePort and LoadBalancer Services, records under
 * {@code /registry/ranges/servicenodeports/<port>}; one port number serves every protocol of a
 * Service, as in Kubernetes.
 */
final class NodePorts {
    static final String PREFIX = "/registry/ranges/servicenodeports/";
    private final int first;
    private final int last;
    private final SlotRange range;

    NodePorts(Store store, int first, int last) {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("invalid node port range " + first + "-" + last);
        }
        this.first = first;
        this.last = last;
        this.range = new SlotRange(store, PREFIX, first, last, Long::toString);
    }

    boolean inRange(long port) {
        return port >= first && port <= last;
    }

    String rangeText() {
        return first + "-" + last;
    }

    boolean take(long port, String owner) {
        return range.take(Long.toString(port), owner);
    }

    boolean isFree(long port) {
        return range.holder(Long.toString(port)).isEmpty();
    }

    Optional<Long> takeAny(String owner) {
        return range.takeAny(owner).map(Long::parseLong);
    }

    void release(long port, String owner) {
        range.release(Long.toString(port), owner);
    }

    Map<String, SlotRange.Holder> taken() {
        return range.taken();
    }

    /** Whether a Service of this spec gets node ports. */
    static boolean wanted(JsonNode spec) {
        String type = spec.path("type").asText("ClusterIP");
        return type.equals("NodePort")
                || (type.equals("LoadBalancer") && spec.path("allocateLoadBalancerNodePorts").asBoolean(true));
    }

    /** The node ports a Service spec holds. */
    static Set<Long> of(JsonNode spec) {
        Set<Long> out = new LinkedHashSet<>();
        for (JsonNode p : spec.path("ports")) {
            long np = p.path("nodePort").asLong(0);
            if (np > 0) {
                out.add(np);
            }
        }
        return out;
    }
}
