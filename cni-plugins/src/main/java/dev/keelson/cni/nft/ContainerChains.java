package dev.keelson.cni.nft;

import dev.keelson.linux.nft.Nftables;
import dev.keelson.linux.nft.NftablesException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The nftables layout Keelson's CNI rules share: one Keelson-owned table per purpose, whose base
 * chain dispatches packets through verdict maps to one chain per container attachment.
 *
 * <pre>
 *   table FAMILY NAME
 *     map M { type KEY : verdict }          elements  KEY : goto k-HASH
 *     chain base { hook …; … vmap @M }      the same for every container (sent once per context)
 *     chain k-HASH {                         one per (network, container ID, ifname)
 *       comment "keelson net=… id=… if=…"
 *       … rule … comment "key M KEY"        every element pointing here is named by a rule comment
 *     }
 * </pre>
 *
 * <p>So a packet costs one map lookup however many containers there are, ADD is one transaction,
 * and DEL needs only the attachment's identity: the chain name is a hash of it, the chain's
 * comments say which map elements point at it, and DEL removes those elements (only if they still
 * point at this chain) and the chain in one transaction. Nothing is read from the netns or a
 * prevResult, and a second DEL finds no chain and does nothing.
 */
public final class ContainerChains {
    private static final Pattern KEY_COMMENT = Pattern.compile("comment \"key (\\S+) ([^\"]+)\"");
    private static final int HASH_HEX = 20;
    /** A container chain's head in {@code list table} output: its name and its comment line. */
    private static final Pattern CHAIN_HEAD = Pattern.compile("\\tchain (k-[0-9a-f]+) \\{\\n\\t\\tcomment \"([^\"]*)\"");
    /** The network in a chain comment; the " id=" after it proves the name was not cut short. */
    private static final Pattern NET_FIELD = Pattern.compile(" net=(\\S+) id=");

    private final String family;
    private final String table;
    private final String baseCommands;
    private final List<String> quotedMaps;
    private final SentBase sent = new SentBase();

    /**
     * A layout.
     *
     * @param family nftables family of the table ({@code inet}, {@code bridge}, …)
     * @param table the table's name
     * @param baseCommands idempotent commands that create the table, its maps and base chains
     *     ({@code add} of an existing object is a no-op, base chains are flushed and refilled);
     *     sent with the first attach through each context, see {@link #attach}
     * @param quotedMaps maps whose keys are strings (ifname) and need quotes in element syntax
     */
    public ContainerChains(String family, String table, String baseCommands, List<String> quotedMaps) {
        this.family = family;
        this.table = table;
        this.baseCommands = baseCommands;
        this.quotedMaps = List.copyOf(quotedMaps);
    }

    /** A verdict-map element to point at a container's chain: the map's name and the key in nft syntax. */
    public record Element(String map, String key) {
    }

    /** A rule of a container's chain; {@code element}, when not null, is recorded in the rule's comment. */
    public record Rule(String text, Element element) {
        /** A rule that carries no element. */
        public static Rule of(String text) {
            return new Rule(text, null);
        }
    }

    /** {@code "k-"} and 20 hex digits of SHA-256 over the parts: short, stable, and free of characters nft dislikes. */
    public static String chainName(String... identity) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String part : identity) {
                md.update(part.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return "k-" + HexFormat.of().formatHex(md.digest()).substring(0, HASH_HEX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Text safe inside an nft double-quoted comment (at most 128 bytes, no quotes or backslashes). */
    public static String commentText(String s) {
        String t = s.replace('"', '\'').replace('\\', '/');
        return t.length() > 120 ? t.substring(0, 120) : t;
    }

    /** The table in nft syntax, e.g. {@code inet keelson-ipmasq}. */
    public String table() {
        return family + " " + table;
    }

    /**
     * Creates (or replaces) a container's chain with {@code rules} and points {@code elements} at
     * it, in one transaction. An element key already pointing at another chain (left by an
     * attachment whose DEL never ran) is taken over.
     *
     * <p>The base objects are sent with the first attach through a context and then no more: they
     * are idempotent but cost about 0.5 ms of parsing and kernel work per transaction, most of an
     * ADD's nftables time. If they have since been deleted behind our back ({@code nft flush
     * ruleset}, {@code delete table}), the container-only transaction fails with ENOENT (its chain
     * has no table, or its element no map), and it is retried once with the base. A rules-only
     * {@code nft flush table} leaves the objects in place and is not noticed here; {@link #gc}
     * always re-sends the base, so the next GC repairs it.
     *
     * @param extraBase more idempotent base commands this attach relies on (may be empty); they
     *     are sent once per context like the base
     */
    public void attach(Nftables nft, String chain, String comment, List<Rule> rules, String extraBase) {
        String t = table();
        StringBuilder b = new StringBuilder(512);
        b.append("add chain ").append(t).append(' ').append(chain)
                .append(" { comment \"").append(commentText(comment)).append("\"; }\n");
        b.append("flush chain ").append(t).append(' ').append(chain).append('\n');
        List<Element> elements = new ArrayList<>();
        for (Rule r : rules) {
            b.append("add rule ").append(t).append(' ').append(chain).append(' ').append(r.text());
            if (r.element() != null) {
                b.append(" comment \"key ").append(r.element().map()).append(' ').append(r.element().key()).append('"');
                elements.add(r.element());
            }
            b.append('\n');
        }
        String body = b.toString();
        String base = baseCommands + extraBase;
        boolean withBase = !sent.has(nft, base);
        try {
            attachOnce(nft, (withBase ? base : "") + body, chain, elements);
        } catch (NftablesException e) {
            if (withBase || !e.isNotFound()) {
                throw e;
            }
            sent.forget(nft);
            attachOnce(nft, base + body, chain, elements);
        }
        sent.remember(nft, base);
    }

    /** {@link #attach(Nftables, String, String, List, String)} with no extra base commands. */
    public void attach(Nftables nft, String chain, String comment, List<Rule> rules) {
        attach(nft, chain, comment, rules, "");
    }

    private void attachOnce(Nftables nft, String body, String chain, List<Element> elements) {
        String t = table();
        StringBuilder adds = new StringBuilder();
        for (Element e : elements) {
            adds.append("add element ").append(t).append(' ').append(e.map())
                    .append(" { ").append(keyText(e)).append(" : goto ").append(chain).append(" }\n");
        }
        try {
            nft.run(body + adds);
        } catch (NftablesException e) {
            if (!e.nftMessage().contains("File exists")) {
                throw e;
            }
            // A stale element maps one of our keys elsewhere. Adding, deleting and re-adding it in
            // one transaction is nft's idiom for "replace whatever is there" (nft 1.0.6 has no
            // "destroy"); still one atomic change.
            StringBuilder replace = new StringBuilder(body);
            for (Element el : elements) {
                String k = keyText(el);
                replace.append("delete element ").append(t).append(' ').append(el.map()).append(" { ").append(k).append(" }\n");
                replace.append("add element ").append(t).append(' ').append(el.map()).append(" { ").append(k)
                        .append(" : goto ").append(chain).append(" }\n");
            }
            nft.run(replace.toString());
        }
    }

    /**
     * GC: removes, with the elements that point at them, the container chains whose comment
     * names {@code network} and whose name is not in {@code keep} (the chain names of the valid
     * attachments). Chains of other networks, chains whose comment was cut short before the
     * network's end, and the base chains are left alone. The base objects are re-sent first, so
     * a table whose rules someone flushed works again afterwards.
     *
     * @return the names of the removed chains; empty when the table does not exist
     */
    public List<String> gc(Nftables nft, String network, Set<String> keep) {
        String listing;
        try {
            listing = nft.run("list table " + table());
        } catch (NftablesException e) {
            if (e.isNotFound()) {
                return List.of();
            }
            throw e;
        }
        nft.run(baseCommands);
        sent.remember(nft, baseCommands);
        List<String> removed = new ArrayList<>();
        for (String chain : chainsOf(listing, network)) {
            if (!keep.contains(chain) && detach(nft, chain)) {
                removed.add(chain);
            }
        }
        return removed;
    }

    /** The container chains ({@code k-…}) in a table listing whose comment says {@code net=network}. */
    static List<String> chainsOf(String listing, String network) {
        List<String> out = new ArrayList<>();
        Matcher m = CHAIN_HEAD.matcher(listing);
        while (m.find()) {
            Matcher net = NET_FIELD.matcher(m.group(2));
            if (net.find() && net.group(1).equals(network)) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** Forgets that the base was sent through {@code nft}, so the next attach sends it again (tests). */
    void forgetBase(Nftables nft) {
        sent.forget(nft);
    }

    /** Whether a container's chain exists (CHECK). */
    public boolean exists(Nftables nft, String chain) {
        return listing(nft, chain) != null;
    }

    /** The elements that the chain's rules record, in rule order; empty when the chain is absent. */
    public List<Element> recordedElements(Nftables nft, String chain) {
        String text = listing(nft, chain);
        return text == null ? List.of() : parseElements(text);
    }

    /**
     * Removes a container's chain and the map elements that point at it, in one transaction.
     * Elements whose key now points at another chain (the key was taken over) are left alone.
     *
     * @return whether there was anything to remove
     */
    public boolean detach(Nftables nft, String chain) {
        String text = listing(nft, chain);
        if (text == null) {
            return false;
        }
        String t = table();
        StringBuilder b = new StringBuilder(256);
        for (Element e : parseElements(text)) {
            if (pointsAt(nft, e, chain)) {
                b.append("delete element ").append(t).append(' ').append(e.map()).append(" { ").append(keyText(e)).append(" }\n");
            }
        }
        b.append("delete chain ").append(t).append(' ').append(chain).append('\n');
        try {
            nft.run(b.toString());
        } catch (NftablesException e) {
            if (!e.isNotFound()) {
                throw e;
            }
            return false; // a concurrent DEL won the race: nothing left to do
        }
        return true;
    }

    /** The chain's text listing, or null when the table or chain does not exist. */
    private String listing(Nftables nft, String chain) {
        try {
            return nft.run("list chain " + table() + " " + chain);
        } catch (NftablesException e) {
            if (e.isNotFound()) {
                return null;
            }
            throw e;
        }
    }

    private boolean pointsAt(Nftables nft, Element e, String chain) {
        try {
            String out = nft.run("get element " + table() + " " + e.map() + " { " + keyText(e) + " }");
            return out.contains("goto " + chain + " ") || out.contains("goto " + chain + "\n")
                    || out.contains("goto " + chain + ",");
        } catch (NftablesException ex) {
            if (ex.isNotFound()) {
                return false;
            }
            throw ex;
        }
    }

    private static List<Element> parseElements(String listing) {
        Map<String, Element> found = new LinkedHashMap<>();
        Matcher m = KEY_COMMENT.matcher(listing);
        while (m.find()) {
            Element e = new Element(m.group(1), m.group(2));
            found.putIfAbsent(e.map() + " " + e.key(), e);
        }
        return List.copyOf(found.values());
    }

    private String keyText(Element e) {
        return quotedMaps.contains(e.map()) ? "\"" + e.key() + "\"" : e.key();
    }
}
