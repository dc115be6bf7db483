package dev.keelson.cni.nft;

import dev.keelson.cni.nft.ContainerChains.Element;
import dev.keelson.cni.nft.ContainerChains.Rule;
import dev.keelson.cni.spec.NetworkConfig;
import dev.keelson.linux.nft.KeptContexts;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code macspoofchk} for the bridge plugin: frames entering the bridge from a container's
 * host-side veth must carry the container's MAC as source, or they are dropped.
 *
 * <p>The reference (plugins v1.1.1 {@code pkg/link/spoofcheck.go}) uses table {@code bridge nat}
 * with a base chain {@code PREROUTING} (filter, hook prerouting, priority -300), a jump rule per
 * interface and two chains per interface; its DEL must find the jump rule's handle by listing the
 * whole chain. Here the same hook and priority, in a Keelson-owned table, per
 * {@link ContainerChains}:
 * <pre>
 * table bridge keelson-macspoofchk {
 *   map ports { type ifname : verdict }          "veth1a2b" : goto k-…
 *   chain prerouting { type filter hook prerouting priority -300; policy accept;
 *     iifname vmap @ports }
 *   chain k-HASH(net, id, ifname) {
 *     iifname "veth1a2b" ether saddr 0a:58:… return  comment "key ports veth1a2b"
 *     drop
 *   }
 * }
 * </pre>
 */
public final class SpoofCheck {
    /** The table's name (family bridge). */
    public static final String TABLE = "keelson-macspoofchk";
    private static final Pattern MAC = Pattern.compile("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}");
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.@:+-]{1,15}");
    private static final String BASE = """
            add table bridge keelson-macspoofchk { comment "MAC spoof check for Keelson CNI containers (macspoofchk)"; }
            add map bridge keelson-macspoofchk ports { type ifname : verdict; }
            add chain bridge keelson-macspoofchk prerouting { type filter hook prerouting priority -300; policy accept; }
            flush chain bridge keelson-macspoofchk prerouting
            add rule bridge keelson-macspoofchk prerouting iifname vmap @ports
            """;
    static final ContainerChains CHAINS = new ContainerChains("bridge", TABLE, BASE, List.of("ports"));

    private SpoofCheck() {
    }

    /**
     * Lets only {@code containerMac} leave through the host-side {@code hostIfName}. Idempotent.
     *
     * @throws IllegalArgumentException for a malformed MAC or interface name
     */
    public static void setup(String network, String containerId, String ifName, String hostIfName, String containerMac) {
        if (!MAC.matcher(containerMac).matches()) {
            throw new IllegalArgumentException("invalid MAC address \"" + containerMac + "\"");
        }
        if (!IFNAME.matcher(hostIfName).matches()) {
            throw new IllegalArgumentException("invalid interface name \"" + hostIfName + "\"");
        }
        String chain = chainOf(network, containerId, ifName);
        List<Rule> rules = List.of(
                new Rule("iifname \"" + hostIfName + "\" ether saddr " + containerMac.toLowerCase() + " return",
                        new Element("ports", hostIfName)),
                Rule.of("drop"));
        String comment = "keelson macspoofchk net=" + network + " id=" + containerId + " if=" + ifName;
        KeptContexts.inCurrentNetns(nft -> {
            CHAINS.attach(nft, chain, comment, rules);
            return null;
        });
    }

    /** Removes the check; needs only the attachment's identity. Idempotent. */
    public static boolean teardown(String network, String containerId, String ifName) {
        if (!NftSupport.usable()) {
            return false;
        }
        String chain = chainOf(network, containerId, ifName);
        return KeptContexts.inCurrentNetns(nft -> CHAINS.detach(nft, chain));
    }

    /** Whether the check is in place for {@code hostIfName} (CHECK). */
    public static boolean isSetUp(String network, String containerId, String ifName, String hostIfName) {
        String chain = chainOf(network, containerId, ifName);
        return KeptContexts.inCurrentNetns(nft -> CHAINS.recordedElements(nft, chain))
                .equals(List.of(new Element("ports", hostIfName)));
    }

    /** Why spoof checks cannot be set up here (they need nftables), or empty when they can. */
    public static Optional<String> unusableReason() {
        return NftSupport.unusableReason();
    }

    /**
     * GC (CNI 1.1): removes the spoof check of every attachment of {@code network} that is not
     * among {@code valid} ({@code cni.dev/valid-attachments}). Other networks' chains are left
     * alone.
     *
     * @return the names of the removed chains
     */
    public static List<String> gc(String network, Collection<NetworkConfig.Attachment> valid) {
        if (!NftSupport.usable()) {
            return List.of();
        }
        Set<String> keep = new HashSet<>();
        for (NetworkConfig.Attachment a : valid) {
            keep.add(chainOf(network, IpMasq.nullToEmpty(a.containerID()), IpMasq.nullToEmpty(a.ifname())));
        }
        return KeptContexts.inCurrentNetns(nft -> CHAINS.gc(nft, network, keep));
    }

    static String chainOf(String network, String containerId, String ifName) {
        return ContainerChains.chainName("macspoofchk", network, containerId, ifName);
    }
}
