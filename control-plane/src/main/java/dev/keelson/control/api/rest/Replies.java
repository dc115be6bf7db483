package dev.keelson.control.api.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.http.ApiRequest;
import dev.keelson.control.api.http.Responder;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.table.TableConverter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes objects and lists in the representation the client asked for (JSON, YAML, Table, metadata). */
public final class Replies {
    private final TableConverter tables;

    public Replies(TableConverter tables) {
        this.tables = tables;
    }

    public TableConverter tables() {
        return tables;
    }

    /** Sends a plain JSON body (Status, discovery, Scale…). */
    public static void json(Responder out, int code, JsonNode body) throws IOException {
        out.send(code, "application/json", Json.bytes(body));
    }

    /** Sends one object of {@code type}, as a one-row Table when asked. */
    public void object(ApiRequest request, Responder out, ResourceType type, int code, ObjectNode object)
            throws IOException {
        Representation r = Representation.of(request);
        JsonNode body = switch (r) {
            case TABLE -> tables.table(type, List.of(object), null, include(request), true);
            case PARTIAL -> TableConverter.partial(object);
            case JSON, YAML -> object;
        };
        send(out, code, r, body);
    }

    /** Sends a page of a list as {@code <Kind>List}, a Table, or a PartialObjectMetadataList. */
    public void list(ApiRequest request, Responder out, ResourceType type, Lister.Page page) throws IOException {
        Representation r = Representation.of(request);
        ObjectNode meta = Json.object().put("resourceVersion", Long.toString(page.revision()));
        if (page.continueToken() != null) {
            meta.put("continue", page.continueToken());
        }
        if (page.remaining() != null) {
            meta.put("remainingItemCount", page.remaining());
        }
        if (page.json() != null) {
            out.send(200, r.contentType(), jsonList(type, meta, page.json()));
            return;
        }
        JsonNode body;
        if (r == Representation.TABLE) {
            body = tables.table(type, page.items(), meta, include(request), true);
        } else {
            boolean partial = r == Representation.PARTIAL;
            ObjectNode list = Json.object();
            list.put("kind", partial ? "PartialObjectMetadataList" : type.kind() + "List")
                    .put("apiVersion", partial ? "meta.k8s.io/v1" : type.apiVersion());
            list.set("metadata", meta);
            ArrayNode items = list.putArray("items");
            page.items().forEach(i -> items.add(partial ? TableConverter.partial(i) : i));
            body = list;
        }
        send(out, 200, r, body);
    }

    /** {@code <Kind>List} with items already in JSON: the bytes the tree form would encode to, without the tree. */
    private static byte[] jsonList(ResourceType type, ObjectNode meta, List<byte[]> items) {
        byte[] head = Json.bytes(Json.object().put("kind", type.kind() + "List").put("apiVersion", type.apiVersion())
                .set("metadata", meta));
        int size = head.length + 12;
        for (byte[] i : items) {
            size += i.length + 1;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream(size);
        b.write(head, 0, head.length - 1);
        b.writeBytes(",\"items\":[".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                b.write(',');
            }
            b.writeBytes(items.get(i));
        }
        b.writeBytes("]}".getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    static TableConverter.Include include(ApiRequest request) {
        try {
            return TableConverter.include(request.param("includeObject"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static void send(Responder out, int code, Representation r, JsonNode body) throws IOException {
        if (r == Representation.YAML) {
            try {
                out.send(code, r.contentType(), Json.YAML.writeValueAsBytes(body));
            } catch (JsonProcessingException e) {
                throw new IOException(e);
            }
        } else {
            out.send(code, r.contentType(), Json.bytes(body));
        }
    }
}
