package dev.keelson.cni.ipam.hostlocal;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * A validated host-local configuration, read from a whole network configuration (the plugin's
 * stdin) by {@link #parse}: the network {@code name} and {@code cniVersion}, the {@code ipam}
 * object, and the {@code ipRanges}/{@code ips} runtime capabilities and {@code args.cni.ips}.
 *
 * @param cniVersion the network config's cniVersion, as written
 * @param name the network name, which names the allocation directory under {@code dataDir}
 * @param ranges the range sets, in allocation order: runtime {@code ipRanges} first, then the
 *     legacy single range, then {@code ranges}; one address is allocated from each
 * @param routes routes to return in the result
 * @param dataDir the directory holding one allocation directory per network
 * @param resolvConf the resolv.conf-format file to report as DNS, or null
 * @param requestedIps addresses requested in the config ({@code args.cni.ips}, then runtime
 *     {@code ips}); CNI_ARGS {@code IP=} is passed to {@link HostLocal#add} separately
 */
public record HostLocalConfig(String cniVersion, String name, List<RangeSet> ranges, List<Route> routes,
                              Path dataDir, Path resolvConf, List<InetAddress> requestedIps) {

    /** Where the reference keeps its allocations when {@code dataDir} is not set. */
    public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/cni/networks");

    /** Copies the lists. */
    public HostLocalConfig {
        ranges = List.copyOf(ranges);
        routes = List.copyOf(routes);
        requestedIps = List.copyOf(requestedIps);
    }

    /**
     * Parses and validates a network configuration whose {@code ipam.type} is host-local.
     *
     * @throws IpamException code 6 for malformed JSON or mistyped fields, 7 for invalid ranges
     *     (messages as the reference's: {@code invalid range set 0: RangeStart ... not in network ...},
     *     {@code range set 0 overlaps with 1}, {@code no IP ranges specified} ...)
     */
    public static HostLocalConfig parse(String networkConfig) throws IpamException {
        return ConfigParser.parse(networkConfig);
    }

    /** As {@link #parse(String)}, for a config the caller has already parsed (a main plugin's). */
    public static HostLocalConfig parse(JsonNode networkConfig) throws IpamException {
        return ConfigParser.parse(networkConfig);
    }

    /** The directory holding this network's allocations: {@code <dataDir>/<name>}. */
    public Path networkDir() {
        return dataDir.resolve(name);
    }
}
