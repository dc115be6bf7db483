package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.http.ApiRequest;
import dev.keelson.control.api.http.Responder;
import dev.keelson.control.api.registry.ResourceRegistry;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.storage.Stored;
import dev.keelson.control.api.table.TableConverter;
import dev.keelson.control.schema.Schemas;
import java.io.IOException;

/** The subresources: status, finalize (namespaces), scale, and the pod ones (binding, eviction, log, exec, attach, portforward). */
public final class Subresources {
    /** Streams a pod's container log from the node that runs it. */
    public interface LogProxy {
        void stream(ApiRequest request, Responder out, ObjectNode pod, ObjectNode node, String container)
                throws IOException;
    }

    private final ResourceRegistry registry;
    private final ObjectWriter writer;
    private final UpdateHandler updater;
    private final DeleteHandler deleter;
    private final PatchHandler patcher;
    private final Replies replies;
    /** The streaming subresources of a pod, each served over the client's upgraded connection. */
    public enum Stream {
        /** {@code pods/exec}: a command in a container. */
        EXEC,
        /** {@code pods/attach}: the container's own process. */
        ATTACH,
        /** {@code pods/portforward}: TCP connections to the pod's ports. */
        PORT_FORWARD
    }

    /** Joins a client's upgraded connection to a pod's node for exec, attach or port-forward. */
    public interface ExecProxy {
        /** @param container the container (null for port-forward) */
        void stream(Stream kind, ApiRequest request, Responder out, ObjectNode pod, ObjectNode node, String container)
                throws IOException;
    }

    private final LogProxy logs;
    private final ExecProxy exec;

    Subresources(ResourceRegistry registry, ObjectWriter writer, UpdateHandler updater, DeleteHandler deleter,
                 PatchHandler patcher, Replies replies, LogProxy logs, ExecProxy exec) {
        this.registry = registry;
        this.writer = writer;
        this.updater = updater;
        this.deleter = deleter;
        this.patcher = patcher;
        this.replies = replies;
        this.logs = logs;
        this.exec = exec;
    }

    void serve(ApiRequest request, Responder out, ResourceType type, String ns, String name, String sub)
            throws IOException {
        String verb = request.method();
        switch (sub) {
            case "status", "finalize" -> {
                switch (verb) {
                    case "GET" -> replies.object(request, out, type, 200, get(type, ns, name).object());
                    case "PUT" -> {
                        ObjectNode body = Bodies.object(request);
                        Bodies.expectKind(body, type);
                        replies.object(request, out, type, 200,
                                updater.update(type, ns, name, sub, body, WriteOptions.of(request)));
                    }
                    case "PATCH" -> {
                        if (sub.equals("finalize")) {
                            throw notAllowed();
                        }
                        replies.object(request, out, type, 200,
                                patcher.patch(type, ns, name, sub, request, WriteOptions.of(request)).object());
                    }
                    default -> throw notAllowed();
                }
            }
            case "scale" -> scale(request, out, type, ns, name);
            case "binding" -> bind(request, out, type, ns, name);
            case "eviction" -> evict(request, out, type, ns, name);
            case "log" -> log(request, out, type, ns, name);
            case "exec" -> exec(request, out, type, ns, name, Stream.EXEC);
            case "attach" -> exec(request, out, type, ns, name, Stream.ATTACH);
            case "portforward" -> exec(request, out, type, ns, name, Stream.PORT_FORWARD);
            default -> throw ApiException.notFoundPath();
        }
    }

    private Stored get(ResourceType type, String ns, String name) {
        return writer.storage().get(type, ns, name).orElseThrow(() -> ApiException.notFound(type, name));
    }

    private static ApiException notAllowed() {
        return ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }

    /** The autoscaling/v1 Scale view of a deployment or replica set. */
    static ObjectNode scaleOf(ObjectNode o) {
        ObjectNode s = Json.object().put("kind", "Scale").put("apiVersion", "autoscaling/v1");
        ObjectNode meta = s.putObject("metadata");
        for (String f : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (o.path("metadata").has(f)) {
                meta.set(f, o.path("metadata").get(f));
            }
        }
        s.putObject("spec").put("replicas", o.path("spec").path("replicas").asLong(0));
        s.putObject("status").put("replicas", o.path("status").path("replicas").asLong(0))
                .put("selector", TableConverter.selectorString(o.path("spec").path("selector")));
        return s;
    }

    private void scale(ApiRequest request, Responder out, ResourceType type, String ns, String name) throws IOException {
        switch (request.method()) {
            case "GET" -> Replies.json(out, 200, scaleOf(get(type, ns, name).object()));
            case "PUT", "PATCH" -> {
                boolean put = request.method().equals("PUT");
                ObjectNode body = put ? Bodies.object(request) : null;
                if (put) {
                    Bodies.expectKind(body, "autoscaling/v1", "Scale");
                }
                JsonNode patch = put ? null : PatchHandler.patchOf(request);
                ObjectNode updated = PatchHandler.guarded(() -> writer.update(type, ns, name, current -> {
                    ObjectNode scale = put ? body : asObject(PatchHandler.document(request.contentType(),
                            scaleOf(current.object()), patch, Schemas.of("autoscaling/v1", "Scale")));
                    UpdateHandler.requireVersion(type, name,
                            scale.path("metadata").path("resourceVersion").asText(""), current);
                    JsonNode replicas = scale.path("spec").path("replicas");
                    if (!replicas.canConvertToLong() || replicas.asLong() < 0) {
                        throw ApiException.invalid(type, name, java.util.List.of(new Schemas.FieldError(
                                "FieldValueInvalid", "spec.replicas", "Invalid value: " + replicas
                                + ": must be greater than or equal to 0")));
                    }
                    ObjectNode next = current.object().deepCopy();
                    next.withObjectProperty("spec").put("replicas", replicas.asLong());
                    return next;
                }, WriteOptions.of(request)));
                Replies.json(out, 200, scaleOf(updated));
            }
            default -> throw notAllowed();
        }
    }

    private static ObjectNode asObject(JsonNode n) {
        if (!(n instanceof ObjectNode o)) {
            throw ApiException.badRequest("the patched Scale is not an object");
        }
        return o;
    }

    private void bind(ApiRequest request, Responder out, ResourceType pods, String ns, String name) throws IOException {
        if (!request.method().equals("POST")) {
            throw notAllowed();
        }
        ObjectNode body = Bodies.object(request);
        Bodies.expectKind(body, "v1", "Binding");
        String node = body.path("target").path("name").asText("");
        if (node.isEmpty()) {
            throw ApiException.badRequest("Binding target.name is required");
        }
        writer.update(pods, ns, name, current -> {
            ObjectNode pod = current.object().deepCopy();
            String bound = pod.path("spec").path("nodeName").asText("");
            if (!bound.isEmpty()) {
                throw new ApiException(409, "Conflict", "Operation cannot be fulfilled on pods/binding \"" + name
                        + "\": pod " + name + " is already assigned to node \"" + bound + "\"", null);
            }
            if (Meta.deleting(pod)) {
                throw new ApiException(409, "Conflict", "Operation cannot be fulfilled on pods/binding \"" + name
                        + "\": pod " + name + " is being deleted, cannot be assigned to a host", null);
            }
            pod.withObjectProperty("spec").put("nodeName", node);
            var conditions = pod.withObjectProperty("status").withArrayProperty("conditions");
            for (int i = conditions.size() - 1; i >= 0; i--) {
                if (conditions.get(i).path("type").asText().equals("PodScheduled")) {
                    conditions.remove(i);
                }
            }
            conditions.addObject().put("type", "PodScheduled").put("status", "True")
                    .put("lastTransitionTime", Meta.timestamp(writer.clock().instant()));
            return pod;
        }, WriteOptions.of(request));
        Replies.json(out, 201, success());
    }

    private void evict(ApiRequest request, Responder out, ResourceType pods, String ns, String name) throws IOException {
        if (!request.method().equals("POST")) {
            throw notAllowed();
        }
        ObjectNode body = Bodies.object(request);
        Bodies.expectKind(body, "policy/v1", "Eviction");
        String named = body.path("metadata").path("name").asText(name);
        if (!named.equals(name)) {
            throw ApiException.badRequest("name in URL does not match name in Eviction object");
        }
        byte[] options = Json.bytes(body.path("deleteOptions").isObject() ? body.get("deleteOptions") : Json.object());
        ApiRequest asDelete = new ApiRequest("DELETE", request.path(), request.query(), request.headers(), options,
                request.user());
        deleter.delete(pods, ns, name, DeleteOptions.of(asDelete), WriteOptions.of(request));
        Replies.json(out, 201, success());
    }

    private void log(ApiRequest request, Responder out, ResourceType pods, String ns, String name) throws IOException {
        if (!request.method().equals("GET")) {
            throw notAllowed();
        }
        ObjectNode pod = get(pods, ns, name).object();
        String container = container(request, pod, name, true);
        logs.stream(request, out, pod, nodeOf(pod, name, "the logs of"), container);
    }

    private void exec(ApiRequest request, Responder out, ResourceType pods, String ns, String name, Stream kind)
            throws IOException {
        if (!request.method().equals("GET") && !request.method().equals("POST")) {
            throw notAllowed();
        }
        ObjectNode pod = get(pods, ns, name).object();
        String container = kind == Stream.PORT_FORWARD ? null : container(request, pod, name, false);
        if (kind == Stream.EXEC && request.params("command").isEmpty()) {
            throw ApiException.badRequest("you must specify at least one command for the container");
        }
        String phase = pod.path("status").path("phase").asText("");
        if (phase.equals("Succeeded") || phase.equals("Failed")) {
            String verb = switch (kind) {
                case EXEC -> "exec into a container";
                case ATTACH -> "attach to a container";
                case PORT_FORWARD -> "port-forward to a pod";
            };
            throw ApiException.badRequest("cannot " + verb + " in a completed pod; current phase is " + phase);
        }
        exec.stream(kind, request, out, pod, nodeOf(pod, name, kind == Stream.PORT_FORWARD ? "port-forward to" : "exec in"),
                container);
    }

    /** The {@code container} parameter, or the only container; init containers count for logs only. */
    private static String container(ApiRequest request, ObjectNode pod, String name, boolean initToo) {
        String container = request.param("container");
        var containers = pod.path("spec").path("containers");
        if (container == null || container.isEmpty()) {
            if (containers.size() != 1) {
                java.util.List<String> names = new java.util.ArrayList<>();
                containers.forEach(c -> names.add(c.path("name").asText()));
                throw ApiException.badRequest("a container name must be specified for pod " + name
                        + ", choose one of: " + names);
            }
            return containers.get(0).path("name").asText();
        }
        boolean known = false;
        for (JsonNode c : containers) {
            known |= c.path("name").asText().equals(container);
        }
        for (JsonNode c : pod.path("spec").path("initContainers")) {
            known |= initToo && c.path("name").asText().equals(container);
        }
        if (!known) {
            throw ApiException.badRequest("container " + container + " is not valid for pod " + name);
        }
        return container;
    }

    private ObjectNode nodeOf(ObjectNode pod, String name, String what) {
        String nodeName = pod.path("spec").path("nodeName").asText("");
        if (nodeName.isEmpty()) {
            throw ApiException.badRequest("pod " + name + " does not have a host assigned");
        }
        ResourceType nodes = registry.find("", "v1", "nodes").orElseThrow();
        return writer.storage().get(nodes, null, nodeName)
                .orElseThrow(() -> ApiException.unavailable("unable to reach node \"" + nodeName + "\" for " + what
                        + " pod \"" + name + "\": the node does not exist")).object();
    }

    private static ObjectNode success() {
        ObjectNode s = Json.object().put("kind", "Status").put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Success").put("code", 201);
        return s;
    }
}
