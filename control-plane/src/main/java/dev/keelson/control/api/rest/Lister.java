package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.storage.ResourceStorage;
import dev.keelson.control.store.CompactedException;
import dev.keelson.control.store.FutureRevisionException;
import dev.keelson.control.store.KeyValue;
import dev.keelson.control.store.RangeResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists objects with Kubernetes' read semantics: selectors, {@code limit}/{@code continue} pages
 * pinned to the first page's revision, and {@code resourceVersion}/{@code resourceVersionMatch}:
 *
 * <pre>
 *   resourceVersion   match          read at
 *   (unset)           -              latest (consistent)
 *   "0"               -              any: latest
 *   N                 - / NotOlderThan  latest, 504 if N is in the future
 *   N                 Exact          N (410 Expired if compacted)
 * </pre>
 */
public final class Lister {
    /**
     * One page of a list: decoded objects, or (from {@link #listJson}) each object's JSON bytes.
     *
     * @param items     the objects; empty in a JSON page
     * @param json      each object as JSON, for a page sent as JSON as it is; null in a decoded page
     * @param remaining null unless known exactly (no selectors)
     */
    public record Page(List<ObjectNode> items, List<byte[]> json, long revision, String continueToken, Long remaining) {}

    private final ResourceStorage storage;

    public Lister(ResourceStorage storage) {
        this.storage = storage;
    }

    /** A page of decoded objects. */
    public Page list(ResourceType type, String namespace, ListOptions o) {
        return list(type, namespace, o, false);
    }

    /**
     * A page of objects as JSON bytes, never decoded into trees when {@code o} has no selectors (a
     * LIST of 5,000 pods then costs a scan per object instead of a parse and a serialisation).
     */
    public Page listJson(ResourceType type, String namespace, ListOptions o) {
        return list(type, namespace, o, !o.filtered());
    }

    private Page list(ResourceType type, String namespace, ListOptions o, boolean asJson) {
        String prefix = ResourceStorage.prefix(type, namespace);
        long revision;
        String startAfter = null;
        if (!o.continueToken().isEmpty()) {
            ContinueToken t = ContinueToken.decode(o.continueToken());
            revision = t.revision();
            startAfter = prefix + t.startAfter();
        } else {
            revision = readRevision(o);
        }
        List<ObjectNode> items = new ArrayList<>();
        List<byte[]> json = asJson ? new ArrayList<>() : null;
        Long remaining = null;
        String lastKey = null;
        boolean more = false;
        try {
            while (true) {
                int want = o.limit() == 0 ? 0 : Math.max(o.limit() - (asJson ? json.size() : items.size()), o.filtered() ? 64 : 0);
                RangeResult page = storage.store().range(prefix, startAfter, want, revision);
                if (revision == 0) {
                    revision = Math.max(page.revision(), 1);
                }
                List<KeyValue> kvs = page.items();
                for (int i = 0; i < kvs.size(); i++) {
                    KeyValue kv = kvs.get(i);
                    lastKey = kv.key();
                    if (asJson) {
                        json.add(storage.json(type, kv));
                    } else {
                        ObjectNode obj = storage.decode(type, kv);
                        if (o.labels().test(obj) && o.fields().test(obj)) {
                            items.add(obj);
                        }
                    }
                    int count = asJson ? json.size() : items.size();
                    if (o.limit() > 0 && count >= o.limit()) {
                        long left = kvs.size() - 1 - i + page.remaining();
                        more = i < kvs.size() - 1 || page.more();
                        remaining = more && !o.filtered() ? left : null;
                        break;
                    }
                }
                if ((o.limit() > 0 && (asJson ? json.size() : items.size()) >= o.limit()) || !page.more() || kvs.isEmpty()) {
                    break;
                }
                startAfter = kvs.getLast().key();
            }
        } catch (CompactedException e) {
            throw o.continueToken().isEmpty()
                    ? ApiException.expired("too old resource version: " + revision + " (" + e.compactedRevision() + ")")
                    : ApiException.expired("The provided continue parameter is too old to display a consistent list "
                            + "result. You can start a new list without the continue parameter.");
        } catch (FutureRevisionException e) {
            throw ApiException.timeout("Too large resource version: " + revision + ", current: "
                    + storage.store().revision());
        }
        String token = more ? new ContinueToken(revision, lastKey.substring(prefix.length())).encode() : null;
        return new Page(items, json, revision, token, remaining);
    }

    private long readRevision(ListOptions o) {
        String rv = o.resourceVersion();
        if (rv.isEmpty() || rv.equals("0")) {
            return 0;
        }
        long n = ListOptions.parseRevision(rv);
        long current = storage.store().revision();
        if (n > current) {
            throw ApiException.timeout("Too large resource version: " + n + ", current: " + current);
        }
        return o.resourceVersionMatch().equals("Exact") ? n : 0;
    }
}
