package dev.keelson.control.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.discovery.Discovery;
import dev.keelson.control.api.rest.ApiException;
import dev.keelson.control.api.rest.Replies;
import dev.keelson.control.api.rest.ResourcePath;
import dev.keelson.control.api.rest.RestHandler;
import dev.keelson.control.schema.Schemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The top of the URL space: health, version, discovery, OpenAPI, and resource URLs (handed to
 * {@link RestHandler}). Knows nothing of HTTP libraries or authentication.
 */
public final class ApiRouter {
    /** Paths served without a token, as Kubernetes serves them to anonymous users. */
    public static final Set<String> ANONYMOUS = Set.of("/healthz", "/livez", "/readyz", "/version");

    private final Discovery discovery;
    private final RestHandler rest;
    private final Supplier<String> serverAddress;
    private final dev.keelson.control.api.subresource.MetricsAggregator metrics;

    public ApiRouter(Discovery discovery, RestHandler rest, Supplier<String> serverAddress,
                     dev.keelson.control.api.subresource.MetricsAggregator metrics) {
        this.discovery = discovery;
        this.rest = rest;
        this.serverAddress = serverAddress;
        this.metrics = metrics;
    }

    public static boolean anonymous(String path) {
        for (String p : ANONYMOUS) {
            if (path.equals(p) || (!p.equals("/version") && path.startsWith(p + "/"))) {
                return true;
            }
        }
        return false;
    }

    public void serve(ApiRequest request, Responder out) throws IOException {
        String path = request.path().length() > 1 && request.path().endsWith("/")
                ? request.path().substring(0, request.path().length() - 1) : request.path();
        if (anonymous(path)) {
            if (path.equals("/version")) {
                Replies.json(out, 200, version());
            } else {
                out.send(200, "text/plain; charset=utf-8", "ok".getBytes(StandardCharsets.UTF_8));
            }
            return;
        }
        Optional<ResourcePath> resource = ResourcePath.parse(path);
        if (resource.isPresent() && resource.get().group().equals(dev.keelson.control.api.subresource.MetricsAggregator.GROUP)) {
            Replies.json(out, 200, metrics.serve(request, resource.get()));
            return;
        }
        if (resource.isPresent()) {
            rest.serve(request, out, resource.get());
            return;
        }
        if (!request.method().equals("GET")) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        List<String> s = List.of(path.split("/")).stream().filter(x -> !x.isEmpty()).toList();
        if (s.size() >= 2 && s.get(0).equals("openapi")) {
            serveOpenApi(request, out, s);
            return;
        }
        Optional<String> aggregated = Discovery.aggregated(request.accept());
        ObjectNode body = switch (s.size()) {
            case 1 -> switch (s.get(0)) {
                case "api" -> aggregated.isPresent() ? null : discovery.apiVersions(serverAddress.get());
                case "apis" -> aggregated.isPresent() ? null : discovery.groupList();
                default -> throw ApiException.notFoundPath();
            };
            case 2 -> s.get(0).equals("api") ? discovery.resourceList("", s.get(1)).orElseThrow(ApiException::notFoundPath)
                    : s.get(0).equals("apis") ? discovery.group(s.get(1), true).orElseThrow(ApiException::notFoundPath)
                    : null;
            case 3 -> s.get(0).equals("apis") ? discovery.resourceList(s.get(1), s.get(2))
                    .orElseThrow(ApiException::notFoundPath) : null;
            default -> null;
        };
        if (body == null && s.size() == 1 && aggregated.isPresent()) {
            out.send(200, aggregated.get(), Json.bytes(discovery.aggregatedList(s.get(0).equals("api"), aggregated.get())));
            return;
        }
        if (body == null) {
            throw ApiException.notFoundPath();
        }
        Replies.json(out, 200, body);
    }

    /** A Kubernetes version document; the minor version tells kubectl which API level to expect. */
    public static ObjectNode version() {
        return Json.object().put("major", "1").put("minor", "33").put("gitVersion", "v1.33.0-keelson")
                .put("gitCommit", "").put("gitTreeState", "clean").put("buildDate", "")
                .put("goVersion", "java" + Runtime.version().feature()).put("compiler", "javac")
                .put("platform", "linux/" + arch());
    }

    private static String arch() {
        String a = System.getProperty("os.arch");
        return a.equals("amd64") || a.equals("x86_64") ? "amd64" : a.equals("aarch64") ? "arm64" : a;
    }

    /**
     * {@code /openapi/v2}: protobuf (what kubectl's client-side validation asks for and the only form
     * it reads there) unless the client wants JSON; {@code /openapi/v3}: the index whose hashed
     * URLs kubectl follows; {@code /openapi/v3/<group-version>}: the document (any hash).
     */
    private static void serveOpenApi(ApiRequest request, Responder out, List<String> s) throws IOException {
        String accept = request.accept() == null ? "" : request.accept();
        if (s.size() == 2 && s.get(1).equals("v2")) {
            if (accept.contains("protobuf")) {
                out.send(200, "application/octet-stream", Schemas.openApiV2Protobuf());
            } else {
                out.send(200, "application/json", Schemas.openApiV2Json());
            }
            return;
        }
        if (s.get(1).equals("v3")) {
            if (s.size() == 2) {
                Replies.json(out, 200, Schemas.openApiV3Index());
                return;
            }
            try {
                out.send(200, "application/json", Schemas.openApiV3Json(String.join("/", s.subList(2, s.size()))));
                return;
            } catch (IllegalArgumentException e) {
                throw ApiException.notFoundPath();
            }
        }
        throw ApiException.notFoundPath();
    }
}
