package dev.keelson.control.api.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An object as read from the store, with the mod revision that guards a write back. */
public record Stored(ObjectNode object, long modRevision) {}
