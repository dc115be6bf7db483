package dev.keelson.control.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/**
 * One column of a kind's table: its definition as {@code columnDefinitions} publishes it and how
 * a cell is computed from an object. Priority 0 columns show by default, higher ones with
 * {@code -o wide}.
 */
public record Column(String name, String type, String format, String description, int priority,
                     Function<JsonNode, Object> cell) {

    public static Column of(String name, String type, String description, Function<JsonNode, Object> cell) {
        return new Column(name, type, "", description, 0, cell);
    }

    public static Column wide(String name, String type, String description, Function<JsonNode, Object> cell) {
        return new Column(name, type, "", description, 1, cell);
    }

    public static Column named() {
        return new Column("Name", "string", "name", "Name must be unique within a namespace.", 0,
                o -> o.path("metadata").path("name").asText());
    }

    public static Column age(java.time.Clock clock) {
        return of("Age", "string", "CreationTimestamp is a timestamp representing the server time when this object "
                + "was created.", o -> Ages.since(o.path("metadata").path("creationTimestamp").asText(""), clock));
    }
}
