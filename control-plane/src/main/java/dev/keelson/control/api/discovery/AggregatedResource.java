package dev.keelson.control.api.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.registry.Subresource;

/** One {@code APIResourceDiscovery} entry of aggregated discovery. */
final class AggregatedResource {
    private AggregatedResource() {}

    static ObjectNode of(ResourceType t) {
        ObjectNode r = Json.object().put("resource", t.resource());
        r.putObject("responseKind").put("group", t.group()).put("version", t.version()).put("kind", t.kind());
        r.put("scope", t.namespaced() ? "Namespaced" : "Cluster").put("singularResource", t.singular());
        Discovery.strings(r.putArray("verbs"), t.verbs());
        if (!t.shortNames().isEmpty()) {
            Discovery.strings(r.putArray("shortNames"), t.shortNames());
        }
        if (!t.categories().isEmpty()) {
            Discovery.strings(r.putArray("categories"), t.categories());
        }
        if (!t.subresources().isEmpty()) {
            ArrayNode subs = r.putArray("subresources");
            for (Subresource s : t.subresources()) {
                ObjectNode sr = subs.addObject().put("subresource", s.name());
                sr.putObject("responseKind").put("group", s.group()).put("version", s.version()).put("kind", s.kind());
                Discovery.strings(sr.putArray("verbs"), s.verbs());
            }
        }
        return r;
    }
}
