package dev.keelson.linux.netfilter;

import dev.keelson.linux.netlink.MessageWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The expressions of one nf_tables rule, as {@link NftBatch#newRule} writes them
 * (linux/netfilter/nf_tables.h). It covers the expressions the proxy needs for rules that
 * libnftables cannot linearize itself: loads from {@code meta}, {@code ct} and the packet into
 * registers, {@code cmp}, set {@code lookup} and {@code dynset} (a set or map update from the
 * packet path).
 *
 * <p>Registers are the 32-bit ones ({@link #reg32}); a value longer than 4 bytes takes as many
 * consecutive registers as it needs (an IPv6 address four), and a concatenation is its parts in
 * consecutive registers, each padded to 4 bytes, as sets store concatenated keys.
 */
public final class NftRule {
    static final int NFTA_EXPR_NAME = 1;
    static final int NFTA_EXPR_DATA = 2;

    // enum nft_meta_keys, nft_meta_attributes
    /** {@code meta nfproto}: the packet's family (NFPROTO_IPV4 2, NFPROTO_IPV6 10), one byte. */
    public static final int META_NFPROTO = 15;
    /** {@code meta l4proto}: the transport protocol number, one byte. */
    public static final int META_L4PROTO = 16;
    static final int NFTA_META_DREG = 1;
    static final int NFTA_META_KEY = 2;

    // enum nft_ct_keys, nft_ct_attributes
    /** {@code ct … proto-dst}: the transport destination port, two bytes in network order. */
    public static final int CT_PROTO_DST = 12;
    /** {@code ct … ip daddr}: four bytes. */
    public static final int CT_DST_IP = 20;
    /** {@code ct … ip6 daddr}: sixteen bytes. */
    public static final int CT_DST_IP6 = 22;
    static final int NFTA_CT_DREG = 1;
    static final int NFTA_CT_KEY = 2;
    static final int NFTA_CT_DIRECTION = 3;
    static final int IP_CT_DIR_ORIGINAL = 0;

    // enum nft_payload_bases, nft_payload_attributes
    public static final int PAYLOAD_NETWORK = 1;
    public static final int PAYLOAD_TRANSPORT = 2;
    static final int NFTA_PAYLOAD_DREG = 1;
    static final int NFTA_PAYLOAD_BASE = 2;
    static final int NFTA_PAYLOAD_OFFSET = 3;
    static final int NFTA_PAYLOAD_LEN = 4;

    // nft_cmp_attributes, nft_lookup_attributes, nft_dynset_attributes
    static final int NFTA_CMP_SREG = 1;
    static final int NFTA_CMP_OP = 2;
    static final int NFTA_CMP_DATA = 3;
    static final int NFT_CMP_EQ = 0;
    static final int NFTA_LOOKUP_SET = 1;
    static final int NFTA_LOOKUP_SREG = 2;
    static final int NFTA_DYNSET_SET_NAME = 1;
    static final int NFTA_DYNSET_OP = 3;
    static final int NFTA_DYNSET_SREG_KEY = 4;
    static final int NFTA_DYNSET_SREG_DATA = 5;
    static final int NFTA_DYNSET_TIMEOUT = 6;
    static final int NFT_DYNSET_OP_UPDATE = 1;

    /** NFT_REG32_00: the first of the sixteen 32-bit registers. */
    private static final int NFT_REG32_00 = 8;
    private static final int NFT_REG32_COUNT = 16;

    private final List<Consumer<MessageWriter>> expressions = new ArrayList<>();

    /** The 32-bit register {@code i} (0..15), as the kernel numbers it. */
    public static int reg32(int i) {
        if (i < 0 || i >= NFT_REG32_COUNT) {
            throw new IllegalArgumentException("no 32-bit register " + i + " (0..15)");
        }
        return NFT_REG32_00 + i;
    }

    /** {@code meta KEY} into {@code dreg}. */
    public NftRule meta(int key, int dreg) {
        return add("meta", w -> {
            w.putU32be(NFTA_META_DREG, dreg);
            w.putU32be(NFTA_META_KEY, key);
        });
    }

    /** {@code ct original KEY} into {@code dreg}. */
    public NftRule ctOriginal(int key, int dreg) {
        return add("ct", w -> {
            w.putU32be(NFTA_CT_DREG, dreg);
            w.putU32be(NFTA_CT_KEY, key);
            w.putU8(NFTA_CT_DIRECTION, IP_CT_DIR_ORIGINAL);
        });
    }

    /** {@code len} bytes at {@code offset} from the header {@code base} into {@code dreg}. */
    public NftRule payload(int base, int offset, int len, int dreg) {
        return add("payload", w -> {
            w.putU32be(NFTA_PAYLOAD_DREG, dreg);
            w.putU32be(NFTA_PAYLOAD_BASE, base);
            w.putU32be(NFTA_PAYLOAD_OFFSET, offset);
            w.putU32be(NFTA_PAYLOAD_LEN, len);
        });
    }

    /** Ends the rule unless the register {@code sreg} holds {@code value}. */
    public NftRule cmpEq(int sreg, byte[] value) {
        byte[] v = value.clone();
        return add("cmp", w -> {
            w.putU32be(NFTA_CMP_SREG, sreg);
            w.putU32be(NFTA_CMP_OP, NFT_CMP_EQ);
            int d = w.beginNested(NFTA_CMP_DATA);
            w.putBytes(NftBatch.NFTA_DATA_VALUE, v);
            w.endNested(d);
        });
    }

    /** Ends the rule unless the key starting at {@code sreg} is in {@code set}. */
    public NftRule lookup(String set, int sreg) {
        return add("lookup", w -> {
            w.putString(NFTA_LOOKUP_SET, set);
            w.putU32be(NFTA_LOOKUP_SREG, sreg);
        });
    }

    /**
     * {@code update @SET { KEY timeout T : DATA }}: adds the element, or refreshes its timeout,
     * with the key starting at {@code keyReg} and the data at {@code dataReg}.
     */
    public NftRule update(String set, int keyReg, int dataReg, long timeoutMillis) {
        return add("dynset", w -> {
            w.putString(NFTA_DYNSET_SET_NAME, set);
            w.putU32be(NFTA_DYNSET_OP, NFT_DYNSET_OP_UPDATE);
            w.putU32be(NFTA_DYNSET_SREG_KEY, keyReg);
            w.putU32be(NFTA_DYNSET_SREG_DATA, dataReg);
            w.putU64be(NFTA_DYNSET_TIMEOUT, timeoutMillis);
        });
    }

    private NftRule add(String name, Consumer<MessageWriter> data) {
        expressions.add(w -> {
            int e = w.beginNested(NftBatch.NFTA_LIST_ELEM);
            w.putString(NFTA_EXPR_NAME, name);
            int d = w.beginNested(NFTA_EXPR_DATA);
            data.accept(w);
            w.endNested(d);
            w.endNested(e);
        });
        return this;
    }

    /** Writes the expression list (the contents of NFTA_RULE_EXPRESSIONS). */
    void write(MessageWriter w) {
        expressions.forEach(e -> e.accept(w));
    }

    /** How many expressions the rule has. */
    public int size() {
        return expressions.size();
    }
}
