package dev.keelson.cni.nft;

import dev.keelson.linux.nft.Nftables;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Which base-command texts have been applied through which libnftables context. A kept context
 * belongs to one network namespace for its whole life, so "sent through this context" means
 * "present in that namespace, unless someone removed it since" (which {@link ContainerChains}
 * notices by the ENOENT of its next transaction). A closed and reopened context is a new key,
 * so the base is sent again; weak keys let closed contexts go.
 */
final class SentBase {
    private final Map<Nftables, Set<String>> sent = new WeakHashMap<>();

    synchronized boolean has(Nftables nft, String base) {
        Set<String> s = sent.get(nft);
        return s != null && s.contains(base);
    }

    synchronized void remember(Nftables nft, String base) {
        sent.computeIfAbsent(nft, k -> new HashSet<>()).add(base);
    }

    synchronized void forget(Nftables nft) {
        sent.remove(nft);
    }
}
