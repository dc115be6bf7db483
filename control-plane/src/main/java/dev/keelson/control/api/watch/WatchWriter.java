package dev.keelson.control.api.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.rest.ApiException;
import dev.keelson.control.api.rest.Representation;
import dev.keelson.control.api.table.TableConverter;
import java.util.List;

/** Encodes watch events as newline-terminated JSON in the representation the client asked for. */
final class WatchWriter {
    private final Representation form;
    private final TableConverter tables;
    private final ResourceType type;
    private final TableConverter.Include include;
    private boolean headersSent;

    WatchWriter(Representation form, TableConverter tables, ResourceType type, TableConverter.Include include) {
        this.form = form;
        this.tables = tables;
        this.type = type;
        this.include = include;
    }

    byte[] event(String eventType, ObjectNode object) {
        ObjectNode body = switch (form) {
            case TABLE -> {
                // Column definitions go with the first event only; kubectl prints headers once.
                ObjectNode t = tables.table(type, List.of(object), Json.object().put("resourceVersion",
                        object.path("metadata").path("resourceVersion").asText()), include, !headersSent);
                headersSent = true;
                yield t;
            }
            case PARTIAL -> TableConverter.partial(object);
            case JSON, YAML -> object;
        };
        ObjectNode e = Json.object().put("type", eventType);
        e.set("object", body);
        return WatchHandler.line(e);
    }

    byte[] bookmark(long revision, boolean initialEventsEnd) {
        ObjectNode o = Json.object().put("kind", type.kind()).put("apiVersion", type.apiVersion());
        ObjectNode meta = o.putObject("metadata").put("resourceVersion", Long.toString(revision));
        if (initialEventsEnd) {
            meta.putObject("annotations").put("k8s.io/initial-events-end", "true");
        }
        ObjectNode e = Json.object().put("type", "BOOKMARK");
        e.set("object", o);
        return WatchHandler.line(e);
    }

    static byte[] error(ApiException status) {
        ObjectNode e = Json.object().put("type", "ERROR");
        e.set("object", status.status());
        return WatchHandler.line(e);
    }
}
