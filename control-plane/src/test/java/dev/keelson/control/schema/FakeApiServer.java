package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Just enough of an API server for kubectl to discover the built-in kinds and fetch the OpenAPI
 * documents this package produces: legacy discovery, /openapi/v2 (protobuf or JSON), /openapi/v3
 * and its group versions. Writes are recorded and echoed back.
 */
final class FakeApiServer implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    record Request(String method, String uri, String contentType, byte[] body) {}

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    FakeApiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getPath();
            requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().toString(),
                    ex.getRequestHeaders().getFirst("Content-Type"), body));
            String accept = String.valueOf(ex.getRequestHeaders().getFirst("Accept"));
            if (!ex.getRequestMethod().equals("GET")) {
                String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
                if (type.contains("protobuf")) {
                    send(ex, 201, "application/json", MAPPER.writeValueAsBytes(Schemas.decodeProtobuf(body)));
                } else {
                    send(ex, 201, "application/json", body);
                }
                return;
            }
            switch (path) {
                case "/version" -> json(ex, JSON.objectNode().put("major", "1").put("minor", "33").put("gitVersion", "v1.33.0"));
                case "/api" -> {
                    ObjectNode v = JSON.objectNode().put("kind", "APIVersions");
                    v.putArray("versions").add("v1");
                    v.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0")
                            .put("serverAddress", "127.0.0.1");
                    json(ex, v);
                }
                case "/apis" -> json(ex, groups());
                case "/openapi/v2" -> {
                    if (accept.contains("protobuf")) {
                        // Go clients cannot parse the "@" media type back; Kubernetes answers octet-stream.
                        send(ex, 200, "application/octet-stream", Schemas.openApiV2Protobuf());
                    } else {
                        send(ex, 200, "application/json", Schemas.openApiV2Json());
                    }
                }
                case "/openapi/v3" -> json(ex, Schemas.openApiV3Index());
                default -> {
                    if (path.startsWith("/openapi/v3/")) {
                        send(ex, 200, "application/json", Schemas.openApiV3Json(path.substring("/openapi/v3/".length())));
                    } else if (resources(path) != null) {
                        json(ex, resources(path));
                    } else {
                        send(ex, 404, "application/json", "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}".getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    private static final Map<String, List<String>> GROUPS = Map.of("apps", List.of("v1"), "batch", List.of("v1"),
            "coordination.k8s.io", List.of("v1"), "discovery.k8s.io", List.of("v1"), "autoscaling", List.of("v2", "v1"),
            "policy", List.of("v1"));

    private static ObjectNode groups() {
        ObjectNode list = JSON.objectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groups = list.putArray("groups");
        GROUPS.forEach((name, versions) -> {
            ObjectNode g = groups.addObject().put("name", name);
            ArrayNode vs = g.putArray("versions");
            for (String v : versions) {
                vs.addObject().put("groupVersion", name + "/" + v).put("version", v);
            }
            g.putObject("preferredVersion").put("groupVersion", name + "/" + versions.get(0)).put("version", versions.get(0));
        });
        return list;
    }

    private static ObjectNode resources(String path) {
        TypeDef.Gvk gv = ApiResources.groupVersionOf(path);
        if (gv == null) {
            return null;
        }
        ObjectNode list = JSON.objectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
                .put("groupVersion", gv.apiVersion());
        ArrayNode resources = list.putArray("resources");
        for (ApiResources.Resource r : ApiResources.ALL_RESOURCES) {
            if (!r.groupVersion().group().equals(gv.group()) || !r.groupVersion().version().equals(gv.version())) {
                continue;
            }
            String name = r.subresource().isEmpty() ? r.plural() : r.plural() + "/" + r.subresource();
            ObjectNode res = resources.addObject().put("name", name).put("namespaced", r.namespaced())
                    .put("kind", r.gvk().kind()).put("singularName", r.subresource().isEmpty() ? r.gvk().kind().toLowerCase() : "");
            ArrayNode verbs = res.putArray("verbs");
            r.verbs().forEach(verbs::add);
        }
        return list;
    }

    private static void json(HttpExchange ex, ObjectNode body) throws IOException {
        send(ex, 200, "application/json", MAPPER.writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(code, body.length);
        ex.getResponseBody().write(body);
    }
}
