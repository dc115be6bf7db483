package dev.keelson.proxy.compile;

import dev.keelson.proxy.model.Backend;
import java.net.InetAddress;
import dev.keelson.proxy.model.PersistentMap;
import dev.keelson.proxy.model.PersistentSet;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * Everything the compiler produced from one snapshot: a unit per service port and family, plus the
 * few table-wide facts that several units share (allocated ClusterIPs, hairpin endpoints, the
 * distinct affinity timeouts) and so must be diffed on their own.
 *
 * @param node          the node configuration it was compiled for
 * @param ports         units by {@link ServicePortRules#key()}
 * @param clusterIPs    every allocated ClusterIP (traffic to other addresses in the service CIDRs is dropped)
 * @param hairpin       every forwarded-to endpoint address (a client that reaches itself is masqueraded)
 * @param affinityTimes the distinct affinity timeouts by family ("V4/10800")
 */
public record CompiledState(NodeConfig node, SortedMap<String, ServicePortRules> ports,
                            SortedSet<String> clusterIPs, SortedSet<String> hairpin,
                            SortedSet<String> affinityTimes) {

    public CompiledState {
        // Persistent collections: a copy only when given something else, so the incremental
        // compiler's states share all but the changed units with their predecessor.
        ports = PersistentMap.copyOf(ports);
        clusterIPs = PersistentSet.copyOf(clusterIPs);
        hairpin = PersistentSet.copyOf(hairpin);
        affinityTimes = PersistentSet.copyOf(affinityTimes);
    }

    /** The key used in {@link #clusterIPs} and {@link #hairpin}: family and address. */
    public static String addressKey(InetAddress a) {
        return Family.of(a) + "/" + dev.keelson.netns.addr.InetAddresses.format(a);
    }

    /** The key used in {@link #hairpin}. */
    public static String addressKey(Backend b) {
        return addressKey(b.address());
    }
}
