package dev.keelson.control.store;

/**
 * One change seen by a watch.
 *
 * @param kv for PUT the new value; for DELETE the key with a null value and the deletion's revision
 *     as its mod revision
 * @param previous the value before the change, or null when a PUT created the key
 */
public record WatchEvent(Type type, KeyValue kv, KeyValue previous) {
    public enum Type { PUT, DELETE }

    public long revision() {
        return kv.modRevision();
    }

    public boolean created() {
        return type == Type.PUT && previous == null;
    }
}
