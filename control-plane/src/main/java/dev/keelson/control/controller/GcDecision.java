package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The garbage collector's verdicts, without I/O. For a dependent, from the state of each owner
 * its ownerReferences name:
 *
 * <pre>
 *   every owner gone                           → delete (Background)
 *   no live owner, some deleting in foreground → delete (Foreground when it has dependents itself)
 *   a live owner plus gone ones                → drop the dangling references
 *   a live owner plus foreground-deleting ones → stop blocking them (blockOwnerDeletion=false)
 * </pre>
 *
 * For an owner being deleted: with the {@code orphan} finalizer, its dependents lose their
 * reference to it, then the finalizer goes; with {@code foregroundDeletion}, dependents that block
 * it are deleted, and once none is left the finalizer goes.
 */
public final class GcDecision {
    public static final String ORPHAN = "orphan";
    public static final String FOREGROUND = "foregroundDeletion";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What the collector knows of one owner. */
    public enum OwnerState { PRESENT, ABSENT, DELETING_FOREGROUND }

    /** One write the collector must make. */
    public sealed interface Action {
        String uid();
    }

    /** Delete the object with this propagation policy. */
    public record Delete(String uid, String propagation) implements Action {}

    /** Replace the object's ownerReferences. */
    public record SetOwnerReferences(String uid, ArrayNode ownerReferences) implements Action {}

    /** Remove one finalizer from the object. */
    public record RemoveFinalizer(String uid, String finalizer) implements Action {}

    private GcDecision() {}

    /**
     * The verdict on a dependent.
     *
     * @param owners the state of each owner uid its ownerReferences name
     * @param hasDependents whether others name this object as their owner
     */
    public static List<Action> forDependent(JsonNode object, Map<String, OwnerState> owners, boolean hasDependents) {
        JsonNode refs = object.path("metadata").path("ownerReferences");
        if (refs.isEmpty() || object.path("metadata").has("deletionTimestamp")) {
            return List.of();
        }
        String uid = Pods.uid(object);
        int live = 0;
        int gone = 0;
        int waiting = 0;
        for (JsonNode ref : refs) {
            switch (owners.getOrDefault(ref.path("uid").asText(), OwnerState.PRESENT)) {
                case PRESENT -> live++;
                case ABSENT -> gone++;
                case DELETING_FOREGROUND -> waiting++;
            }
        }
        if (live == 0 && waiting > 0) {
            return List.of(new Delete(uid, hasDependents ? "Foreground" : "Background"));
        }
        if (live == 0) {
            return List.of(new Delete(uid, "Background"));
        }
        if (gone == 0 && waiting == 0) {
            return List.of();
        }
        ArrayNode kept = MAPPER.createArrayNode();
        boolean changed = false;
        for (JsonNode ref : refs) {
            OwnerState s = owners.getOrDefault(ref.path("uid").asText(), OwnerState.PRESENT);
            if (s == OwnerState.ABSENT) {
                changed = true;
            } else if (s == OwnerState.DELETING_FOREGROUND && ref.path("blockOwnerDeletion").asBoolean(false)) {
                kept.add(((ObjectNode) ref.deepCopy()).put("blockOwnerDeletion", false));
                changed = true;
            } else {
                kept.add(ref.deepCopy());
            }
        }
        return changed ? List.of(new SetOwnerReferences(uid, kept)) : List.of();
    }

    /**
     * The verdict on an owner being deleted with the {@code orphan} or {@code foregroundDeletion}
     * finalizer.
     *
     * @param dependents objects whose ownerReferences name the owner
     * @param withDependents uids among {@code dependents} that are owners of others themselves
     */
    public static List<Action> forOwner(JsonNode owner, List<? extends JsonNode> dependents, java.util.Set<String> withDependents) {
        if (!owner.path("metadata").has("deletionTimestamp")) {
            return List.of();
        }
        String uid = Pods.uid(owner);
        List<Action> out = new ArrayList<>();
        if (hasFinalizer(owner, ORPHAN)) {
            for (JsonNode d : dependents) {
                ArrayNode kept = MAPPER.createArrayNode();
                for (JsonNode ref : d.path("metadata").path("ownerReferences")) {
                    if (!ref.path("uid").asText().equals(uid)) {
                        kept.add(ref.deepCopy());
                    }
                }
                if (kept.size() != d.path("metadata").path("ownerReferences").size()) {
                    out.add(new SetOwnerReferences(Pods.uid(d), kept));
                }
            }
            if (out.isEmpty()) {
                out.add(new RemoveFinalizer(uid, ORPHAN));
            }
            return out;
        }
        if (hasFinalizer(owner, FOREGROUND)) {
            int blocking = 0;
            for (JsonNode d : dependents) {
                if (!blocks(d, uid)) {
                    continue;
                }
                blocking++;
                if (!d.path("metadata").has("deletionTimestamp")) {
                    out.add(new Delete(Pods.uid(d), withDependents.contains(Pods.uid(d)) ? "Foreground" : "Background"));
                }
            }
            if (blocking == 0) {
                out.add(new RemoveFinalizer(uid, FOREGROUND));
            }
        }
        return out;
    }

    private static boolean blocks(JsonNode dependent, String ownerUid) {
        for (JsonNode ref : dependent.path("metadata").path("ownerReferences")) {
            if (ref.path("uid").asText().equals(ownerUid) && ref.path("blockOwnerDeletion").asBoolean(false)) {
                return true;
            }
        }
        return false;
    }

    static boolean hasFinalizer(JsonNode object, String finalizer) {
        for (JsonNode f : object.path("metadata").path("finalizers")) {
            if (f.asText().equals(finalizer)) {
                return true;
            }
        }
        return false;
    }
}
