package dev.keelson.control.store;

/** What a delete removed, and the revision at which it did. */
public record Deleted(KeyValue previous, long revision) {}
