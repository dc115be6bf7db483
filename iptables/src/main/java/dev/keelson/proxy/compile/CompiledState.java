package dev.keelson.proxy.compile;

import dev.keelson.proxy.model.Backend;
import java.net.InetAddress;
import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

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
        ports = Collections.unmodifiableSortedMap(new TreeMap<>(ports));
        clusterIPs = Collections.unmodifiableSortedSet(new TreeSet<>(clusterIPs));
        hairpin = Collections.unmodifiableSortedSet(new TreeSet<>(hairpin));
        affinityTimes = Collections.unmodifiableSortedSet(new TreeSet<>(affinityTimes));
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
