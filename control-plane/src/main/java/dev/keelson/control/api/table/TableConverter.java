package dev.keelson.control.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.registry.ResourceType;
import java.time.Clock;
import java.util.List;

/**
 * Renders objects as a {@code meta.k8s.io/v1 Table}, which is what {@code kubectl get} asks for
 * ({@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}): column definitions plus one row
 * of cells per object, each row carrying the object itself, its metadata, or nothing
 * ({@code includeObject=Object|Metadata|None}).
 */
public final class TableConverter {
    /** What each row's {@code object} holds. */
    public enum Include { NONE, METADATA, OBJECT }

    private final Clock clock;

    public TableConverter(Clock clock) {
        this.clock = clock;
    }

    /** Parses {@code includeObject} (default Metadata, as Kubernetes). */
    public static Include include(String param) {
        if (param == null || param.isEmpty() || param.equals("Metadata")) {
            return Include.METADATA;
        }
        return switch (param) {
            case "Object" -> Include.OBJECT;
            case "None" -> Include.NONE;
            default -> throw new IllegalArgumentException("includeObject: Unsupported value: \"" + param
                    + "\": supported values: \"Metadata\", \"None\", \"Object\"");
        };
    }

    /**
     * A table of {@code items}.
     *
     * @param listMeta the list's metadata (resourceVersion, continue, remainingItemCount), or null
     * @param headers whether to include column definitions (watch events after the first omit them)
     */
    public ObjectNode table(ResourceType type, List<ObjectNode> items, JsonNode listMeta, Include include, boolean headers) {
        List<Column> columns = KindColumns.of(type.group(), type.resource(), clock);
        ObjectNode t = Json.object().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        t.set("metadata", listMeta == null ? Json.object() : listMeta.deepCopy());
        ArrayNode defs = t.putArray("columnDefinitions");
        if (headers) {
            for (Column c : columns) {
                defs.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
                        .put("description", c.description()).put("priority", c.priority());
            }
        }
        ArrayNode rows = t.putArray("rows");
        for (ObjectNode item : items) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (Column c : columns) {
                Object v = c.cell().apply(item);
                if (v instanceof Number n) {
                    cells.add(n.longValue());
                } else {
                    cells.add(String.valueOf(v));
                }
            }
            switch (include) {
                case OBJECT -> row.set("object", item);
                case METADATA -> row.set("object", partial(item));
                case NONE -> { }
            }
        }
        return t;
    }

    /** A LabelSelector object as its string form ({@code app=web,tier in (a,b)}), as Scale's status.selector. */
    public static String selectorString(JsonNode selector) {
        String s = Cells.selector(selector);
        return s.equals(Cells.NONE) ? "" : s;
    }

    /** A {@code PartialObjectMetadata} of an object. */
    public static ObjectNode partial(ObjectNode item) {
        ObjectNode p = Json.object().put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
        p.set("metadata", item.path("metadata").deepCopy());
        return p;
    }
}
