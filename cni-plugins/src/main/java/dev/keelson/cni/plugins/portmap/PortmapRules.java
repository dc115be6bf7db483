package dev.keelson.cni.plugins.portmap;

import dev.keelson.cni.nft.ContainerChains;
import dev.keelson.cni.nft.ContainerChains.Element;
import dev.keelson.cni.nft.ContainerChains.Rule;
import dev.keelson.cni.nft.Prefix;
import dev.keelson.cni.spec.RuntimeConfig.PortMapping;
import dev.keelson.linux.nft.KeptContexts;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * portmap's rules on nftables: DNAT from host ports to a container, one map lookup per packet.
 * Pure rule generation ({@link #rules}) is kept apart from applying it.
 *
 * <pre>
 * table inet keelson-portmap {
 *   map hostip4 { type ipv4_addr . inet_proto . inet_service : verdict }   hostIP given
 *   map hostip6 { type ipv6_addr . inet_proto . inet_service : verdict }
 *   map any4 { type inet_proto . inet_service : verdict }                  any local address
 *   map any6 { type inet_proto . inet_service : verdict }
 *   chain prerouting { type nat hook prerouting priority dstnat; fib daddr type local jump hostports }
 *   chain output { type nat hook output priority -100; fib daddr type local jump hostports }
 *   chain hostports { ip daddr . meta l4proto . th dport vmap @hostip4; …; meta nfproto ipv4 meta l4proto . th dport vmap @any4; … }
 *   chain masq-bitN { type nat hook postrouting priority srcnat; meta mark &amp; BIT == BIT masquerade }
 *   chain k-HASH(net, id) {
 *     ip saddr { POD, 127.0.0.1 } tcp dport 8080 meta mark set meta mark | BIT   (snat: hairpin, localhost)
 *     meta nfproto ipv4 tcp dport 8080 dnat ip to POD:80   comment "key any4 tcp . 8080"
 *   }
 * }
 * </pre>
 * Like the reference, the host-side identity is (network name, container ID); DEL needs nothing
 * else.
 */
final class PortmapRules {
    static final String TABLE = "keelson-portmap";
    private static final String BASE = """
            add table inet keelson-portmap { comment "host ports of Keelson CNI containers (portmap)"; }
            add map inet keelson-portmap hostip4 { type ipv4_addr . inet_proto . inet_service : verdict; }
            add map inet keelson-portmap hostip6 { type ipv6_addr . inet_proto . inet_service : verdict; }
            add map inet keelson-portmap any4 { type inet_proto . inet_service : verdict; }
            add map inet keelson-portmap any6 { type inet_proto . inet_service : verdict; }
            add chain inet keelson-portmap hostports
            flush chain inet keelson-portmap hostports
            add rule inet keelson-portmap hostports ip daddr . meta l4proto . th dport vmap @hostip4
            add rule inet keelson-portmap hostports ip6 daddr . meta l4proto . th dport vmap @hostip6
            add rule inet keelson-portmap hostports meta nfproto ipv4 meta l4proto . th dport vmap @any4
            add rule inet keelson-portmap hostports meta nfproto ipv6 meta l4proto . th dport vmap @any6
            add chain inet keelson-portmap prerouting { type nat hook prerouting priority dstnat; policy accept; }
            flush chain inet keelson-portmap prerouting
            add rule inet keelson-portmap prerouting fib daddr type local jump hostports
            add chain inet keelson-portmap output { type nat hook output priority -100; policy accept; }
            flush chain inet keelson-portmap output
            add rule inet keelson-portmap output fib daddr type local jump hostports
            """;
    static final ContainerChains CHAINS = new ContainerChains("inet", TABLE, BASE, List.of());

    private PortmapRules() {
    }

    static String chainOf(String network, String containerId) {
        return ContainerChains.chainName("portmap", network, containerId);
    }

    /** The container chain's rules for the mappings and the container's addresses (one per family at most). */
    static List<Rule> rules(PortmapConfig cfg, List<String> podAddresses) {
        String bit = "0x" + Integer.toHexString(1 << cfg.markMasqBit());
        List<Rule> rules = new ArrayList<>();
        for (PortMapping m : cfg.mappings()) {
            for (String a : podAddresses) {
                Prefix pod = Prefix.parse(a);
                boolean v4 = pod.isIpv4();
                String f = pod.nftFamily();
                String daddr = "";
                Element e;
                if (!m.hostIP().isEmpty()) {
                    InetAddress h = InetAddress.ofLiteral(m.hostIP());
                    if ((h instanceof Inet4Address) != v4) {
                        continue;
                    }
                    daddr = f + " daddr " + h.getHostAddress() + " ";
                    e = new Element(v4 ? "hostip4" : "hostip6",
                            h.getHostAddress() + " . " + m.protocol() + " . " + m.hostPort());
                } else {
                    e = new Element(v4 ? "any4" : "any6", m.protocol() + " . " + m.hostPort());
                }
                String match = "meta nfproto " + (v4 ? "ipv4" : "ipv6") + " " + daddr + m.protocol() + " dport " + m.hostPort();
                if (cfg.snat()) {
                    rules.add(Rule.of(match + " " + f + " saddr { " + pod.host() + ", " + (v4 ? "127.0.0.1" : "::1")
                            + " } meta mark set meta mark | " + bit));
                }
                String to = v4 ? pod.host() + ":" + m.containerPort() : "[" + pod.host() + "]:" + m.containerPort();
                rules.add(new Rule(match + " dnat " + f + " to " + to, e));
            }
        }
        return rules;
    }

    /** The postrouting chain that masquerades marked packets, one per mark bit in use. */
    static String masqueradeChain(int markBit) {
        String bit = "0x" + Integer.toHexString(1 << markBit);
        String chain = "masq-bit" + markBit;
        return "add chain inet " + TABLE + " " + chain + " { type nat hook postrouting priority srcnat; policy accept; }\n"
                + "flush chain inet " + TABLE + " " + chain + "\n"
                + "add rule inet " + TABLE + " " + chain + " meta mark & " + bit + " == " + bit + " masquerade\n";
    }

    static void apply(String network, String containerId, PortmapConfig cfg, List<String> podAddresses) {
        List<Rule> rules = rules(cfg, podAddresses);
        String chain = chainOf(network, containerId);
        // The masquerade chain is base too: sent with the table once per context, not per ADD.
        String extraBase = cfg.snat() ? masqueradeChain(cfg.markMasqBit()) : "";
        KeptContexts.inCurrentNetns(nft -> {
            CHAINS.attach(nft, chain, "keelson portmap net=" + network + " id=" + containerId, rules, extraBase);
            return null;
        });
    }

    /**
     * GC: removes the host ports of every container of {@code network} whose ID is not among
     * {@code validContainerIds}.
     *
     * @return the names of the removed chains
     */
    static List<String> gc(String network, Collection<String> validContainerIds) {
        Set<String> keep = new HashSet<>();
        validContainerIds.forEach(id -> keep.add(chainOf(network, id)));
        return KeptContexts.inCurrentNetns(nft -> CHAINS.gc(nft, network, keep));
    }

    static boolean remove(String network, String containerId) {
        String chain = chainOf(network, containerId);
        return KeptContexts.inCurrentNetns(nft -> CHAINS.detach(nft, chain));
    }

    static List<Element> present(String network, String containerId) {
        String chain = chainOf(network, containerId);
        return KeptContexts.inCurrentNetns(nft -> CHAINS.recordedElements(nft, chain));
    }

    static List<Element> expected(PortmapConfig cfg, List<String> podAddresses) {
        return rules(cfg, podAddresses).stream().map(Rule::element).filter(java.util.Objects::nonNull).toList();
    }
}
