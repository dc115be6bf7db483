package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every object the garbage collector watches, by uid, with the reverse index owner uid → uids of
 * the objects whose ownerReferences name it (also for owners that are gone, which is how dangling
 * references are found).
 */
final class OwnerGraph {

    /** An object and its type. */
    record Entry(Resource resource, ObjectNode object) {}

    private final Map<String, Entry> byUid = new HashMap<>();
    private final Map<String, Set<String>> dependents = new HashMap<>();

    synchronized void put(Resource r, ObjectNode o) {
        String uid = Pods.uid(o);
        Entry old = byUid.put(uid, new Entry(r, o));
        if (old != null) {
            unlink(uid, old.object());
        }
        for (String owner : ownerUids(o)) {
            dependents.computeIfAbsent(owner, k -> new HashSet<>()).add(uid);
        }
    }

    synchronized Entry remove(String uid) {
        Entry old = byUid.remove(uid);
        if (old != null) {
            unlink(uid, old.object());
        }
        return old;
    }

    private void unlink(String uid, JsonNode o) {
        for (String owner : ownerUids(o)) {
            Set<String> s = dependents.get(owner);
            if (s != null) {
                s.remove(uid);
                if (s.isEmpty()) {
                    dependents.remove(owner);
                }
            }
        }
    }

    synchronized Entry get(String uid) {
        return byUid.get(uid);
    }

    /** The known objects whose ownerReferences name {@code owner}. */
    synchronized List<Entry> dependentsOf(String owner) {
        List<Entry> out = new ArrayList<>();
        for (String uid : dependents.getOrDefault(owner, Set.of())) {
            Entry e = byUid.get(uid);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    synchronized boolean hasDependents(String owner) {
        return dependents.containsKey(owner);
    }

    static List<String> ownerUids(JsonNode o) {
        List<String> out = new ArrayList<>();
        for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
            out.add(ref.path("uid").asText());
        }
        return out;
    }
}
