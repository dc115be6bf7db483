package dev.keelson.linux.netfilter;

import static dev.keelson.linux.netlink.Netlink.NLM_F_ACK;
import static dev.keelson.linux.netlink.Netlink.NLM_F_CREATE;
import static dev.keelson.linux.netlink.Netlink.NLM_F_REQUEST;

import dev.keelson.linux.NotFoundException;
import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NetlinkSocket;
import dev.keelson.linux.netlink.NlMsg;
import java.util.ArrayList;
import java.util.List;

/**
 * nf_tables transactions written directly as netlink batches (linux/netfilter/nf_tables.h), for the
 * hot path where libnftables' per-command cache refresh dominates: adding and deleting verdict-map
 * and set elements, and creating chains. A batch is one kernel transaction, as with libnftables:
 *
 * <pre>
 *  NFNL_MSG_BATCH_BEGIN (res_id NFNL_SUBSYS_NFTABLES)
 *  NFT_MSG_NEWSETELEM / NFT_MSG_DELSETELEM / NFT_MSG_NEWCHAIN …   (each NLM_F_ACK)
 *  NFNL_MSG_BATCH_END                                            → commit, or abort on any error
 * </pre>
 *
 * It covers what the proxy's per-change path needs (see iptables/README.md): set and map elements
 * with concatenated keys, verdict or data values, regular chains, and the few rules libnftables
 * cannot linearize ({@link NftRule}). Elements with data values are
 * the cheap case: an element with a jump/goto verdict makes the kernel re-validate every chain
 * reachable from the base chains at commit (NFT_VALIDATE_NEED), which grows with the table.
 */
public final class NftBatch implements AutoCloseable {
    // enum nf_tables_msg_types
    static final int NFT_MSG_NEWTABLE = 0;
    static final int NFT_MSG_GETTABLE = 1;
    static final int NFT_MSG_NEWCHAIN = 3;
    static final int NFT_MSG_NEWRULE = 6;
    static final int NFT_MSG_NEWSETELEM = 12;
    static final int NFT_MSG_GETSETELEM = 13;
    static final int NFT_MSG_DELSETELEM = 14;
    /** Like DELSETELEM, but an element that is already gone is no error (kernel 6.3+). */
    static final int NFT_MSG_DESTROYSETELEM = 30;
    // enum nft_chain_attributes
    static final int NFTA_TABLE_NAME = 1;
    static final int NFTA_TABLE_FLAGS = 2;
    static final int NFT_TABLE_F_DORMANT = 1;
    /**
     * Elements per NEWSETELEM message are capped so the nested element list stays below the 64 KiB an
     * attribute length (u16) can describe; a large load is several messages in the same batch.
     */
    static final int ELEMENT_LIST_BYTES = 60 * 1024;
    static final int NFTA_RULE_TABLE = 1;
    static final int NFTA_RULE_CHAIN = 2;
    static final int NFTA_RULE_EXPRESSIONS = 4;
    static final int NFTA_CHAIN_TABLE = 1;
    static final int NFTA_CHAIN_NAME = 3;
    // enum nft_set_elem_list_attributes / nft_set_elem_attributes / nft_list_attributes
    static final int NFTA_SET_ELEM_LIST_TABLE = 1;
    static final int NFTA_SET_ELEM_LIST_SET = 2;
    static final int NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    static final int NFTA_LIST_ELEM = 1;
    static final int NFTA_SET_ELEM_KEY = 1;
    static final int NFTA_SET_ELEM_DATA = 2;
    // enum nft_data_attributes / nft_verdict_attributes
    static final int NFTA_DATA_VALUE = 1;
    static final int NFTA_DATA_VERDICT = 2;
    static final int NFTA_VERDICT_CODE = 1;
    static final int NFTA_VERDICT_CHAIN = 2;

    /** Verdict codes (enum nft_verdicts; NF_DROP is 0). */
    public static final int NF_DROP = 0;
    public static final int NF_ACCEPT = 1;
    public static final int NFT_JUMP = -3;
    public static final int NFT_GOTO = -4;

    /**
     * A map or set element: the key as the kernel stores it, and at most one of a verdict (verdict
     * maps) or a data value (data maps, in the kernel's concatenated form like the key).
     */
    public record Element(byte[] key, Verdict verdict, byte[] data) {
        public Element {
            if (verdict != null && data != null) {
                throw new IllegalArgumentException("an element carries a verdict or a data value, not both");
            }
        }

        /** A set element, or a map element with a verdict. */
        public Element(byte[] key, Verdict verdict) {
            this(key, verdict, null);
        }

        /** A data-map element: {@code key : data}. */
        public static Element value(byte[] key, byte[] data) {
            return new Element(key, null, data);
        }
    }

    /** A verdict: a code and, for jump/goto, the target chain. */
    public record Verdict(int code, String chain) {
        /** {@code goto CHAIN}. */
        public static Verdict goTo(String chain) {
            return new Verdict(NFT_GOTO, chain);
        }
    }

    private final NetlinkSocket socket;
    private final int family;
    private final String table;
    private MessageWriter w;

    private NftBatch(NetlinkSocket socket, int family, String table) {
        this.socket = socket;
        this.family = family;
        this.table = table;
    }

    /** Opens a NETLINK_NETFILTER socket in the calling thread's namespace for {@code table} of {@code family}. */
    public static NftBatch open(int family, String table) {
        return new NftBatch(NetlinkSocket.open(Netlink.NETLINK_NETFILTER), family, table);
    }

    /** Starts a transaction. */
    public NftBatch begin() {
        w = socket.writer();
        int m = w.begin(NfGenMsg.MSG_BATCH_BEGIN, NLM_F_REQUEST);
        NfGenMsg.write(w, 0, NfGenMsg.SUBSYS_NFTABLES);
        w.end(m);
        return this;
    }

    /**
     * Adds (or, with {@code add} false, deletes) {@code elements} of {@code set}, in as many messages
     * as their size needs (see {@link #ELEMENT_LIST_BYTES}).
     */
    public NftBatch elements(boolean add, String set, List<Element> elements) {
        int type = add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM;
        int m = -1;
        int list = -1;
        for (Element e : elements) {
            if (m >= 0 && w.length() - list > ELEMENT_LIST_BYTES) {
                w.endNested(list);
                w.end(m);
                m = -1;
            }
            if (m < 0) {
                m = w.begin(NfGenMsg.type(NfGenMsg.SUBSYS_NFTABLES, type), NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE : 0));
                NfGenMsg.write(w, family, 0);
                w.putString(NFTA_SET_ELEM_LIST_TABLE, table);
                w.putString(NFTA_SET_ELEM_LIST_SET, set);
                list = w.beginNested(NFTA_SET_ELEM_LIST_ELEMENTS);
            }
            element(add, e);
        }
        if (m >= 0) {
            w.endNested(list);
            w.end(m);
        }
        return this;
    }

    private void element(boolean add, Element e) {
        int el = w.beginNested(NFTA_LIST_ELEM);
        int k = w.beginNested(NFTA_SET_ELEM_KEY);
        w.putBytes(NFTA_DATA_VALUE, e.key());
        w.endNested(k);
        if (add && e.data() != null) {
            // Data values carry no verdict: the kernel does not re-validate the table's chains for them.
            int d = w.beginNested(NFTA_SET_ELEM_DATA);
            w.putBytes(NFTA_DATA_VALUE, e.data());
            w.endNested(d);
        } else if (add && e.verdict() != null) {
            int d = w.beginNested(NFTA_SET_ELEM_DATA);
            int v = w.beginNested(NFTA_DATA_VERDICT);
            w.putU32be(NFTA_VERDICT_CODE, e.verdict().code());
            if (e.verdict().chain() != null) {
                w.putString(NFTA_VERDICT_CHAIN, e.verdict().chain());
            }
            w.endNested(v);
            w.endNested(d);
        }
        w.endNested(el);
    }

    /**
     * Deletes the elements with these keys from {@code set}, ignoring keys that are no longer there
     * (an entry of a timeout set may expire between a dump and this batch).
     */
    public NftBatch destroyElements(String set, List<byte[]> keys) {
        int m = -1;
        int list = -1;
        for (byte[] key : keys) {
            if (m >= 0 && w.length() - list > ELEMENT_LIST_BYTES) {
                w.endNested(list);
                w.end(m);
                m = -1;
            }
            if (m < 0) {
                m = w.begin(NfGenMsg.type(NfGenMsg.SUBSYS_NFTABLES, NFT_MSG_DESTROYSETELEM), NLM_F_REQUEST | NLM_F_ACK);
                NfGenMsg.write(w, family, 0);
                w.putString(NFTA_SET_ELEM_LIST_TABLE, table);
                w.putString(NFTA_SET_ELEM_LIST_SET, set);
                list = w.beginNested(NFTA_SET_ELEM_LIST_ELEMENTS);
            }
            element(false, new Element(key, null));
        }
        if (m >= 0) {
            w.endNested(list);
            w.end(m);
        }
        return this;
    }

    /**
     * Every element of {@code set} (one NFT_MSG_GETSETELEM dump; outside a transaction): key and
     * data bytes ({@code data} null for a plain set or a verdict).
     */
    public List<Element> dumpElements(String set) {
        if (w != null) {
            throw new IllegalStateException("dumpElements() inside a transaction");
        }
        MessageWriter q = socket.writer();
        int m = q.begin(NfGenMsg.type(NfGenMsg.SUBSYS_NFTABLES, NFT_MSG_GETSETELEM), NLM_F_REQUEST | Netlink.NLM_F_DUMP);
        NfGenMsg.write(q, family, 0);
        q.putString(NFTA_SET_ELEM_LIST_TABLE, table);
        q.putString(NFTA_SET_ELEM_LIST_SET, set);
        q.end(m);
        List<Element> out = new ArrayList<>();
        AttrCursor top = new AttrCursor();
        AttrCursor list = new AttrCursor();
        AttrCursor elem = new AttrCursor();
        AttrCursor value = new AttrCursor();
        socket.dump(q, "nf_tables get elements of " + set, new NetlinkSocket.DumpHandler() {
            @Override
            public void message(NlMsg msg) {
                msg.attributes(NfGenMsg.SIZE, top);
                if (!top.find(NFTA_SET_ELEM_LIST_ELEMENTS)) {
                    return;
                }
                top.nested(list);
                while (list.next()) {
                    byte[] key = null;
                    byte[] data = null;
                    list.nested(elem);
                    while (elem.next()) {
                        if (elem.type() == NFTA_SET_ELEM_KEY || elem.type() == NFTA_SET_ELEM_DATA) {
                            elem.nested(value);
                            if (value.find(NFTA_DATA_VALUE)) {
                                if (elem.type() == NFTA_SET_ELEM_KEY) {
                                    key = value.bytes();
                                } else {
                                    data = value.bytes();
                                }
                            }
                        }
                    }
                    if (key != null) {
                        out.add(new Element(key, null, data));
                    }
                }
            }

            @Override
            public void restart() {
                out.clear();
            }
        });
        return out;
    }

    /**
     * Sets the table's flags to {@code dormant} or not. Waking a dormant table registers its base
     * chains' hooks when the batch commits, so everything else in the batch becomes visible at once.
     */
    public NftBatch tableDormant(boolean dormant) {
        int m = w.begin(NfGenMsg.type(NfGenMsg.SUBSYS_NFTABLES, NFT_MSG_NEWTABLE), NLM_F_REQUEST | NLM_F_ACK);
        NfGenMsg.write(w, family, 0);
        w.putString(NFTA_TABLE_NAME, table);
        w.putU32be(NFTA_TABLE_FLAGS, dormant ? NFT_TABLE_F_DORMANT : 0);
        w.end(m);
        return this;
    }

    /** Whether the table exists (one NFT_MSG_GETTABLE; outside a transaction). */
    public boolean tableExists() {
        if (w != null) {
            throw new IllegalStateException("tableExists() inside a transaction");
        }
        MessageWriter q = socket.writer();
        int m = q.begin(NfGenMsg.type(NfGenMsg.SUBSYS_NFTABLES, NFT_MSG_GETTABLE), NLM_F_REQUEST | NLM_F_ACK);
        NfGenMsg.write(q, family, 0);
        q.putString(NFTA_TABLE_NAME, table);
        q.end(m);
        try {
            socket.execute(q, "nf_tables get table", "table " + table, reply -> { });
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Creates a regular chain (no hook). */
    public NftBatch newChain(String name) {
        int m = w.begin(NfGenMsg.type(NfGenMsg.SUBSYS_NFTABLES, NFT_MSG_NEWCHAIN), NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE);
        NfGenMsg.write(w, family, 0);
        w.putString(NFTA_CHAIN_TABLE, table);
        w.putString(NFTA_CHAIN_NAME, name);
        w.end(m);
        return this;
    }

    /** Appends {@code rule} to {@code chain}. */
    public NftBatch newRule(String chain, NftRule rule) {
        if (rule.size() == 0) {
            throw new IllegalArgumentException("a rule without expressions");
        }
        int m = w.begin(NfGenMsg.type(NfGenMsg.SUBSYS_NFTABLES, NFT_MSG_NEWRULE),
                NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | Netlink.NLM_F_APPEND);
        NfGenMsg.write(w, family, 0);
        w.putString(NFTA_RULE_TABLE, table);
        w.putString(NFTA_RULE_CHAIN, chain);
        int list = w.beginNested(NFTA_RULE_EXPRESSIONS);
        rule.write(w);
        w.endNested(list);
        w.end(m);
        return this;
    }

    /**
     * Ends and sends the transaction; returns once the kernel acknowledged every message.
     *
     * @throws dev.keelson.linux.ErrnoException the first error; the kernel then applied nothing
     */
    public void commit() {
        int m = w.begin(NfGenMsg.MSG_BATCH_END, NLM_F_REQUEST);
        NfGenMsg.write(w, 0, NfGenMsg.SUBSYS_NFTABLES);
        w.end(m);
        MessageWriter batch = w;
        w = null;
        socket.execute(batch, "nf_tables batch", "table " + table);
    }

    /** Whether a transaction is open (between {@link #begin()} and {@link #commit()}). */
    public boolean inTransaction() {
        return w != null;
    }

    /**
     * The kernel's form of a concatenated key: each component padded to 4 bytes
     * (NFT_REG32_SIZE), e.g. {@code ipv4_addr . inet_proto . inet_service} is 12 bytes.
     */
    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += Netlink.align(p.length);
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += Netlink.align(p.length);
        }
        return out;
    }

    @Override
    public void close() {
        socket.close();
    }
}
