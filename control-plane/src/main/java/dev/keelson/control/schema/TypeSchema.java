package dev.keelson.control.schema;

import java.util.List;
import java.util.Map;

/**
 * The shape of one position in a Kubernetes object, as far as patching, field management,
 * validation and the OpenAPI documents need it. A kind's schema is the tree rooted at its
 * top-level object; {@link #ANY} stands for positions whose shape is not described (anything goes,
 * merged as a plain JSON map).
 *
 * <p>The patch metadata mirrors the OpenAPI extensions Kubernetes publishes:
 * {@code x-kubernetes-patch-strategy} / {@code x-kubernetes-patch-merge-key} for strategic merge
 * patch, and {@code x-kubernetes-list-type} / {@code x-kubernetes-list-map-keys} /
 * {@code x-kubernetes-map-type} for server-side apply.
 */
public interface TypeSchema {

    /** JSON shape of the position. */
    enum Shape { OBJECT, MAP, LIST, STRING, INTEGER, NUMBER, BOOLEAN, INT_OR_STRING, QUANTITY, ANY }

    /** Server-side apply list semantics ({@code x-kubernetes-list-type}). */
    enum ListType { ATOMIC, SET, MAP }

    Shape shape();

    /** For OBJECT: the declared fields, in declaration order. Empty for other shapes. */
    Map<String, TypeSchema> properties();

    /** For OBJECT: a declared field, or {@link #ANY} for undeclared ones. */
    default TypeSchema property(String name) {
        TypeSchema s = properties().get(name);
        return s == null ? ANY : s;
    }

    /** For LIST: the element schema; for MAP: the value schema; {@link #ANY} otherwise. */
    TypeSchema items();

    /** Strategic-merge-patch strategy of a field: "" (replace), "merge", "retainKeys", "merge,retainKeys". */
    default String patchStrategy() {
        return "";
    }

    /** Strategic-merge-patch merge key of a list of objects, or null. */
    default String patchMergeKey() {
        return null;
    }

    /** Server-side apply list type (ATOMIC unless declared). */
    default ListType listType() {
        return ListType.ATOMIC;
    }

    /** Server-side apply keys of a {@link ListType#MAP} list. */
    default List<String> listMapKeys() {
        return List.of();
    }

    /** Whether an OBJECT or MAP is replaced as a whole by server-side apply ({@code x-kubernetes-map-type: atomic}). */
    default boolean atomic() {
        return false;
    }

    /** A schema that accepts anything and carries no patch metadata. */
    TypeSchema ANY = new TypeSchema() {
        @Override
        public Shape shape() {
            return Shape.ANY;
        }

        @Override
        public Map<String, TypeSchema> properties() {
            return Map.of();
        }

        @Override
        public TypeSchema items() {
            return this;
        }

        @Override
        public String toString() {
            return "ANY";
        }
    };
}
