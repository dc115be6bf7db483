package dev.keelson.control.patch;

import dev.keelson.control.schema.TypeSchema;

/** How the patch code walks a {@link TypeSchema} alongside a JSON tree. */
final class SchemaNav {
    private SchemaNav() {}

    /** The schema of member {@code name} of an object position (declared field, map value, or ANY). */
    static TypeSchema child(TypeSchema parent, String name) {
        return switch (parent.shape()) {
            case OBJECT -> parent.property(name);
            case MAP -> parent.items();
            default -> TypeSchema.ANY;
        };
    }

    /** The element schema of a list position. */
    static TypeSchema element(TypeSchema list) {
        return list.shape() == TypeSchema.Shape.LIST ? list.items() : TypeSchema.ANY;
    }

    /** Whether {@code name} is a declared field of a struct (as opposed to a key of a map). */
    static boolean isNamedField(TypeSchema parent, String name) {
        return parent.shape() == TypeSchema.Shape.OBJECT && parent.properties().containsKey(name);
    }

    /** Whether a named field holds a struct, which Go always has (zero value) rather than omits. */
    static boolean isStructField(TypeSchema parent, String name) {
        return isNamedField(parent, name) && parent.property(name).shape() == TypeSchema.Shape.OBJECT;
    }

    /** Server-side apply list semantics; undescribed lists are atomic, as in structured-merge-diff's deduced type. */
    static TypeSchema.ListType listType(TypeSchema list) {
        return list.shape() == TypeSchema.Shape.LIST ? list.listType() : TypeSchema.ListType.ATOMIC;
    }

    /** The strategic-merge-patch strategy of a field minus "retainKeys" (which only enables the directive). */
    static String strategy(TypeSchema field) {
        String s = field.patchStrategy() == null ? "" : field.patchStrategy();
        StringBuilder rest = new StringBuilder();
        for (String part : s.split(",")) {
            String p = part.trim();
            if (!p.isEmpty() && !p.equals("retainKeys")) {
                rest.append(rest.isEmpty() ? "" : ",").append(p);
            }
        }
        return rest.toString();
    }
}
