package dev.keelson.control.store.sqlite;

/** A write the group-commit {@link Writer} runs for a caller, in arrival order. */
sealed interface WriteOp {
    record Create(String key, byte[] value, long lease) implements WriteOp {}

    record Update(String key, byte[] value, long expectedModRevision, long lease) implements WriteOp {}

    record Delete(String key, long expectedModRevision) implements WriteOp {}

    record Grant(long ttlMillis) implements WriteOp {}

    /** Deletes the lease's keys and the lease; {@code mustExist} is false for expiry (a race with revoke is fine). */
    record Revoke(long lease, boolean mustExist) implements WriteOp {}

    record Compact(long revision) implements WriteOp {}
}
