package dev.keelson.cni.ipam.hostlocal;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The host-local IPAM verbs over the reference's on-disk layout (see {@link DiskStore}), so
 * allocations made by the reference binary and by this class are seen by both.
 *
 * <p>Deliberate differences from the reference v1.1.1, all on error or edge paths: a failed ADD
 * releases only the addresses it reserved itself (the reference releases every address of the
 * attachment, including ones from an earlier successful ADD); the lock is held for the whole ADD
 * instead of once per range set; only files named by an address are treated as records.
 */
public final class HostLocal {
    private HostLocal() {
    }

    /**
     * ADD: allocates one address from each range set for {@code attachment}.
     *
     * @param cniArgsIps addresses requested through {@code CNI_ARGS} {@code IP=}; they come before
     *     the config's own {@link HostLocalConfig#requestedIps()}. Each requested address is taken
     *     from the range set containing it instead of the round-robin choice.
     * @throws IpamException code 999 with the reference's messages when a set is exhausted
     *     ({@code failed to allocate for range 0: no IP addresses available in range set: ...}),
     *     a requested address is taken, is a gateway, or lies in no set, or the attachment already
     *     holds an address of a set; code 5 on I/O failure. Nothing stays reserved after a failure.
     */
    @SuppressWarnings("try") // the lock is held for the block; its variable is never read
    public static AddResult add(HostLocalConfig config, Attachment attachment, List<InetAddress> cniArgsIps)
            throws IpamException {
        Dns dns = config.resolvConf() == null ? Dns.NONE : Dns.read(config.resolvConf());
        Map<InetAddress, InetAddress> requested = new LinkedHashMap<>();
        for (InetAddress ip : cniArgsIps) {
            requested.put(ip, ip);
        }
        config.requestedIps().forEach(ip -> requested.put(ip, ip));

        DiskStore store = DiskStore.open(config.networkDir());
        List<Allocation> done = new ArrayList<>();
        try (NetworkLock ignored = lock(store)) {
            try {
                for (int idx = 0; idx < config.ranges().size(); idx++) {
                    RangeSet set = config.ranges().get(idx);
                    InetAddress want = requested.keySet().stream().filter(set::contains).findFirst().orElse(null);
                    if (want != null) {
                        requested.remove(want);
                    }
                    try {
                        done.add(allocate(store, set, idx, attachment, want));
                    } catch (IpamException e) {
                        throw new IpamException(e.code(), "failed to allocate for range " + idx + ": " + e.getMessage(), e);
                    }
                }
                if (!requested.isEmpty()) {
                    throw new IpamException(IpamException.ALLOCATION_FAILED, "failed to allocate all requested IPs: "
                            + requested.keySet().stream().map(Ips::format).collect(Collectors.joining(" ")));
                }
            } catch (IpamException e) {
                for (Allocation a : done) {
                    store.release(a.address());
                }
                throw e;
            }
        }
        return new AddResult(done, config.routes(), dns);
    }

    /**
     * DEL: releases every address {@code attachment} holds in this network, across all range sets.
     * Idempotent: releasing an attachment that holds nothing succeeds.
     *
     * @return the released addresses
     */
    public static List<InetAddress> del(HostLocalConfig config, Attachment attachment) throws IpamException {
        DiskStore store = DiskStore.open(config.networkDir());
        return locked(store, () -> {
            Map<InetAddress, String> all = store.allocations();
            List<InetAddress> mine = owned(all, attachment);
            for (InetAddress ip : mine) {
                store.release(ip);
            }
            return mine;
        });
    }

    /**
     * CHECK: fails unless {@code attachment} holds an address in this network, with the reference's
     * message ({@code host-local: Failed to find address added by container <id>}).
     */
    public static void check(HostLocalConfig config, Attachment attachment) throws IpamException {
        DiskStore store = DiskStore.open(config.networkDir());
        boolean found = locked(store, () -> !owned(store.allocations(), attachment).isEmpty());
        if (!found) {
            throw new IpamException(IpamException.ALLOCATION_FAILED,
                    "host-local: Failed to find address added by container " + attachment.containerId());
        }
    }

    /**
     * GC (CNI 1.1): releases every allocation of this network whose owner is not among
     * {@code valid} ({@code cni.dev/valid-attachments}). A record in the pre-0.7 format, which
     * names only a container, is kept when any valid attachment has that container id.
     *
     * @return the released addresses
     */
    public static List<InetAddress> gc(HostLocalConfig config, Collection<Attachment> valid) throws IpamException {
        Set<String> exact = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (Attachment a : valid) {
            exact.add(DiskStore.record(a));
            ids.add(a.containerId().strip());
        }
        DiskStore store = DiskStore.open(config.networkDir());
        return locked(store, () -> {
            List<InetAddress> released = new ArrayList<>();
            for (Map.Entry<InetAddress, String> e : store.allocations().entrySet()) {
                String owner = e.getValue();
                boolean keep = owner.contains(DiskStore.LINE_BREAK) ? exact.contains(owner) : ids.contains(owner);
                if (!keep && store.release(e.getKey())) {
                    released.add(e.getKey());
                }
            }
            return released;
        });
    }

    private static Allocation allocate(DiskStore store, RangeSet set, int idx, Attachment owner, InetAddress want)
            throws IpamException {
        if (want != null) {
            IpRange r = set.rangeFor(want);
            if (want.equals(r.gateway())) {
                throw failed("requested ip " + Ips.format(want) + " is subnet's gateway");
            }
            if (!store.reserve(owner, want, idx)) {
                throw failed("requested IP address " + Ips.format(want) + " is not available in range set " + set);
            }
            return new Allocation(want, r.subnet().prefixLength(), r.gateway(), idx);
        }
        for (InetAddress held : owned(store.allocations(), owner)) {
            if (set.contains(held)) {
                throw failed(Ips.format(held) + " has been allocated to " + owner.containerId()
                        + ", duplicate allocation is not allowed");
            }
        }
        RangeIterator it = new RangeIterator(set, store.lastReserved(idx));
        for (InetAddress ip = it.next(); ip != null; ip = it.next()) {
            if (store.reserve(owner, ip, idx)) {
                IpRange r = it.range();
                return new Allocation(ip, r.subnet().prefixLength(), r.gateway(), idx);
            }
        }
        throw failed("no IP addresses available in range set: " + set);
    }

    /** Addresses recorded for the attachment; records naming only its container id if none exact. */
    private static List<InetAddress> owned(Map<InetAddress, String> all, Attachment a) {
        String exact = DiskStore.record(a);
        List<InetAddress> mine = all.entrySet().stream().filter(e -> e.getValue().equals(exact)).map(Map.Entry::getKey).toList();
        if (!mine.isEmpty()) {
            return mine;
        }
        String id = a.containerId().strip();
        return all.entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey).toList();
    }

    private interface Locked<T> {
        T run() throws IpamException;
    }

    @SuppressWarnings("try") // the lock is held for the block; its variable is never read
    private static <T> T locked(DiskStore store, Locked<T> body) throws IpamException {
        try (NetworkLock ignored = lock(store)) {
            return body.run();
        }
    }

    private static NetworkLock lock(DiskStore store) throws IpamException {
        try {
            return NetworkLock.acquire(store.dir());
        } catch (IOException e) {
            throw new IpamException(IpamException.IO_FAILURE, "cannot lock " + store.dir() + "/lock: " + e, e);
        }
    }

    private static IpamException failed(String message) {
        return new IpamException(IpamException.ALLOCATION_FAILED, message);
    }
}
