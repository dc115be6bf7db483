package dev.keelson.proxy.backend;

import dev.keelson.linux.nft.Nftables;
import dev.keelson.linux.nft.NftablesException;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.StateDiff;
import dev.keelson.proxy.nft.NftRenderer;
import dev.keelson.proxy.nft.NftTable;

/**
 * Programs {@code table inet keelson} in-process through a kept libnftables context: no {@code nft}
 * process, and the context's netlink socket stays bound to the namespace it was opened in.
 *
 * <p>A full load is one transaction that creates, deletes and re-creates the table
 * ({@link NftRenderer#full}), so a table left by an earlier Keelson is adopted and replaced without
 * traffic ever seeing a half-built table. Incremental scripts use only commands that make
 * libnftables 1.0.6 fetch the table and set lists into its cache, never the chains or rules of the
 * table (see iptables/README.md, "In-process nftables backend", for what each command costs), so a
 * one-service change costs the same at 30,000 services as at 10.
 */
public final class NftBackend implements RuleBackend {
    private static final String TABLE = "inet " + NftTable.TABLE;

    private final Nftables nft;
    private boolean needsFull = true;

    private NftBackend(Nftables nft) {
        this.nft = nft;
    }

    /**
     * Opens a backend for the calling thread's network namespace (run it inside
     * {@code NetNamespace.run} to program another one).
     *
     * @throws dev.keelson.linux.nft.NftablesUnavailableException without libnftables or nf_tables
     */
    public static NftBackend open() {
        return new NftBackend(Nftables.open());
    }

    @Override
    public String name() {
        return "nftables";
    }

    @Override
    public Applied full(CompiledState state) {
        String script = NftRenderer.full(state);
        long t0 = System.nanoTime();
        run(script, "full load");
        needsFull = false;
        return new Applied("full", script, System.nanoTime() - t0);
    }

    @Override
    public Applied incremental(StateDiff diff, CompiledState after) {
        if (needsFull) {
            throw new IllegalStateException("nftables backend needs a full sync first");
        }
        String script = NftRenderer.incremental(diff);
        long t0 = System.nanoTime();
        if (!script.isEmpty()) {
            run(script, "incremental sync");
        }
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

    @Override
    public boolean needsFullSync() {
        return needsFull;
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
        nft.close();
    }
}
