package dev.keelson.proxy.nft;

import dev.keelson.linux.netfilter.NftRule;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/**
 * The IPv6 rules of {@code affinity-record}, built as nf_tables expressions because libnftables
 * 1.0.6 cannot build them: it aborts ({@code netlink_linearize.c: dreg < ctx->reg_low}) on any
 * {@code update} whose concatenated key holds two IPv6 addresses, although key (36 bytes) and data
 * (20 bytes) fit the kernel's sixteen 32-bit registers. These are the expressions nft emits for
 * the IPv4 rule, with IPv6 loads, so {@code nft list} prints them as the rule text
 * ({@link NftTable#affinityRule}):
 *
 * <pre>
 *  meta l4proto → r0 ; cmp r0 == PROTO
 *  ct original ip6 daddr → r0..r3 ; meta l4proto → r4 ; ct original proto-dst → r5
 *  lookup r0 @affinity6-T                                   (the frontend has affinity T)
 *    (node ports: first meta l4proto → r0, ct original proto-dst → r1, lookup r0
 *     @affinity-nodeports6-T; then the frontend is looked up in @nodeport-frontends6)
 *  meta nfproto → r0 ; cmp r0 == NFPROTO_IPV6               (nft's dependency for ip6 saddr)
 *  ip6 saddr → r0..r3 ; ct original ip6 daddr → r4..r7 ; ct original proto-dst → r8   (key)
 *  ip6 daddr → r9..r12 ; th dport → r13                                              (data)
 *  dynset update @affinity6 key r0 data r9 timeout T
 * </pre>
 */
public final class AffinityRecord6 {
    private static final int NFPROTO_IPV6 = 10;
    /** Offsets in the IPv6 header and in the TCP/UDP/SCTP header. */
    private static final int IP6_SADDR = 8;
    private static final int IP6_DADDR = 24;
    private static final int TH_DPORT = 2;

    private AffinityRecord6() {
    }

    /**
     * One rule of the timeout {@code seconds} for {@code proto}: for addressed frontends, or for node
     * ports (which first check the node port, {@code meta l4proto . ct original proto-dst} in r0..r1,
     * and look the frontend up in {@code nodeport-frontends6} instead).
     */
    static NftRule rule(int seconds, Protocol proto, boolean nodePort) {
        NftRule r = new NftRule();
        r.meta(NftRule.META_L4PROTO, reg(0)).cmpEq(reg(0), new byte[]{(byte) proto.number()});
        if (nodePort) {
            r.meta(NftRule.META_L4PROTO, reg(0)).ctOriginal(NftRule.CT_PROTO_DST, reg(1));
            r.lookup(NftTable.affinityNodePortSet(Family.V6, seconds), reg(0));
        }
        r.ctOriginal(NftRule.CT_DST_IP6, reg(0)).meta(NftRule.META_L4PROTO, reg(4)).ctOriginal(NftRule.CT_PROTO_DST, reg(5));
        r.lookup(nodePort ? NftTable.NODEPORT_FRONTENDS + Family.V6.suffix() : NftTable.affinitySet(Family.V6, seconds), reg(0));
        r.meta(NftRule.META_NFPROTO, reg(0)).cmpEq(reg(0), new byte[]{NFPROTO_IPV6});
        r.payload(NftRule.PAYLOAD_NETWORK, IP6_SADDR, 16, reg(0));
        r.ctOriginal(NftRule.CT_DST_IP6, reg(4));
        r.ctOriginal(NftRule.CT_PROTO_DST, reg(8));
        r.payload(NftRule.PAYLOAD_NETWORK, IP6_DADDR, 16, reg(9));
        r.payload(NftRule.PAYLOAD_TRANSPORT, TH_DPORT, 2, reg(13));
        r.update(NftTable.AFFINITY + Family.V6.suffix(), reg(0), reg(9), seconds * 1000L);
        return r;
    }

    /** A rule to write, and its text. */
    public record Rule(NftRule expressions, String text) {
    }

    /** Every IPv6 recording rule for the timeouts in use ("V6/10800"), in chain order. */
    public static List<Rule> rules(SortedSet<String> affinityTimes) {
        List<Rule> out = new ArrayList<>();
        for (String key : affinityTimes) {
            NftTable.AffinityTime t = NftTable.AffinityTime.of(key);
            if (t.family() == Family.V6) {
                int seconds = t.seconds();
                for (boolean nodePort : new boolean[]{false, true}) {
                    for (Protocol proto : Protocol.values()) {
                        out.add(new Rule(rule(seconds, proto, nodePort), NftTable.affinityRule(Family.V6, seconds, proto, nodePort)));
                    }
                }
            }
        }
        return out;
    }

    /**
     * How a script shows rules it does not carry: as comments, since libnftables (and {@code nft -f})
     * would abort on them.
     */
    static String comment(List<Rule> rules) {
        StringBuilder sb = new StringBuilder();
        rules.forEach(r -> sb.append("# netlink: add rule inet ").append(NftTable.TABLE).append(' ')
                .append(NftTable.AFFINITY_RECORD).append(' ').append(r.text()).append('\n'));
        return sb.toString();
    }

    private static int reg(int i) {
        return NftRule.reg32(i);
    }
}
