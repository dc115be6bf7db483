package dev.keelson.control.schema;

import java.util.List;
import java.util.Map;

/**
 * One named type of the compact schema file: an object with fields, or a named scalar such as
 * Quantity or Time ({@code scalar} non-null).
 *
 * @param name OpenAPI definition name, e.g. {@code io.k8s.api.apps.v1.Deployment}
 * @param scalar the type of a named scalar; null for objects
 * @param gvks the group-version-kinds this type serves as a top-level object
 * @param atomic {@code x-kubernetes-map-type: atomic} on the type
 * @param embedded a Go struct JSON inlines into its parent (no OpenAPI definition of its own)
 * @param protoMessage the protobuf message name, or null
 * @param fields JSON fields in declaration order
 * @param byProto fields by protobuf field number
 * @param inlines embedded structs by protobuf field number (their fields appear in {@code fields})
 */
record TypeDef(String name, TypeExpr scalar, List<Gvk> gvks, boolean atomic, boolean embedded,
               String protoMessage, Map<String, FieldDef> fields, Map<Integer, FieldDef> byProto,
               Map<Integer, String> inlines) {

    /** A group-version-kind; group is "" for the core group. */
    record Gvk(String group, String version, String kind) {
        String apiVersion() {
            return group.isEmpty() ? version : group + "/" + version;
        }
    }

    /**
     * One field of an object type, with the patch and apply metadata Kubernetes publishes.
     *
     * @param proto protobuf field number, 0 if none
     * @param patchStrategy {@code x-kubernetes-patch-strategy} or ""
     * @param mergeKey {@code x-kubernetes-patch-merge-key} or null
     * @param listType {@code x-kubernetes-list-type} or ""
     * @param mapType {@code x-kubernetes-map-type} or ""
     * @param keepZero a scalar whose zero value JSON shows (a Go pointer, or no omitempty)
     */
    record FieldDef(String name, TypeExpr type, boolean required, int proto, String patchStrategy,
                    String mergeKey, String listType, List<String> listKeys, String mapType, boolean keepZero) {}

    boolean isObject() {
        return scalar == null;
    }

    /** An object type with no declared fields (RawExtension, FieldsV1, Patch): holds any JSON. */
    boolean freeForm() {
        return scalar == null && fields.isEmpty() && inlines.isEmpty();
    }
}
