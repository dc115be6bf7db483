package dev.keelson.cni.nft;

import dev.keelson.cni.nft.ContainerChains.Element;
import dev.keelson.cni.nft.ContainerChains.Rule;
import dev.keelson.cni.spec.NetworkConfig;
import dev.keelson.linux.nft.KeptContexts;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ipMasq} for the bridge plugin: traffic from a container's addresses is masqueraded
 * unless it goes to the container's own subnet or to multicast (224.0.0.0/4, ff00::/8) — the
 * reference's semantics (plugins v1.1.1 {@code ip.SetupIPMasq}).
 *
 * <p>Layout, in the calling thread's network namespace (the node's), following
 * {@link ContainerChains}:
 * <pre>
 * table inet keelson-ipmasq {
 *   map pods4 { type ipv4_addr : verdict }     10.0.0.5 : goto k-…
 *   map pods6 { type ipv6_addr : verdict }
 *   chain postrouting { type nat hook postrouting priority srcnat; policy accept;
 *     ip saddr vmap @pods4
 *     ip6 saddr vmap @pods6 }
 *   chain k-HASH(net, id, ifname) {
 *     ip saddr 10.0.0.5 ip daddr 10.0.0.0/24 return  comment "key pods4 10.0.0.5"
 *     ip daddr != 224.0.0.0/4 masquerade
 *   }
 * }
 * </pre>
 * The reference (v1.1.1) puts a {@code CNI-…} iptables chain per container into nat
 * POSTROUTING (≈ 40 ms per ADD for the iptables processes) and leaks it when DEL runs without
 * the prevResult; plugins v1.5+ use an nftables table {@code cni_plugins_masquerade} whose DEL
 * reads the whole chain. Here ADD is one nft transaction and DEL reads one small chain.
 */
public final class IpMasq {
    /** The table's name (family inet). */
    public static final String TABLE = "keelson-ipmasq";
    private static final String BASE = """
            add table inet keelson-ipmasq { comment "masquerading for Keelson CNI containers (ipMasq)"; }
            add map inet keelson-ipmasq pods4 { type ipv4_addr : verdict; }
            add map inet keelson-ipmasq pods6 { type ipv6_addr : verdict; }
            add chain inet keelson-ipmasq postrouting { type nat hook postrouting priority srcnat; policy accept; }
            flush chain inet keelson-ipmasq postrouting
            add rule inet keelson-ipmasq postrouting ip saddr vmap @pods4
            add rule inet keelson-ipmasq postrouting ip6 saddr vmap @pods6
            """;
    static final ContainerChains CHAINS = new ContainerChains("inet", TABLE, BASE, List.of());

    private IpMasq() {
    }

    /**
     * Masquerades the container's outgoing traffic. Idempotent: a second setup replaces the first.
     *
     * @param addresses the container's addresses with their prefix ({@code ips[].address} of a result)
     */
    public static void setup(String network, String containerId, String ifName, List<String> addresses) {
        List<Rule> rules = new ArrayList<>();
        for (String a : addresses) {
            Prefix p = Prefix.parse(a);
            String f = p.nftFamily();
            String host = p.host();
            rules.add(new Rule(f + " saddr " + host + " " + f + " daddr " + p.network() + " return",
                    new Element(p.isIpv4() ? "pods4" : "pods6", host)));
            rules.add(Rule.of(f + " saddr " + host + " " + f + " daddr != "
                    + (p.isIpv4() ? "224.0.0.0/4" : "ff00::/8") + " masquerade"));
        }
        String chain = chainOf(network, containerId, ifName);
        String comment = "keelson ipMasq net=" + network + " id=" + containerId + " if=" + ifName;
        Backend.run(nft -> {
            CHAINS.attach(nft, chain, comment, rules);
            return null;
        }, () -> IptablesMasq.setup(network, containerId, addresses));
    }

    /**
     * Removes the container's masquerading: needs only the attachment's identity, never the netns
     * or the prevResult; idempotent.
     *
     * @return whether there was anything to remove
     */
    public static boolean teardown(String network, String containerId, String ifName) {
        String chain = chainOf(network, containerId, ifName);
        return Backend.run(nft -> CHAINS.detach(nft, chain), () -> IptablesMasq.teardown(network, containerId));
    }

    /** Whether the container's masquerading is in place for exactly these addresses (CHECK). */
    public static boolean isSetUp(String network, String containerId, String ifName, List<String> addresses) {
        String chain = chainOf(network, containerId, ifName);
        List<String> want = addresses.stream().map(a -> Prefix.parse(a).host()).sorted().toList();
        return Backend.run(nft -> CHAINS.recordedElements(nft, chain).stream().map(Element::key).sorted().toList()
                .equals(want), () -> IptablesMasq.isSetUp(network, containerId));
    }

    /**
     * Why masquerading cannot be set up here, or empty when it can: nftables unusable and no
     * {@code iptables-restore} on PATH for the fallback (STATUS code 50).
     */
    public static Optional<String> unusableReason() {
        return NftSupport.unusableReason().filter(why -> !IptablesMasq.toolPresent());
    }

    /**
     * GC (CNI 1.1): removes the masquerading of every attachment of {@code network} that is not
     * among {@code valid} ({@code cni.dev/valid-attachments}), with its map elements. Other
     * networks' chains are left alone. Without nftables (the iptables fallback) nothing is
     * collected: the reference's iptables layout records no interface name to match on.
     *
     * @return the names of the removed chains
     */
    public static List<String> gc(String network, Collection<NetworkConfig.Attachment> valid) {
        if (!NftSupport.usable()) {
            return List.of();
        }
        Set<String> keep = new HashSet<>();
        for (NetworkConfig.Attachment a : valid) {
            keep.add(chainOf(network, nullToEmpty(a.containerID()), nullToEmpty(a.ifname())));
        }
        return KeptContexts.inCurrentNetns(nft -> CHAINS.gc(nft, network, keep));
    }

    static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    static String chainOf(String network, String containerId, String ifName) {
        return ContainerChains.chainName("ipmasq", network, containerId, ifName);
    }

    /** Whether to use KeptContexts (nftables) or the iptables fallback. */
    static final class Backend {
        private Backend() {
        }

        static <T> T run(java.util.function.Function<dev.keelson.linux.nft.Nftables, T> nft,
                         java.util.function.Supplier<T> iptables) {
            if (!NftSupport.usable()) {
                return iptables.get();
            }
            return KeptContexts.inCurrentNetns(nft);
        }
    }
}
