package dev.keelson.proxy.model;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Kubernetes' rules for which endpoints a Service port uses (kube-proxy {@code CategorizeEndpoints}):
 * ready endpoints; when none is ready, endpoints that are still serving while terminating (so a
 * rolling restart does not drop traffic); with a {@code Local} policy, only endpoints on this node.
 */
public final class EndpointSelector {
    private EndpointSelector() {
    }

    /**
     * Every endpoint of {@code port} in {@code family} with the slice port of the same name and
     * protocol, whatever its conditions, deduplicated and sorted.
     */
    public static List<Candidate> candidates(List<EndpointSlice> slices, ServicePort port, AddressType family,
                                             String nodeName) {
        TreeSet<Candidate> out = new TreeSet<>();
        for (EndpointSlice s : slices) {
            if (s.addressType() != family) {
                continue;
            }
            // The EndpointSlice controller has already resolved a named targetPort per pod: the slice's
            // port named like the Service port carries the number.
            EndpointPort ep = s.ports().stream()
                    .filter(p -> p.name().equals(port.name()) && p.protocol() == port.protocol())
                    .findFirst().orElse(null);
            if (ep == null) {
                continue;
            }
            for (Endpoint e : s.endpoints()) {
                boolean local = nodeName != null && nodeName.equals(e.nodeName());
                out.add(new Candidate(new Backend(e.addresses().getFirst(), ep.port(), local), e.conditions()));
            }
        }
        return List.copyOf(out);
    }

    /** The usable endpoints among {@code all} that also pass {@code filter}: ready ones, else serving-terminating ones. */
    public static List<Backend> usable(List<Candidate> all, Predicate<Backend> filter) {
        List<Backend> ready = new ArrayList<>();
        List<Backend> terminating = new ArrayList<>();
        for (Candidate c : all) {
            if (!filter.test(c.backend())) {
                continue;
            }
            if (c.conditions().ready()) {
                ready.add(c.backend());
            } else if (c.conditions().serving() && c.conditions().terminating()) {
                terminating.add(c.backend());
            }
        }
        return ready.isEmpty() ? terminating : ready;
    }

    /** An endpoint with its conditions, before selection. */
    public record Candidate(Backend backend, EndpointConditions conditions) implements Comparable<Candidate> {
        @Override
        public int compareTo(Candidate o) {
            return backend.compareTo(o.backend);
        }
    }
}
