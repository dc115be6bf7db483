package dev.keelson.control.api.alloc;

import dev.keelson.control.store.KeyExistsException;
import dev.keelson.control.store.KeyNotFoundException;
import dev.keelson.control.store.KeyValue;
import dev.keelson.control.store.Store;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;

/**
 * A finite set of named slots (service IPs, node ports) whose allocations are records in the
 * {@link Store}, one key per taken slot: {@code <prefix><slot>} → owner. Taking a slot is the
 * store's atomic create, so two writers (threads or API servers on one etcd) can never take the
 * same slot, and allocations survive restarts with the store. This replaces Kubernetes' single
 * bitmap key ({@code /registry/ranges/serviceips}) with per-slot keys, so allocating never
 * contends on one hot key.
 */
final class SlotRange {
    private static final int SCAN_LIMIT = 1 << 16;
    private final Store store;
    private final String prefix;
    private final long first;
    private final long last;
    private final LongFunction<String> slotName;

    /**
     * @param prefix key prefix ending in {@code /}
     * @param first lowest offset handed out at random
     * @param last highest offset handed out at random
     * @param slotName the slot's name (the key suffix) for an offset
     */
    SlotRange(Store store, String prefix, long first, long last, LongFunction<String> slotName) {
        this.store = store;
        this.prefix = prefix;
        this.first = first;
        this.last = last;
        this.slotName = slotName;
    }

    /** Takes {@code slot} for {@code owner}; false when someone holds it already. */
    boolean take(String slot, String owner) {
        // The record says who holds the slot and since when (the start-up repair spares young orphans).
        String record = owner + "\n" + System.currentTimeMillis();
        try {
            store.create(prefix + slot, record.getBytes(StandardCharsets.UTF_8), 0);
            return true;
        } catch (KeyExistsException e) {
            return false;
        }
    }

    /**
     * Takes a free slot chosen at random (a random start, then the next free one, as Kubernetes'
     * allocator does), or empty when the range is full.
     */
    Optional<String> takeAny(String owner) {
        long span = last - first + 1;
        if (store.count(prefix) >= span) {
            return Optional.empty();
        }
        long start = ThreadLocalRandom.current().nextLong(span);
        long tries = Math.min(span, SCAN_LIMIT);
        for (long i = 0; i < tries; i++) {
            String slot = slotName.apply(first + Math.floorMod(start + i, span));
            if (take(slot, owner)) {
                return Optional.of(slot);
            }
        }
        return Optional.empty();
    }

    /** Frees {@code slot} if {@code owner} holds it (a slot re-taken by someone else is left alone). */
    void release(String slot, String owner) {
        Optional<KeyValue> kv = store.get(prefix + slot);
        if (kv.isEmpty() || !Holder.of(kv.get().value()).owner().equals(owner)) {
            return;
        }
        try {
            store.delete(prefix + slot, kv.get().modRevision());
        } catch (KeyNotFoundException | dev.keelson.control.store.ConflictException e) {
            // Released or re-taken concurrently: nothing of ours to free.
        }
    }

    /** Who holds a slot, and when they took it (epoch milliseconds). */
    record Holder(String owner, long since) {
        static Holder of(byte[] value) {
            String text = new String(value, StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            if (nl < 0) {
                return new Holder(text, 0);
            }
            long since;
            try {
                since = Long.parseLong(text.substring(nl + 1).trim());
            } catch (NumberFormatException e) {
                since = 0;
            }
            return new Holder(text.substring(0, nl), since);
        }
    }

    /** The holder of {@code slot}, if taken. */
    Optional<Holder> holder(String slot) {
        return store.get(prefix + slot).map(kv -> Holder.of(kv.value()));
    }

    /** Every taken slot and its holder. */
    Map<String, Holder> taken() {
        Map<String, Holder> out = new HashMap<>();
        String after = null;
        while (true) {
            var page = store.range(prefix, after, 1000, 0);
            for (KeyValue kv : page.items()) {
                out.put(kv.key().substring(prefix.length()), Holder.of(kv.value()));
                after = kv.key();
            }
            if (!page.more()) {
                return out;
            }
        }
    }
}
