package dev.keelson.control.store.etcd;

import dev.keelson.control.store.CompactedException;
import dev.keelson.control.store.ConflictException;
import dev.keelson.control.store.Deleted;
import dev.keelson.control.store.FutureRevisionException;
import dev.keelson.control.store.KeyExistsException;
import dev.keelson.control.store.KeyNotFoundException;
import dev.keelson.control.store.KeyRange;
import dev.keelson.control.store.KeyValue;
import dev.keelson.control.store.RangeResult;
import dev.keelson.control.store.Store;
import dev.keelson.control.store.StoreException;
import dev.keelson.control.store.Watch;
import dev.keelson.control.store.WatchListener;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Store} on an etcd cluster, through jetcd. Guarded writes are etcd transactions:
 *
 * <pre>
 *   create          IF create_revision(k) == 0          THEN put            ELSE get  → KeyExistsException
 *   update(k, r)    IF mod_revision(k) == r (r=0: exists) THEN put (prev_kv) ELSE get  → not found / ConflictException
 *   delete(k, r)    same guard                          THEN delete (prev_kv) ELSE get
 * </pre>
 *
 * Ranges go from {@code startAfter + "\0"} (or the prefix) to the prefix's end; etcd's {@code count}
 * (all keys in the range) less the page gives the exact remaining count. Watches start at
 * {@code afterRevision + 1} with previous values. etcd's revisions are the store's revisions; one
 * difference from the embedded store: etcd deletes all keys of a revoked or expired lease in one
 * revision.
 */
public final class EtcdStore implements Store {
    private static final ByteSequence ALL = ByteSequence.from(new byte[] {0});

    private final Client client;
    private final Duration timeout;
    private final KV kv;
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    /** The highest compaction revision seen; etcd never lowers it. */
    private volatile long compactedFloor;

    private EtcdStore(Client client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
        this.kv = client.getKVClient();
    }

    /** Connects to etcd at {@code endpoints}, comma-separated URLs such as {@code http://127.0.0.1:2379}. */
    public static EtcdStore connect(String endpoints) {
        return connect(endpoints, EtcdCalls.TIMEOUT);
    }

    /** As {@link #connect(String)}, failing any call that etcd has not answered within {@code timeout}. */
    public static EtcdStore connect(String endpoints, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the etcd call timeout must be positive, was " + timeout);
        }
        String[] list = Objects.requireNonNull(endpoints, "endpoints").split(",");
        if (endpoints.isBlank()) {
            throw new IllegalArgumentException("no etcd endpoints given");
        }
        // gRPC's default 4 MiB reply limit would fail a list of a few thousand objects; the
        // Kubernetes API server lifts it too.
        return new EtcdStore(Client.builder().endpoints(list).maxInboundMessageSize(Integer.MAX_VALUE).build(), timeout);
    }

    @Override
    public long revision() {
        return header(GetOption.builder().withCountOnly(true).build(), "read the revision").getHeader().getRevision();
    }

    /**
     * etcd does not report its compaction revision, but a read below it fails: this finds the
     * oldest readable revision by bisection (a few point reads; rarely called).
     */
    @Override
    public long compactedRevision() {
        long head = revision();
        if (readable(Math.max(1, compactedFloor))) {
            return compactedFloor;
        }
        long lo = Math.max(1, compactedFloor) + 1;
        long hi = head;
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            if (readable(mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        noteCompacted(lo);
        return lo;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        GetResponse r = await(kv.get(EtcdCalls.bytes(key)), "get " + key);
        return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(EtcdCalls.keyValue(r.getKvs().get(0)));
    }

    @Override
    public RangeResult range(String prefix, String startAfter, int limit, long revision) {
        if (limit < 0 || revision < 0) {
            throw new IllegalArgumentException("limit and revision must not be negative");
        }
        byte[] lo = KeyRange.lowerBound(prefix, startAfter);
        GetOption o = GetOption.builder().withRange(end(prefix)).withLimit(limit).withRevision(revision).build();
        GetResponse r = await(kv.get(lo.length == 0 ? ALL : EtcdCalls.bytes(lo), o), "range " + prefix, revision);
        List<KeyValue> items = r.getKvs().stream().map(EtcdCalls::keyValue).toList();
        long at = revision == 0 ? r.getHeader().getRevision() : revision;
        return new RangeResult(items, at, r.isMore(), r.isMore() ? r.getCount() - items.size() : 0);
    }

    @Override
    public long count(String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        GetOption o = GetOption.builder().withRange(end(prefix)).withCountOnly(true).build();
        return await(kv.get(p.length == 0 ? ALL : EtcdCalls.bytes(p), o), "count " + prefix).getCount();
    }

    @Override
    public KeyValue create(String key, byte[] value, long lease) {
        ByteSequence k = EtcdCalls.bytes(key);
        TxnResponse r = await(kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.builder().withLeaseId(lease).build()))
                .commit(), "create " + key);
        if (!r.isSucceeded()) {
            throw new KeyExistsException("key " + key + " already exists");
        }
        long rev = r.getHeader().getRevision();
        return new KeyValue(key, value, rev, rev, lease);
    }

    @Override
    public KeyValue update(String key, byte[] value, long expectedModRevision, long lease) {
        ByteSequence k = EtcdCalls.bytes(key);
        TxnResponse r = await(kv.txn()
                .If(guard(k, expectedModRevision))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.builder().withLeaseId(lease).withPrevKV().build()))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit(), "update " + key);
        if (!r.isSucceeded()) {
            throw refused(r, key, expectedModRevision, "update");
        }
        long rev = r.getHeader().getRevision();
        long created = r.getPutResponses().get(0).getPrevKv().getCreateRevision();
        return new KeyValue(key, value, created, rev, lease);
    }

    @Override
    public Deleted delete(String key, long expectedModRevision) {
        ByteSequence k = EtcdCalls.bytes(key);
        TxnResponse r = await(kv.txn()
                .If(guard(k, expectedModRevision))
                .Then(Op.delete(k, DeleteOption.builder().withPrevKV(true).build()))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit(), "delete " + key);
        if (!r.isSucceeded()) {
            throw refused(r, key, expectedModRevision, "delete");
        }
        KeyValue prev = EtcdCalls.keyValue(r.getDeleteResponses().get(0).getPrevKvs().get(0));
        return new Deleted(prev, r.getHeader().getRevision());
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        Objects.requireNonNull(listener, "listener");
        long after = afterRevision == 0 ? revision() : afterRevision;
        if (afterRevision != 0) {
            requireWatchable(after);
        }
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        EtcdWatch w = new EtcdWatch(prefix, after, listener, watches::remove);
        watches.add(w);
        WatchOption o = WatchOption.builder().withRange(end(prefix)).withRevision(after + 1)
                .withPrevKV(true).withProgressNotify(true).build();
        w.start(client.getWatchClient().watch(p.length == 0 ? ALL : EtcdCalls.bytes(p), o, w));
        return w;
    }

    @Override
    public void compact(long revision) {
        try {
            await(kv.compact(revision), "compact at " + revision, revision);
            noteCompacted(revision);
        } catch (CompactedException e) {
            // already compacted at or past it: nothing to do, as for the embedded store
        }
    }

    @Override
    public long grant(Duration ttl) {
        long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000); // etcd TTLs are whole seconds
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a lease TTL must be positive, was " + ttl);
        }
        return await(client.getLeaseClient().grant(seconds), "grant a lease").getID();
    }

    @Override
    public void keepAlive(long lease) {
        LeaseKeepAliveResponse r = await(client.getLeaseClient().keepAliveOnce(lease), "keep lease " + lease + " alive");
        if (r.getTTL() <= 0) {
            throw new KeyNotFoundException("lease " + lease + " does not exist (expired or revoked)");
        }
    }

    @Override
    public void revoke(long lease) {
        await(client.getLeaseClient().revoke(lease), "revoke lease " + lease);
    }

    @Override
    public void close() {
        StoreException closed = new StoreException("the store was closed");
        for (EtcdWatch w : List.copyOf(watches)) {
            w.fail(closed);
        }
        client.close();
    }

    /** Throws CompactedException if events after {@code after} are gone (a future revision is fine). */
    private void requireWatchable(long after) {
        try {
            await(kv.get(ALL, GetOption.builder().withCountOnly(true).withRevision(after).build()),
                    "watch from " + after, after);
        } catch (CompactedException e) {
            throw new CompactedException(after, compactedRevision());
        } catch (FutureRevisionException e) {
            // a watch may wait for revisions not written yet
        }
    }

    private boolean readable(long rev) {
        try {
            await(kv.get(ALL, GetOption.builder().withCountOnly(true).withRevision(rev).build()), "probe", rev);
            return true;
        } catch (CompactedException e) {
            return false;
        }
    }

    private <T> T await(CompletableFuture<T> call, String what) {
        return EtcdCalls.await(call, timeout, what, 0);
    }

    private <T> T await(CompletableFuture<T> call, String what, long revision) {
        return EtcdCalls.await(call, timeout, what, revision);
    }

    private GetResponse header(GetOption o, String what) {
        return await(kv.get(ALL, o), what);
    }

    private void noteCompacted(long rev) {
        synchronized (this) {
            compactedFloor = Math.max(compactedFloor, rev);
        }
    }

    private static Cmp guard(ByteSequence k, long expectedModRevision) {
        return expectedModRevision == 0
                ? new Cmp(k, Cmp.Op.GREATER, CmpTarget.createRevision(0))
                : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
    }

    private static StoreException refused(TxnResponse r, String key, long expected, String op) {
        List<io.etcd.jetcd.KeyValue> now = r.getGetResponses().get(0).getKvs();
        if (now.isEmpty()) {
            return new KeyNotFoundException("cannot " + op + " " + key + ": it does not exist");
        }
        KeyValue cur = EtcdCalls.keyValue(now.get(0));
        return new ConflictException("cannot " + op + " " + key + ": expected mod revision " + expected
                + ", found " + cur.modRevision(), cur);
    }

    /** The end of a prefix range; "\0" (etcd: "to the end of the keyspace") for the empty prefix. */
    private static ByteSequence end(String prefix) {
        byte[] e = KeyRange.prefixEnd(prefix.getBytes(StandardCharsets.UTF_8));
        return e == null ? ALL : ByteSequence.from(e);
    }

    @Override
    public String toString() {
        return "EtcdStore";
    }
}
