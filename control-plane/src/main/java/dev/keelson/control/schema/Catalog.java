package dev.keelson.control.schema;

import dev.keelson.control.schema.TypeDef.FieldDef;
import dev.keelson.control.schema.TypeDef.Gvk;
import dev.keelson.control.schema.TypeSchema.ListType;
import dev.keelson.control.schema.TypeSchema.Shape;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The loaded compact schema: every named type, the kinds by group-version-kind, and the shared
 * {@link TypeSchema} trees. Loaded once per JVM ({@link #get()}); lookups are map reads.
 */
final class Catalog {
    static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";

    private final Map<String, TypeDef> types;
    private final Map<String, TypeDef> kinds;
    private final Map<String, TypeSchema> nodes = new ConcurrentHashMap<>();

    Catalog(List<TypeDef> defs) {
        Map<String, TypeDef> byName = new LinkedHashMap<>();
        Map<String, TypeDef> byKind = new HashMap<>();
        for (TypeDef d : defs) {
            byName.put(d.name(), d);
            for (Gvk g : d.gvks()) {
                byKind.putIfAbsent(key(g.apiVersion(), g.kind()), d);
            }
        }
        this.types = Collections.unmodifiableMap(byName);
        this.kinds = Map.copyOf(byKind);
    }

    private static final class Holder {
        static final Catalog INSTANCE = new Catalog(SchemaFile.load());
    }

    static Catalog get() {
        return Holder.INSTANCE;
    }

    private static String key(String apiVersion, String kind) {
        return apiVersion + "/" + kind;
    }

    /** The named type, or null. */
    TypeDef type(String name) {
        return types.get(name);
    }

    Collection<TypeDef> types() {
        return types.values();
    }

    /** The top-level type of a kind, or null if the kind is not built in. */
    TypeDef kind(String apiVersion, String kind) {
        return kinds.get(key(apiVersion, kind));
    }

    /** The shared schema tree of a named type. */
    TypeSchema schema(String typeName) {
        TypeSchema s = nodes.get(typeName);
        if (s == null) {
            s = build(typeName);
            TypeSchema raced = nodes.putIfAbsent(typeName, s);
            s = raced == null ? s : raced;
        }
        return s;
    }

    private TypeSchema build(String typeName) {
        TypeDef d = types.get(typeName);
        if (d == null) {
            throw new IllegalStateException("schema refers to unknown type " + typeName);
        }
        if (d.freeForm()) {
            return TypeSchema.ANY;
        }
        if (!d.isObject()) {
            Shape shape = typeName.equals(QUANTITY) ? Shape.QUANTITY : scalarShape(d.scalar());
            return SchemaNode.scalar(shape, typeName);
        }
        return new SchemaNode(Shape.OBJECT, () -> properties(d), () -> TypeSchema.ANY, "", null,
                ListType.ATOMIC, List.of(), d.atomic(), typeName);
    }

    private Map<String, TypeSchema> properties(TypeDef d) {
        Map<String, TypeSchema> props = new LinkedHashMap<>();
        for (FieldDef f : d.fields().values()) {
            props.put(f.name(), field(f));
        }
        return Collections.unmodifiableMap(props);
    }

    /** The schema of one field position: its type plus the field's patch/apply metadata. */
    TypeSchema field(FieldDef f) {
        TypeExpr t = f.type();
        boolean plain = f.patchStrategy().isEmpty() && f.mergeKey() == null && f.listType().isEmpty()
                && f.mapType().isEmpty();
        if (plain) {
            return expr(t);
        }
        ListType listType = switch (f.listType()) {
            case "set" -> ListType.SET;
            case "map" -> ListType.MAP;
            default -> ListType.ATOMIC;
        };
        boolean atomic = f.mapType().equals("atomic");
        TypeSchema base = expr(t);
        return new SchemaNode(base.shape(), base::properties, base::items, f.patchStrategy(), f.mergeKey(),
                listType, f.listKeys(), atomic || base.atomic(), base + "(" + f.name() + ")");
    }

    /** The schema of a type expression without field metadata. */
    TypeSchema expr(TypeExpr t) {
        return switch (t) {
            case TypeExpr.Ref r -> schema(r.name());
            case TypeExpr.Scalar s -> SchemaNode.scalar(scalarShape(s), s.type());
            case TypeExpr.FreeForm ignored -> TypeSchema.ANY;
            case TypeExpr.ArrayOf a -> new SchemaNode(Shape.LIST, Map::of, () -> expr(a.items()), "", null,
                    ListType.ATOMIC, List.of(), false, "[]");
            case TypeExpr.MapOf m -> new SchemaNode(Shape.MAP, Map::of, () -> expr(m.values()), "", null,
                    ListType.ATOMIC, List.of(), false, "{}");
        };
    }

    static Shape scalarShape(TypeExpr t) {
        if (!(t instanceof TypeExpr.Scalar s)) {
            return Shape.ANY;
        }
        return switch (s.type()) {
            case "integer" -> Shape.INTEGER;
            case "number" -> Shape.NUMBER;
            case "boolean" -> Shape.BOOLEAN;
            default -> s.format().equals("int-or-string") ? Shape.INT_OR_STRING : Shape.STRING;
        };
    }
}
