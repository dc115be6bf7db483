package dev.keelson.proxy.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable set of Services and EndpointSlices: the input of one compile.
 *
 * @param services Services by reference
 * @param slices   EndpointSlices by the Service they serve
 */
public record Snapshot(SortedMap<ServiceRef, Service> services, SortedMap<ServiceRef, List<EndpointSlice>> slices) {

    public Snapshot {
        services = Collections.unmodifiableSortedMap(new TreeMap<>(services));
        TreeMap<ServiceRef, List<EndpointSlice>> s = new TreeMap<>();
        slices.forEach((k, v) -> s.put(k, List.copyOf(v)));
        slices = Collections.unmodifiableSortedMap(s);
    }

    /** Builds a snapshot from parsed objects; a slice whose Service is absent is kept (it may arrive later). */
    public static Snapshot of(List<Service> services, List<EndpointSlice> slices) {
        TreeMap<ServiceRef, Service> byRef = new TreeMap<>();
        for (Service s : services) {
            byRef.put(s.ref(), s);
        }
        TreeMap<ServiceRef, List<EndpointSlice>> bySvc = new TreeMap<>();
        for (EndpointSlice e : slices) {
            bySvc.computeIfAbsent(e.service(), k -> new ArrayList<>()).add(e);
        }
        return new Snapshot(byRef, bySvc);
    }

    /** The slices serving {@code ref} (empty when none). */
    public List<EndpointSlice> slicesOf(ServiceRef ref) {
        return slices.getOrDefault(ref, List.of());
    }

    /** This snapshot with {@code s} added or replaced. */
    public Snapshot with(Service s) {
        TreeMap<ServiceRef, Service> m = new TreeMap<>(services);
        m.put(s.ref(), s);
        return new Snapshot(m, slices);
    }

    /** This snapshot with the slices of {@code ref} replaced. */
    public Snapshot withSlices(ServiceRef ref, List<EndpointSlice> list) {
        TreeMap<ServiceRef, List<EndpointSlice>> m = new TreeMap<>(slices);
        m.put(ref, list);
        return new Snapshot(services, m);
    }

    /** This snapshot without the Service {@code ref} (its slices stay). */
    public Snapshot without(ServiceRef ref) {
        TreeMap<ServiceRef, Service> m = new TreeMap<>(services);
        m.remove(ref);
        return new Snapshot(m, slices);
    }

}
