package dev.keelson.control.scheduler;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where the volume binding filter reads claims, volumes and classes: the scheduler's informers, or
 * a table in tests. A lookup of something absent answers null.
 */
public interface VolumeObjects {
    /** No storage objects at all (every claim is missing). */
    VolumeObjects NONE = new VolumeObjects() {
        @Override
        public JsonNode claim(String namespace, String name) {
            return null;
        }

        @Override
        public JsonNode volume(String name) {
            return null;
        }

        @Override
        public JsonNode storageClass(String name) {
            return null;
        }

        @Override
        public Iterable<? extends JsonNode> volumes() {
            return java.util.List.of();
        }
    };

    JsonNode claim(String namespace, String name);

    JsonNode volume(String name);

    JsonNode storageClass(String name);

    Iterable<? extends JsonNode> volumes();
}
