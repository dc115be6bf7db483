package dev.keelson.control.schema;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A {@link TypeSchema} position built from the compact schema. Properties and items are resolved
 * on first use, so recursive types cost nothing until walked and named types are shared between
 * every position that refers to them.
 */
final class SchemaNode implements TypeSchema {
    private final Shape shape;
    private final Lazy<Map<String, TypeSchema>> properties;
    private final Lazy<TypeSchema> items;
    private final String patchStrategy;
    private final String patchMergeKey;
    private final ListType listType;
    private final List<String> listMapKeys;
    private final boolean atomic;
    private final String description;

    SchemaNode(Shape shape, Supplier<Map<String, TypeSchema>> properties, Supplier<TypeSchema> items,
               String patchStrategy, String patchMergeKey, ListType listType, List<String> listMapKeys,
               boolean atomic, String description) {
        this.shape = shape;
        this.properties = new Lazy<>(properties);
        this.items = new Lazy<>(items);
        this.patchStrategy = patchStrategy;
        this.patchMergeKey = patchMergeKey;
        this.listType = listType;
        this.listMapKeys = listMapKeys;
        this.atomic = atomic;
        this.description = description;
    }

    static SchemaNode scalar(Shape shape, String description) {
        return new SchemaNode(shape, Map::of, () -> ANY, "", null, ListType.ATOMIC, List.of(), false, description);
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public Map<String, TypeSchema> properties() {
        return properties.get();
    }

    @Override
    public TypeSchema items() {
        return items.get();
    }

    @Override
    public String patchStrategy() {
        return patchStrategy;
    }

    @Override
    public String patchMergeKey() {
        return patchMergeKey;
    }

    @Override
    public ListType listType() {
        return listType;
    }

    @Override
    public List<String> listMapKeys() {
        return listMapKeys;
    }

    @Override
    public boolean atomic() {
        return atomic;
    }

    @Override
    public String toString() {
        return description;
    }

    /** A thread-safe memo; racing threads may both compute, one result wins (values are equivalent). */
    private static final class Lazy<T> {
        private final Supplier<T> supplier;
        private volatile T value;

        Lazy(Supplier<T> supplier) {
            this.supplier = supplier;
        }

        T get() {
            T v = value;
            if (v == null) {
                v = supplier.get();
                value = v;
            }
            return v;
        }
    }
}
