package dev.keelson.control.store.etcd;

import dev.keelson.control.store.CompactedException;
import dev.keelson.control.store.FutureRevisionException;
import dev.keelson.control.store.KeyNotFoundException;
import dev.keelson.control.store.KeyRange;
import dev.keelson.control.store.KeyValue;
import dev.keelson.control.store.StoreException;
import io.etcd.jetcd.ByteSequence;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting for jetcd's futures, and turning etcd's errors into the store's exceptions. etcd reports
 * the conditions callers branch on as gRPC status messages (see etcd's
 * {@code api/v3rpc/rpctypes/error.go}); those are matched here, in one place.
 */
final class EtcdCalls {
    /** How long a call may take unless the store was given another limit. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String COMPACTED = "required revision has been compacted";
    private static final String FUTURE = "required revision is a future revision";
    private static final String NO_LEASE = "requested lease not found";

    private EtcdCalls() {
    }

    /** The result of {@code call}, or its failure as a store exception ({@code revision}: the one asked for, if any). */
    static <T> T await(CompletableFuture<T> call, Duration timeout, String what, long revision) {
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw map(e.getCause(), what, revision);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new StoreException(what + ": etcd did not answer within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(what + ": interrupted", e);
        }
    }

    /** The store exception for an etcd failure; {@code compactedRevision} is 0 when etcd did not say. */
    static StoreException map(Throwable t, String what, long revision) {
        if (t instanceof io.etcd.jetcd.common.exception.CompactedException c) {
            return new CompactedException(revision, c.getCompactedRevision());
        }
        String m = messages(t);
        if (m.contains(COMPACTED)) {
            return new CompactedException(revision, 0);
        }
        if (m.contains(FUTURE)) {
            return new FutureRevisionException(what + ": revision " + revision + " is newer than etcd's revision");
        }
        if (m.contains(NO_LEASE)) {
            return new KeyNotFoundException(what + ": the lease does not exist (expired or revoked)");
        }
        return new StoreException(what + " failed: " + m, t);
    }

    static ByteSequence bytes(String key) {
        return ByteSequence.from(KeyRange.bytes(key));
    }

    static ByteSequence bytes(byte[] key) {
        return ByteSequence.from(key);
    }

    static KeyValue keyValue(io.etcd.jetcd.KeyValue kv) {
        return new KeyValue(KeyRange.key(kv.getKey().getBytes()), kv.getValue().getBytes(),
                kv.getCreateRevision(), kv.getModRevision(), kv.getLease());
    }

    private static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null && b.length() < 2000; c = c.getCause()) {
            if (c.getMessage() != null) {
                b.append(c.getMessage()).append("; ");
            }
        }
        return b.isEmpty() ? String.valueOf(t) : b.substring(0, b.length() - 2);
    }
}
