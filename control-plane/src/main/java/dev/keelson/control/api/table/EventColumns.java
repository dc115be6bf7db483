package dev.keelson.control.api.table;

import static dev.keelson.control.api.table.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.List;

/** Event columns: Last Seen, Type, Reason, Object, Message, and Subobject, Source, First Seen, Count, Name wide. */
final class EventColumns {
    private EventColumns() {}

    static List<Column> columns(Clock clock) {
        return List.of(
                Column.of("Last Seen", "string", "Time since the event was last seen",
                        o -> Ages.since(last(o), clock)),
                Column.of("Type", "string", "Type of the event", o -> text(o, "type")),
                Column.of("Reason", "string", "Reason of the event", o -> text(o, "reason")),
                Column.of("Object", "string", "The object the event is about", o -> text(o, "involvedObject.kind")
                        .toLowerCase(java.util.Locale.ROOT) + "/" + text(o, "involvedObject.name")),
                Column.wide("Subobject", "string", "Field of the object", o -> o.path("involvedObject").path("fieldPath").asText("")),
                Column.wide("Source", "string", "Who reported the event", EventColumns::source),
                Column.of("Message", "string", "Message of the event", o -> o.path("message").asText("")),
                Column.wide("First Seen", "string", "Time since the event was first seen",
                        o -> Ages.since(o.path("firstTimestamp").asText(o.path("eventTime").asText("")), clock)),
                Column.wide("Count", "string", "How often the event happened", o -> o.path("count").asText("1")),
                Column.wide("Name", "string", "Name of the event", o -> o.path("metadata").path("name").asText()));
    }

    private static String last(JsonNode o) {
        for (String f : new String[] {"series.lastObservedTime", "lastTimestamp", "eventTime", "metadata.creationTimestamp"}) {
            String v = Cells.at(o, f).asText("");
            if (!v.isEmpty()) {
                return v;
            }
        }
        return "";
    }

    private static String source(JsonNode o) {
        String c = o.path("source").path("component").asText(o.path("reportingComponent").asText(""));
        String host = o.path("source").path("host").asText("");
        return host.isEmpty() ? c : c + ", " + host;
    }
}
