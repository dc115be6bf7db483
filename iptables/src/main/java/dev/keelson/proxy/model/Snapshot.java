package dev.keelson.proxy.model;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable set of Services and EndpointSlices: the input of one compile.
 *
 * <p>Both maps are {@link PersistentMap}s: {@link #with}, {@link #without}, {@link #withSlice} and
 * {@link #withoutSlice} cost O(log n) and share everything else with this snapshot, so a
 * watch-driven caller can apply one event at a time, and {@link #changedServices} finds what two
 * related snapshots differ in without looking at what they share.
 *
 * @param services Services by reference
 * @param slices   EndpointSlices by the Service they serve (each list immutable and non-empty)
 */
public record Snapshot(SortedMap<ServiceRef, Service> services, SortedMap<ServiceRef, List<EndpointSlice>> slices) {

    private static final Snapshot EMPTY = new Snapshot(PersistentMap.empty(), PersistentMap.empty());

    public Snapshot {
        services = PersistentMap.copyOf(services);
        if (!(slices instanceof PersistentMap<ServiceRef, List<EndpointSlice>>)) {
            TreeMap<ServiceRef, List<EndpointSlice>> s = new TreeMap<>();
            slices.forEach((k, v) -> {
                if (!v.isEmpty()) {
                    s.put(k, List.copyOf(v));
                }
            });
            slices = PersistentMap.copyOf(s);
        }
    }

    /** The snapshot with nothing in it. */
    public static Snapshot empty() {
        return EMPTY;
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
        return new Snapshot(serviceMap().plus(s.ref(), s), slices);
    }

    /** This snapshot with the slices of {@code ref} replaced ({@code list} empty: removed). */
    public Snapshot withSlices(ServiceRef ref, List<EndpointSlice> list) {
        return new Snapshot(services, list.isEmpty() ? sliceMap().minus(ref) : sliceMap().plus(ref, List.copyOf(list)));
    }

    /** This snapshot with {@code slice} added, or replacing the slice of the same Service and name. */
    public Snapshot withSlice(EndpointSlice slice) {
        List<EndpointSlice> list = new ArrayList<>(slicesOf(slice.service()));
        list.removeIf(e -> e.name().equals(slice.name()));
        list.add(slice);
        return withSlices(slice.service(), list);
    }

    /** This snapshot without the slice {@code name} of {@code ref} (unchanged when absent). */
    public Snapshot withoutSlice(ServiceRef ref, String name) {
        List<EndpointSlice> list = new ArrayList<>(slicesOf(ref));
        return list.removeIf(e -> e.name().equals(name)) ? withSlices(ref, list) : this;
    }

    /** This snapshot without the Service {@code ref} (its slices stay). */
    public Snapshot without(ServiceRef ref) {
        return new Snapshot(serviceMap().minus(ref), slices);
    }

    /**
     * The Services whose own object or any of whose slices differ between this snapshot and
     * {@code other}: O(differences · log n) when one was derived from the other.
     */
    public SortedSet<ServiceRef> changedServices(Snapshot other) {
        TreeSet<ServiceRef> out = new TreeSet<>();
        serviceMap().diff(other.serviceMap(), (k, a, b) -> out.add(k));
        sliceMap().diff(other.sliceMap(), (k, a, b) -> out.add(k));
        return out;
    }

    private PersistentMap<ServiceRef, Service> serviceMap() {
        return (PersistentMap<ServiceRef, Service>) services;
    }

    private PersistentMap<ServiceRef, List<EndpointSlice>> sliceMap() {
        return (PersistentMap<ServiceRef, List<EndpointSlice>>) slices;
    }
}
