package dev.keelson.control.patch;

import dev.keelson.control.schema.TypeSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small, immutable {@link TypeSchema} for tests, with builder-style copies. */
record TestSchema(Shape shape, Map<String, TypeSchema> properties, TypeSchema items, String patchStrategy,
                  String patchMergeKey, ListType listType, List<String> listMapKeys, boolean atomic)
        implements TypeSchema {

    static TestSchema str() {
        return scalar(Shape.STRING);
    }

    static TestSchema integer() {
        return scalar(Shape.INTEGER);
    }

    static TestSchema scalar(Shape shape) {
        return new TestSchema(shape, Map.of(), ANY, "", null, ListType.ATOMIC, List.of(), false);
    }

    /** An object; arguments alternate field name and schema. */
    static TestSchema obj(Object... nameThenSchema) {
        Map<String, TypeSchema> props = new LinkedHashMap<>();
        for (int i = 0; i < nameThenSchema.length; i += 2) {
            props.put((String) nameThenSchema[i], (TypeSchema) nameThenSchema[i + 1]);
        }
        return new TestSchema(Shape.OBJECT, props, ANY, "", null, ListType.ATOMIC, List.of(), false);
    }

    static TestSchema map(TypeSchema values) {
        return new TestSchema(Shape.MAP, Map.of(), values, "", null, ListType.ATOMIC, List.of(), false);
    }

    static TestSchema list(TypeSchema element) {
        return new TestSchema(Shape.LIST, Map.of(), element, "", null, ListType.ATOMIC, List.of(), false);
    }

    /** A list merged by key in both patch flavours (patchStrategy merge + list-type map). */
    TestSchema mergedBy(String mergeKey, String... mapKeys) {
        return new TestSchema(shape, properties, items, "merge", mergeKey, ListType.MAP,
                mapKeys.length == 0 ? List.of(mergeKey) : List.of(mapKeys), atomic);
    }

    /** A list of primitives merged as a set in both flavours. */
    TestSchema mergedSet() {
        return new TestSchema(shape, properties, items, "merge", null, ListType.SET, List.of(), atomic);
    }

    TestSchema strategy(String s) {
        return new TestSchema(shape, properties, items, s, patchMergeKey, listType, listMapKeys, atomic);
    }

    TestSchema atomicMap() {
        return new TestSchema(shape, properties, items, patchStrategy, patchMergeKey, listType, listMapKeys, true);
    }

    static final TestSchema METADATA = obj(
            "name", str(), "namespace", str(), "uid", str(), "resourceVersion", str(), "generation", integer(),
            "creationTimestamp", str(), "labels", map(str()), "annotations", map(str()),
            "finalizers", list(str()).mergedSet(), "managedFields", list(ANY));

    static final TestSchema CONTAINER = obj(
            "name", str(), "image", str(), "args", list(str()), "command", list(str()),
            "env", list(obj("name", str(), "value", str())).mergedBy("name"),
            "ports", list(obj("containerPort", integer(), "protocol", str(), "name", str()))
                    .mergedBy("containerPort", "containerPort", "protocol"),
            "resources", obj("limits", map(str()), "requests", map(str())));

    static final TestSchema POD_SPEC = obj(
            "containers", list(CONTAINER).mergedBy("name"),
            "initContainers", list(CONTAINER).mergedBy("name"),
            "volumes", list(obj("name", str(), "emptyDir", obj("medium", str()))).mergedBy("name"),
            "nodeSelector", map(str()).atomicMap(),
            "tolerations", list(obj("key", str(), "effect", str())));

    static final TestSchema POD = obj("apiVersion", str(), "kind", str(), "metadata", METADATA, "spec", POD_SPEC);

    static final TestSchema DEPLOYMENT = obj(
            "apiVersion", str(), "kind", str(), "metadata", METADATA,
            "spec", obj(
                    "replicas", integer(),
                    "selector", obj("matchLabels", map(str())).atomicMap(),
                    "strategy", obj("type", str(), "rollingUpdate",
                            obj("maxSurge", scalar(Shape.INT_OR_STRING), "maxUnavailable", scalar(Shape.INT_OR_STRING)))
                            .strategy("retainKeys"),
                    "template", obj("metadata", METADATA, "spec", POD_SPEC)));
}
