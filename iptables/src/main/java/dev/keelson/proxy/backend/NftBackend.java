package dev.keelson.proxy.backend;

import dev.keelson.linux.netfilter.NfGenMsg;
import dev.keelson.linux.netfilter.NftBatch;
import dev.keelson.linux.nft.Nftables;
import dev.keelson.linux.nft.NftablesException;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.StateDiff;
import dev.keelson.proxy.nft.AffinityPurge;
import dev.keelson.proxy.nft.AffinityRecord6;
import dev.keelson.proxy.nft.NftDelta;
import dev.keelson.proxy.nft.NftElements;
import dev.keelson.proxy.nft.NftRenderer;
import dev.keelson.proxy.nft.NftTable;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Programs {@code table inet keelson} in-process through a kept libnftables context: no {@code nft}
 * process, and the context's netlink socket stays bound to the namespace it was opened in.
 *
 * <p>A full load over an existing table is one transaction that creates, deletes and re-creates
 * it ({@link NftRenderer#full}), so a table left by an earlier Keelson is adopted and replaced
 * without traffic ever seeing a half-built table. When there is no table yet (a node's first sync)
 * the load skips libnftables' parser for the elements: see {@link #full}.
 *
 * <p>Incremental syncs take one of two paths, chosen by what changed ({@link NftDelta#elementsOnly()}):
 * <ul>
 *   <li>elements only (the common case: a flat service port added or removed, its endpoints changed,
 *       the shared sets) — one raw nf_tables netlink batch ({@link NftBatch}). libnftables 1.0.6 would
 *       refetch its cache after the commit, a cost that grows with the table;</li>
 *   <li>anything touching chains, rules or sets — the nft script through libnftables.</li>
 * </ul>
 * Either path is one kernel transaction. See iptables/README.md for the figures.
 */
public final class NftBackend implements RuleBackend {
    private static final String TABLE = "inet " + NftTable.TABLE;

    private final Nftables nft;
    private final NftBatch batch;
    private boolean needsFull = true;

    private NftBackend(Nftables nft, NftBatch batch) {
        this.nft = nft;
        this.batch = batch;
    }

    /**
     * Opens a backend for the calling thread's network namespace (run it inside
     * {@code NetNamespace.run} to program another one).
     *
     * @throws dev.keelson.linux.nft.NftablesUnavailableException without libnftables or nf_tables
     */
    public static NftBackend open() {
        Nftables nft = Nftables.open();
        try {
            return new NftBackend(nft, NftBatch.open(NfGenMsg.NFPROTO_INET, NftTable.TABLE));
        } catch (RuntimeException e) {
            nft.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "nftables";
    }

    @Override
    public Applied full(CompiledState state) {
        if (!tableExists()) {
            return loadNew(state);
        }
        String script = NftRenderer.full(state);
        long t0 = System.nanoTime();
        run(script, "full load");
        appendRecord6(AffinityRecord6.rules(state.affinityTimes()), "full load");
        needsFull = false;
        return new Applied("full", script, System.nanoTime() - t0);
    }

    private boolean tableExists() {
        try {
            return batch.tableExists();
        } catch (RuntimeException e) {
            needsFull = true;
            throw new BackendException("nftables: cannot read table " + TABLE + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads a table that does not exist yet in two transactions, neither visible to traffic until the
     * second commits: libnftables creates it {@code dormant} with its chains, rules and empty sets
     * (a few hundred lines to parse instead of every element), then one netlink batch adds every
     * element and wakes the table. If the second is refused the table stays dormant, forwarding
     * nothing, as before it existed, and the next full sync replaces it.
     */
    private Applied loadNew(CompiledState state) {
        NftRenderer.DormantLoad load = NftRenderer.dormant(state);
        String skeleton = load.skeleton();
        SortedMap<String, SortedMap<String, String>> elements = load.elements();
        long t0 = System.nanoTime();
        run(skeleton, "full load");
        needsFull = true;
        try {
            List<Map.Entry<String, List<NftBatch.Element>>> encoded = elements.entrySet().parallelStream()
                    .map(e -> Map.entry(e.getKey(), NftElements.encode(e.getKey(), e.getValue()))).toList();
            batch.begin();
            encoded.forEach(e -> batch.elements(true, e.getKey(), e.getValue()));
            AffinityRecord6.rules(state.affinityTimes()).forEach(r -> batch.newRule(NftTable.AFFINITY_RECORD, r.expressions()));
            batch.tableDormant(false);
            batch.commit();
        } catch (RuntimeException e) {
            throw new BackendException("nftables full load of table " + TABLE
                    + " refused; the table stays dormant until the next full sync: " + e.getMessage(), e);
        }
        needsFull = false;
        StringBuilder sent = new StringBuilder(skeleton);
        elements.forEach((m, e) -> sent.append("add element ").append(TABLE).append(' ').append(m).append(" { ")
                .append(e.size()).append(" elements, netlink }\n"));
        sent.append("add table ").append(TABLE).append(" { flags 0; }  # wake, same netlink batch\n");
        return new Applied("full", sent.toString(), System.nanoTime() - t0);
    }

    @Override
    public Applied incremental(StateDiff diff, CompiledState after) {
        if (needsFull) {
            throw new IllegalStateException("nftables backend needs a full sync first");
        }
        NftDelta delta = NftRenderer.delta(diff);
        String script = delta.script();
        long t0 = System.nanoTime();
        if (delta.isEmpty()) {
            return new Applied("incremental", script, 0);
        }
        if (delta.elementsOnly()) {
            send(delta);
        } else {
            run(script, "incremental sync");
            appendRecord6(delta.record6(), "incremental sync");
        }
        purgeStaleAffinity(diff);
        return new Applied("incremental", script, System.nanoTime() - t0);
    }

    private void run(String script, String what) {
        try {
            nft.run(script);
        } catch (NftablesException e) {
            needsFull = true;
            throw new BackendException("nftables " + what + " of table " + TABLE + " refused; previous rules kept: "
                    + e.nftMessage().strip(), e);
        } catch (RuntimeException e) {
            needsFull = true;
            throw new BackendException("nftables " + what + " of table " + TABLE + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Appends the IPv6 rules of {@code affinity-record} that the script just (re)wrote the chain for,
     * as one netlink batch (libnftables cannot build them; see {@link AffinityRecord6}). Until it
     * commits, new IPv6 connections of affinity services are spread without being recorded.
     */
    private void appendRecord6(List<AffinityRecord6.Rule> rules, String what) {
        if (rules.isEmpty()) {
            return;
        }
        try {
            batch.begin();
            rules.forEach(r -> batch.newRule(NftTable.AFFINITY_RECORD, r.expressions()));
            batch.commit();
        } catch (RuntimeException e) {
            needsFull = true;
            throw new BackendException("nftables " + what + " of table " + TABLE + ": the rules were applied but the"
                    + " IPv6 affinity records could not be added (the next sync is full): " + e.getMessage(), e, true);
        }
    }

    /**
     * Deletes the affinity entries {@code diff} made stale (see {@link AffinityPurge}), once it is
     * committed: from then on nothing but those entries leads to a removed endpoint, and entries
     * the kernel times out in between are ignored (DESTROYSETELEM). {@link #incremental} calls it;
     * a caller that applied the diff by other means (the CLI's resumed apply) calls it itself.
     *
     * @throws BackendException when the dump or the delete fails (the backend then needs a full sync)
     */
    public void purgeStaleAffinity(StateDiff diff) {
        AffinityPurge purge = AffinityPurge.of(diff);
        if (purge.isEmpty()) {
            return;
        }
        try {
            for (Family f : purge.families()) {
                String map = AffinityPurge.map(f);
                List<byte[]> keys = batch.dumpElements(map).stream()
                        .filter(e -> purge.isStale(f, e.key(), e.data())).map(NftBatch.Element::key).toList();
                if (!keys.isEmpty()) {
                    batch.begin();
                    batch.destroyElements(map, keys);
                    batch.commit();
                }
            }
        } catch (RuntimeException e) {
            needsFull = true;
            throw new BackendException("nftables: the rules were applied but stale affinity entries of table " + TABLE
                    + " could not be deleted (the next sync is full and starts the affinity maps afresh): "
                    + e.getMessage(), e, true);
        }
    }

    /** Writes an elements-only change as one netlink batch: all deletes, then all adds. */
    private void send(NftDelta delta) {
        try {
            // Encoded before the transaction opens: an element that cannot be encoded leaves no open batch.
            Map<String, List<NftBatch.Element>> deletes = new java.util.LinkedHashMap<>();
            Map<String, List<NftBatch.Element>> adds = new java.util.LinkedHashMap<>();
            delta.deletes().forEach((m, e) -> deletes.put(m, NftElements.encode(m, e)));
            delta.adds().forEach((m, e) -> adds.put(m, NftElements.encode(m, e)));
            batch.begin();
            deletes.forEach((m, e) -> batch.elements(false, m, e));
            adds.forEach((m, e) -> batch.elements(true, m, e));
            batch.commit();
        } catch (RuntimeException e) {
            needsFull = true;
            throw new BackendException("nftables incremental sync of table " + TABLE
                    + " refused; previous rules kept: " + e.getMessage() + " (the batch: " + summary(delta) + ")", e);
        }
    }

    /** What an elements-only batch does, map by map: "delete 1 element of no-endpoint-services4; add …". */
    static String summary(NftDelta delta) {
        StringBuilder sb = new StringBuilder();
        for (var part : List.of(Map.entry("delete", delta.deletes()), Map.entry("add", delta.adds()))) {
            if (part.getValue().isEmpty()) {
                continue;
            }
            sb.append(sb.isEmpty() ? "" : "; ").append(part.getKey()).append(' ');
            StringBuilder maps = new StringBuilder();
            part.getValue().forEach((map, elements) -> maps.append(maps.isEmpty() ? "" : ", ").append(elements.size())
                    .append(elements.size() == 1 ? " element of " : " elements of ").append(map));
            sb.append(maps);
        }
        return sb.toString();
    }

    @Override
    public boolean needsFullSync() {
        return needsFull;
    }

    /**
     * Trusts that the table holds what an earlier process applied (its caller checked the table's
     * mark), so {@link #incremental} may follow without a full sync in this process.
     */
    public void resume() {
        needsFull = false;
    }

    /** Marks the backend for a full sync (e.g. someone else changed the table). */
    public void invalidate() {
        needsFull = true;
    }

    @Override
    public void flush() {
        // "add" then "delete" in one transaction: no error whether or not the table exists.
        nft.run("add table " + TABLE + "\ndelete table " + TABLE + "\n");
        needsFull = true;
    }

    @Override
    public String show() {
        try {
            return nft.run("list table " + TABLE);
        } catch (NftablesException e) {
            if (e.isNotFound()) {
                return "";
            }
            throw e;
        }
    }

    @Override
    public void close() {
        batch.close();
        nft.close();
    }
}
